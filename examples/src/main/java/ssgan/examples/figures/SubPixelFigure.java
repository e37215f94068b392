package ssgan.examples.figures;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import ssgan.engine.kernels.ConvGeometry;
import ssgan.engine.ops.ConvTranspose2dSpec;
import ssgan.engine.ops.Convolution;
import ssgan.engine.tensor.Tensor;

/**
 * Figure 2, {@code subpixel-phases.png}: a stride-2 transposed convolution with a 5×5 kernel (the
 * generator's layers, in small) split into its four sub-pixel phases. Which output pixels form each
 * phase, which kernel taps feed it, and for one pixel of each phase which input values those taps
 * multiply: all read from the engine's own {@code SubPixelPhases} ({@link EngineInternals#subPixelPhases});
 * the test checks that summing them reproduces {@link Convolution#convTranspose2d}.
 */
final class SubPixelFigure {
    static final String FILE = "subpixel-phases.png";

    private SubPixelFigure() {}

    /**
     * The example: x {@code [1, 1, 3, 3]} up to y {@code [1, 1, 6, 6]}, 5×5 kernel, stride 2, TensorFlow's
     * SAME. {@code geometry} is the convolution whose adjoint this is (its image is y, its output x).
     */
    record Data(ConvGeometry geometry, List<EngineInternals.Phase> phases) {}

    static Data data() {
        Tensor x = Tensor.zeros(1, 1, 3, 3), w = Tensor.zeros(1, 1, 5, 5);  // only the shapes matter
        ConvGeometry g = Convolution.convTranspose2dGeometry(x, w, null, ConvTranspose2dSpec.same(2));
        return new Data(g, EngineInternals.subPixelPhases(g));
    }

    static void draw(Data d, Path file) throws IOException {
        ConvGeometry g = d.geometry();
        List<EngineInternals.Phase> phases = d.phases();
        int kw = g.kernelW(), yw = g.width(), xw = g.outW();
        int[] phaseOfPixel = new int[g.imagePlane()], phaseOfTap = new int[g.kernelH() * kw];
        java.util.Arrays.fill(phaseOfPixel, -1);
        java.util.Arrays.fill(phaseOfTap, -1);
        for (int p = 0; p < phases.size(); p++) {
            for (int px : phases.get(p).pixels()) phaseOfPixel[px] = p;
            for (int t : phases.get(p).kernelTaps()) phaseOfTap[t] = p;
        }
        Canvas c = new Canvas(1340, 800);
        c.font(20, true).text("Sub-pixel phases of a stride-2 transposed convolution", 30, 36);
        c.font(14, false).text(String.format("x [1, 1, %d, %d] → y [1, 1, %d, %d], %d×%d kernel w, stride %d, TensorFlow's SAME "
                        + "(%d row and column cut at the top and left): the generator's layers, in small.",
                g.outH(), xw, g.height(), yw, g.kernelH(), kw, g.strideH(), g.padTop()), 30, 62);

        // Overview: every pixel of y and every tap of w, coloured by its phase.
        double cell = 30, oy0 = 110;
        c.font(15, true).color(Canvas.INK).text("y, each pixel by its phase", 30, oy0 - 12);
        grid(c, 30, oy0, g.height(), yw, cell, i -> Canvas.tint(Canvas.PALETTE[phaseOfPixel[i]], 0.55), i -> String.valueOf(phaseOfPixel[i]));
        double kx0 = 30 + yw * cell + 60;
        c.font(15, true).color(Canvas.INK).text("w, each tap by the phase it feeds", kx0, oy0 - 12);
        grid(c, kx0, oy0, g.kernelH(), kw, cell, i -> Canvas.tint(Canvas.PALETTE[phaseOfTap[i]], 0.55), i -> String.valueOf(phaseOfTap[i]));
        double tx = kx0 + kw * cell + 60, tw = 1340 - tx - 30;
        c.font(14, false).color(Canvas.INK);
        double y = c.paragraph("A transposed convolution adds each input value x(i, j), times the whole kernel, into y with the kernel's "
                + "top-left tap at (2i\u00a0−\u00a0" + g.padTop() + ", 2j\u00a0−\u00a0" + g.padLeft() + "). Read the other way, output pixel (r, c) gathers only the taps whose row has the parity of r + pad and whose "
                + "column has the parity of c + pad. So the pixels fall into " + phases.size() + " phases by the parity of their row "
                + "and column, and each phase is fed by its own subset of the taps.", tx, oy0 + 4, tw);
        y = c.paragraph("Per phase that is an ordinary stride-1 convolution of x with a sub-kernel: one implicit GEMM whose "
                + "result is final for its pixels. Nothing is summed afterwards, so no col2im is needed. The engine takes "
                + "this route when the layer has fewer input than output channels (g1).", tx, y + 8, tw);

        // One panel per phase.
        double pw = (1340 - 60) / (double) phases.size(), py = 330;
        for (int p = 0; p < phases.size(); p++) {
            panel(c, g, phases.get(p), p, 30 + p * pw, py, pw - 24);
        }
        c.font(12, false).color(Canvas.GREY).text("Drawn from the engine's SubPixelPhases (read by reflection). FiguresTest checks that "
                + "the phases cover every pixel and every tap once and that their sums reproduce Convolution.convTranspose2d.", 30, 785);
        c.save(file);
    }

