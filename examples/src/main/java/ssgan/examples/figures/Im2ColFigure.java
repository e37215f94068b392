package ssgan.examples.figures;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import ssgan.engine.kernels.ConvGeometry;
import ssgan.engine.ops.Conv2dSpec;
import ssgan.engine.ops.Convolution;
import ssgan.engine.ops.Padding;
import ssgan.engine.tensor.Tensor;
import ssgan.examples.Lesson07Im2Col;

/**
 * Figure 1, {@code im2col.png}: the im2col matrix of a 2-channel 4×4 image and a 3×3 kernel with
 * padding 1, next to the image it is read from. The index map comes from lesson 7
 * ({@link Lesson07Im2Col#windowOffsets}, built from the engine's {@link ConvGeometry}); the test checks
 * that it is the engine's own table and that the matrix reproduces {@link Convolution#conv2d}.
 */
final class Im2ColFigure {
    static final String FILE = "im2col.png";
    /** The output position whose window and column are outlined: (oy, ox) = (1, 0), half in the padding. */
    static final int HIGHLIGHT = 4;

    private Im2ColFigure() {}

    /**
     * The example drawn. The input holds 1, 2, 3, ... in memory order, so each value names its pixel and a
     * 0 in the matrix can only be padding. {@code offsets[t·P + q]} and {@code columns[(c·T + t)·P + q]}
     * are lesson 7's index map and im2col matrix (T taps, P output positions, one image).
     */
    record Data(ConvGeometry geometry, Tensor input, int[] offsets, float[] columns) {}

    static Data data() {
        int channels = 2, size = 4, kernel = 3;
        Tensor x = Tensor.arange(1f, channels * size * size + 1f, 1f).reshape(1, channels, size, size);
        Tensor w = Tensor.zeros(1, channels, kernel, kernel);  // only its shape matters for the geometry
        ConvGeometry g = Convolution.conv2dGeometry(x, w, null, Conv2dSpec.of(1, Padding.of(1)));
        int[] offsets = Lesson07Im2Col.windowOffsets(g);
        return new Data(g, x, offsets, Lesson07Im2Col.columns(x.data(), g, offsets));
    }