    /** One phase: its taps in w, its pixels in y, and for one pixel the values of x its taps multiply. */
    private static void panel(Canvas c, ConvGeometry g, EngineInternals.Phase phase, int index, double x0, double y0, double width) {
        Color colour = Canvas.PALETTE[index];
        Color tint = Canvas.tint(colour, 0.55);
        int kw = g.kernelW(), yw = g.width(), xw = g.outW(), positions = phase.pixels().length, taps = phase.kernelTaps().length;
        TreeSet<Integer> kys = new TreeSet<>(), kxs = new TreeSet<>();
        for (int t : phase.kernelTaps()) {
            kys.add(t / kw);
            kxs.add(t % kw);
        }
        int first = phase.pixels()[0];
        c.font(15, true).color(colour).text("phase " + index + ": " + parity(first / yw) + " rows, " + parity(first % yw) + " columns", x0, y0);
        c.font(13, false).color(Canvas.INK).text(taps + " taps (ky ∈ " + set(kys) + ", kx ∈ " + set(kxs) + "), " + positions + " pixels", x0, y0 + 20);
        c.text("a " + kys.size() + "×" + kxs.size() + " stride-1 convolution of x", x0, y0 + 38);

        // The pixel shown in detail: the one whose taps read the most values of x (the first such).
        int shown = 0, best = -1;
        for (int q = 0; q < positions; q++) {
            int inside = 0;
            for (int t = 0; t < taps; t++) if (phase.offsets()[t * positions + q] >= 0) inside++;
            if (inside > best) {
                best = inside;
                shown = q;
            }
        }
        int pixel = phase.pixels()[shown];
        final int shownQ = shown;
        boolean[] tapOfPhase = new boolean[g.kernelH() * kw], pixelOfPhase = new boolean[g.imagePlane()];
        for (int t : phase.kernelTaps()) tapOfPhase[t] = true;
        for (int px : phase.pixels()) pixelOfPhase[px] = true;

        double cell = 22, gy = y0 + 62;
        c.font(12, false).color(Canvas.INK).text("w", x0, gy - 6);
        grid(c, x0, gy, g.kernelH(), kw, cell, i -> tapOfPhase[i] ? tint : Canvas.LIGHT_GREY, i -> tapOfPhase[i] ? (i / kw) + "," + (i % kw) : "");
        double yx0 = x0 + kw * cell + 28;
        c.color(Canvas.INK).text("y: this phase's pixels", yx0, gy - 6);
        grid(c, yx0, gy, g.height(), yw, cell, i -> pixelOfPhase[i] ? tint : Canvas.LIGHT_GREY, i -> "");
        c.color(Canvas.INK).thick(3f, () -> c.rect(yx0 + (pixel % yw) * cell, gy + (pixel / yw) * cell, cell, cell));

        // x: each value the shown pixel reads, labelled with the tap (ky,kx) that multiplies it.
        String[] tapAt = new String[g.outPlane()];
        List<String> terms = new ArrayList<>();
        for (int t = 0; t < taps; t++) {
            int at = phase.offsets()[t * positions + shownQ], tap = phase.kernelTaps()[t];
            if (at < 0) continue;  // this tap falls outside x for this pixel: a zero of the padding
            tapAt[at] = (tap / kw) + "," + (tap % kw);
            terms.add("x(" + at / xw + "," + at % xw + ")·w(" + tap / kw + "," + tap % kw + ")");
        }
        double xy0 = gy + g.height() * cell + 34, xcell = 32;
        c.font(12, false).color(Canvas.INK).text("x: what y(" + pixel / yw + "," + pixel % yw + ") reads, through which tap of w", x0, xy0 - 6);
        grid(c, x0, xy0, g.outH(), xw, xcell, i -> tapAt[i] != null ? tint : Color.WHITE, i -> tapAt[i] != null ? tapAt[i] : "");
        c.font(12, false).color(Canvas.INK).paragraph("y(" + pixel / yw + "," + pixel % yw + ") = " + String.join(" + ", terms),
                x0, xy0 + g.outH() * xcell + 22, width);
    }

    private static String set(TreeSet<Integer> values) {
        return "{" + values.toString().substring(1, values.toString().length() - 1) + "}";
    }

    private static String parity(int i) {
        return i % 2 == 0 ? "even" : "odd";
    }

    /** A rows × cols grid of cells, cell i filled by {@code fill(i)} and labelled {@code label(i)}. */
    private static void grid(Canvas c, double x0, double y0, int rows, int cols, double cell,
                             java.util.function.IntFunction<Color> fill, java.util.function.IntFunction<String> label) {
        c.font(cell < 26 ? 10 : 13, false).stroke(1f);
        for (int r = 0; r < rows; r++) {
            for (int col = 0; col < cols; col++) {
                int i = r * cols + col;
                c.color(Canvas.INK).cell(x0 + col * cell, y0 + r * cell, cell, cell, fill.apply(i), label.apply(i));
            }
        }
    }
}