    static void draw(Data d, Path file) throws IOException {
        ConvGeometry g = d.geometry();
        int taps = g.kernelH() * g.kernelW(), positions = g.outPlane(), rows = g.channels() * taps;
        Color mark = Canvas.PALETTE[3];
        Canvas c = new Canvas(1280, 720);

        c.font(20, true).text("im2col: a convolution as one matrix product", 30, 36);
        c.font(14, false).paragraph(String.format("x [1, %d, %d, %d] (the values 1…%d name the pixels), %d×%d kernel, stride %d, padding %d → "
                        + "output %d×%d. The matrix has a row per (channel c, tap t = ky·%d + kx) and a column per output position q = oy·%d + ox.",
                g.channels(), g.height(), g.width(), g.channels() * g.imagePlane(), g.kernelH(), g.kernelW(), g.strideH(), g.padTop(),
                g.outH(), g.outW(), g.kernelW(), g.outW()), 30, 62, 1220);

        // The input planes with their ring of padding (dashed), the highlighted window outlined.
        double cell = 34, px = 40;
        int oy = HIGHLIGHT / g.outW(), ox = HIGHLIGHT % g.outW();
        for (int ch = 0; ch < g.channels(); ch++) {
            double py = 140 + ch * (cell * (g.height() + 2) + 56);
            Color tint = Canvas.tint(Canvas.PALETTE[ch], 0.72);
            c.font(15, true).color(Canvas.INK).text("x, channel " + ch, px, py - 12);
            c.font(13, false);
            for (int r = -1; r <= g.height(); r++) {
                for (int col = -1; col <= g.width(); col++) {
                    double x0 = px + (col + 1) * cell, y0 = py + (r + 1) * cell;
                    boolean inside = r >= 0 && r < g.height() && col >= 0 && col < g.width();
                    if (inside) {
                        c.stroke(1f).color(Canvas.INK).cell(x0, y0, cell, cell, tint, fmt(d.input().data()[ch * g.imagePlane() + r * g.width() + col]));
                    } else {
                        c.dashed(1f).color(Canvas.GREY).cell(x0, y0, cell, cell, Canvas.LIGHT_GREY, "0");
                    }
                }
            }
            double wy = py + (oy * g.strideH() - g.padTop() + 1) * cell, wx = px + (ox * g.strideW() - g.padLeft() + 1) * cell;
            c.color(mark).thick(3.5f, () -> c.rect(wx, wy, g.kernelW() * cell, g.kernelH() * cell));
        }
        c.font(13, false).color(Canvas.INK).paragraph("Dashed: the padding, read as 0. Red: the window of output position q = "
                + HIGHLIGHT + " (oy " + oy + ", ox " + ox + "), in both channels.", px, 140 + 2 * (cell * (g.height() + 2) + 56) - 20, 230);

        // The matrix, one column per output position, labelled with the value each entry reads.
        double mx = 445, my = 170, cw = 31, ch = 28;
        c.font(15, true).text("cols = im2col(x): " + rows + " × " + positions, mx, my - 52);
        c.font(11, false).color(Canvas.GREY);
        for (int q = 0; q < positions; q++) {
            c.centred("q " + q, mx + (q + 0.5) * cw, my - 28);
            c.centred((q / g.outW()) + "," + (q % g.outW()), mx + (q + 0.5) * cw, my - 13);
        }
        c.right("(oy,ox)", mx - 6, my - 9);
        for (int r = 0; r < rows; r++) {
            int chan = r / taps, t = r % taps;
            c.font(12, false).color(Canvas.PALETTE[chan]).right(String.format("c%d  t%d (%d,%d)", chan, t, t / g.kernelW(), t % g.kernelW()),
                    mx - 8, my + (r + 0.5) * ch + 4);
            Color tint = Canvas.tint(Canvas.PALETTE[chan], 0.72);
            for (int q = 0; q < positions; q++) {
                boolean padding = d.offsets()[t * positions + q] < 0;
                String label = fmt(d.columns()[r * positions + q]);
                if (padding) {
                    c.color(Canvas.GREY).stroke(1f).cell(mx + q * cw, my + r * ch, cw, ch, Canvas.LIGHT_GREY, label);
                } else {
                    c.color(Canvas.INK).stroke(1f).cell(mx + q * cw, my + r * ch, cw, ch, tint, label);
                }
            }
        }
        c.color(mark).thick(3.5f, () -> c.rect(mx + HIGHLIGHT * cw, my, cw, rows * ch));

        // What the matrix is for.
        double tx = mx + positions * cw + 36, width = 1280 - tx - 24, y = my;
        c.font(17, true).color(Canvas.INK).text("Y = W · cols", tx, y);
        c.font(14, false);
        y = c.paragraph("W: O × " + rows + ", the weight [O, " + g.channels() + ", " + g.kernelH() + ", " + g.kernelW()
                + "] as it is stored, one row per output channel.", tx, y + 30, width);
        y = c.paragraph("Y: O × " + positions + ", row o is output channel o, column q output pixel q.", tx, y + 6, width);
        y = c.paragraph("Row (c, t) of cols holds what kernel tap t of channel c sees at each output position: pixel (oy·s − pad + ky, "
                + "ox·s − pad + kx). That index map depends on the geometry only, not on the channel or the image.", tx, y + 6, width);
        y = c.paragraph("Each input pixel appears in up to " + taps + " columns. So the engine never stores cols: its GEMM packs the blocks "
                + "it needs straight from x through the index map (Im2ColMatrix, an implicit GEMM).", tx, y + 6, width);
        c.font(12, false).color(Canvas.GREY).paragraph("Drawn from the index map of lesson 7 (Lesson07Im2Col.windowOffsets) on the "
                + "engine's ConvGeometry. FiguresTest checks that the map is the engine's own (Im2ColMatrix) and that W · cols "
                + "equals Convolution.conv2d.", tx, y + 14, width);
        c.save(file);
    }

    private static String fmt(float v) {
        return String.valueOf((int) v);
    }
}
