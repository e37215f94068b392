package ssgan.examples.figures;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import ssgan.engine.kernels.ConvGeometry;
import ssgan.engine.ops.Conv2dSpec;
import ssgan.engine.ops.Convolution;
import ssgan.engine.tensor.Tensor;

/**
 * Figure 3, {@code gemm-blocking.png}: how {@code VectorGemm} cuts a product into blocks, with its real
 * block sizes (read from the engine by reflection, {@link EngineInternals#staticInt}) on a real product,
 * the forward pass of the discriminator's d3 layer at batch 100. Three panels: the whole product at
 * scale with its NC strips, KC slices and MC blocks; one packed A block and B panel cut into slivers;
 * the MR × NR micro-tile held in registers.
 */
final class GemmBlockingFigure {
    static final String FILE = "gemm-blocking.png";

    private GemmBlockingFigure() {}

    /**
     * The engine's blocking: vector lanes, the micro-tile MR × NR, and the cache blocks KC (k), MC (rows
     * of A and C), NC (columns of B and C). Valid only with the Vector API loaded (the scalar GEMM does not block).
     */
    record Blocking(int lanes, int mr, int nr, int kc, int mc, int nc) {
        static Blocking read() {
            return new Blocking(EngineInternals.staticInt("VectorGemm", "L"), EngineInternals.staticInt("VectorGemm", "MR"),
                    EngineInternals.staticInt("VectorGemm", "NR"), EngineInternals.staticInt("VectorGemm", "KC"),
                    EngineInternals.staticInt("VectorGemm", "MC"), EngineInternals.staticInt("VectorGemm", "NC"));
        }
    }

    /** The blocking, and the product drawn: C[m × n] = A[m × k] · B[k × n], d3's forward as an implicit GEMM. */
    record Data(Blocking blocking, int m, int k, int n) {}

    static Data data() {
        // d3: conv 128 → 256 channels, 3×3, stride 1, no padding, on the 7×7 maps of a batch of 100.
        ConvGeometry g = Convolution.conv2dGeometry(Tensor.zeros(100, 128, 7, 7), Tensor.zeros(256, 128, 3, 3), null, Conv2dSpec.valid(1));
        return new Data(Blocking.read(), g.outChannels(), g.patchSize(), g.batch() * g.outPlane());
    }

    static void draw(Data d, Path file) throws IOException {
        Blocking b = d.blocking();
        int m = d.m(), k = d.k(), n = d.n();
        Color aColour = Canvas.PALETTE[0], bColour = Canvas.PALETTE[1], cColour = Canvas.PALETTE[2];
        Canvas c = new Canvas(1400, 960);
        c.font(20, true).text("GEMM blocking: how VectorGemm walks C = A · B", 30, 36);
        c.font(14, false).paragraph(String.format("The engine's block sizes on this machine (%d float lanes): micro-tile MR × NR = %d × %d, "
                + "KC = %d, MC = %d, NC = %d. The product: d3's forward at batch 100, W [%d × %d] · windows [%d × %d].",
                b.lanes(), b.mr(), b.nr(), b.kc(), b.mc(), b.nc(), m, k, k, n), 30, 62, 1340);

        // (a) The whole product at scale (0.2 px per element on every axis), in the usual layout:
        //     B above C, A left of C, so that k runs across A and down B.
        double s = 0.2, ox = 70, oy = 140;
        double aw = k * s, bh = k * s, cw = n * s, ch = m * s;
        double cx = ox + aw + 20, cy = oy + bh + 20;
        c.font(15, true).color(Canvas.INK).text("(a) the loops over the whole product, to scale", 30, oy - 22);
        // the block the loops are at: jc = 0, pc = KC (the second k slice), ic = 0
        int pc = Math.min(b.kc(), Math.max(0, k - 1)), kc = Math.min(b.kc(), k - pc), nc = Math.min(b.nc(), n), mc = Math.min(b.mc(), m);
        c.color(Canvas.tint(bColour, 0.55)).fill(cx, oy + pc * s, nc * s, kc * s);
        c.color(Canvas.tint(aColour, 0.55)).fill(ox + pc * s, cy, kc * s, mc * s);
        c.color(Canvas.tint(cColour, 0.55)).fill(cx, cy, nc * s, mc * s);
        c.stroke(1.5f).color(Canvas.INK);
        c.rect(cx, oy, cw, bh);
        c.rect(ox, cy, aw, ch);
        c.rect(cx, cy, cw, ch);
        c.dashed(1f).color(Canvas.INK);
        for (int j = b.nc(); j < n; j += b.nc()) {
            c.line(cx + j * s, oy, cx + j * s, oy + bh);
            c.line(cx + j * s, cy, cx + j * s, cy + ch);
        }
        for (int p = b.kc(); p < k; p += b.kc()) {
            c.line(cx, oy + p * s, cx + cw, oy + p * s);
            c.line(ox + p * s, cy, ox + p * s, cy + ch);
        }
        for (int i = b.mc(); i < m; i += b.mc()) {
            c.line(ox, cy + i * s, ox + aw, cy + i * s);
            c.line(cx, cy + i * s, cx + cw, cy + i * s);
        }
        c.stroke(1f).font(14, true);
        c.color(bColour).centred("B  " + k + " × " + n, cx + cw / 2, oy - 8);
        c.color(aColour).right("A  " + m + " × " + k, ox + aw, cy + ch + 18);
        c.color(cColour).centred("C  " + m + " × " + n, cx + cw / 2, cy + ch + 18);
        c.font(12, false).color(Canvas.INK);
        c.text("KC = " + b.kc(), cx + cw + 6, oy + (pc + kc / 2.0) * s + 4);
        c.centred("NC = " + b.nc(), cx + nc * s / 2, oy + bh + 10);
        c.right("MC = " + b.mc(), ox - 4, cy + mc * s / 2 + 4);
        c.font(12, false).color(Canvas.GREY).paragraph("Dashed: block boundaries. Coloured: the blocks one pass of the loops "
                + "works on (jc = 0, pc = " + pc + ", ic = 0): the packed B panel, the packed A block, and the part of C they update.",
                ox, cy + ch + 44, aw + cw + 20);

        // The loop nest, with the real numbers.
        double lx = cx + cw + 90, ly = oy + 10;
        c.g.setFont(new Font(Font.MONOSPACED, Font.PLAIN, 14));
        c.color(Canvas.INK);
        String[] loops = {
            "for jc in 0 ‥ n, step NC = " + b.nc(),
            "  for pc in 0 ‥ k, step KC = " + b.kc(),
            "    pack B[pc‥, jc‥] into slivers of",
            "         KC × NR = " + b.kc() + " × " + b.nr(),
            "    for ic in 0 ‥ m, step MC = " + b.mc(),
            "      pack A[ic‥, pc‥] into slivers of",
            "         MR × KC = " + b.mr() + " × " + b.kc(),
            "      for each B sliver (" + b.nr() + " columns)",
            "        for each A sliver (" + b.mr() + " rows)",
            "          micro-kernel:",
            "          C[" + b.mr() + " × " + b.nr() + "] += A sliver · B sliver"};
        for (int i = 0; i < loops.length; i++) c.text(loops[i], lx, ly + i * 21);
        c.font(13, false).paragraph("Each C tile is summed over the k slices in turn, each slice in order, whatever the thread "
                + "count: the result is bitwise the same on 1 or 2 threads. (Two threads split C's columns here, in multiples of NR, "
                + "and each blocks its half as drawn.)", lx, ly + loops.length * 21 + 14, 1400 - lx - 24);

        // (b) One packed A block and one packed B panel, cut into slivers (rows of A stretched to show them).
        double py = 565;
        c.font(15, true).color(Canvas.INK).text("(b) packed: one A block and one B panel, in slivers", 30, py - 22);
        double sx = 0.30, ayScale = 1.2;
        double abx = 70, aby = py + 20, abw = b.kc() * sx, abh = b.mc() * ayScale;
        double bpx = abx + abw + 50, bpy = py + 20, bpw = b.nc() * sx * 0.5, bph = b.kc() * sx;
        c.stroke(1f);
        for (int i = 0; i < b.mc(); i += b.mr()) {
            c.color(Canvas.INK).cell(abx, aby + i * ayScale, abw, b.mr() * ayScale, i == 0 ? Canvas.tint(aColour, 0.35) : Canvas.tint(aColour, 0.75), null);
        }
        int shownSlivers = b.nc() / b.nr() / 2;  // half the panel, to keep the slivers visible
        double sw = bpw / shownSlivers;
        for (int j = 0; j < shownSlivers; j++) {
            c.color(Canvas.INK).cell(bpx + j * sw, bpy, sw, bph, j == 0 ? Canvas.tint(bColour, 0.35) : Canvas.tint(bColour, 0.75), null);
        }
        c.font(12, false).color(Canvas.INK);
        c.text("A block: MC × KC = " + b.mc() + " × " + b.kc() + " (" + kib(b.mc() * b.kc()) + ")", abx, aby + abh + 18);
        c.text(b.mc() / b.mr() + " slivers of MR × KC (" + kib(b.mr() * b.kc()) + " each)", abx, aby + abh + 34);
        c.text("B panel: KC × NC = " + b.kc() + " × " + b.nc() + " (" + kib(b.kc() * b.nc()) + "), first half drawn", bpx, bpy + bph + 18);
        c.text(b.nc() / b.nr() + " slivers of KC × NR (" + kib(b.kc() * b.nr()) + " each)", bpx, bpy + bph + 34);
        c.font(12, false).color(Canvas.GREY).paragraph("Packing copies each sliver into the order the micro-kernel reads it, so "
                + "its loads are sequential whatever the layout of A and B. The class comment places them: an A sliver in L1, a B "
                + "sliver and the A block in L2, the B panel in L2 or L3. A's rows are drawn " + (int) Math.round(ayScale / sx)
                + "× taller than its columns are wide.", abx, aby + abh + 62, bpx + bpw - abx);

        // (c) The micro-tile in registers: MR rows × NR columns of C, 2 vectors per row.
        double mx = bpx + bpw + 90, my = py + 60, cell = 14;
        c.font(15, true).color(Canvas.INK).text("(c) the micro-kernel, one step p of " + b.kc(), mx - 40, py - 22);
        int vectorsPerRow = b.nr() / b.lanes();
        c.font(11, false);
        for (int j = 0; j < b.nr(); j++) {
            c.color(Canvas.INK).cell(mx + j * cell, my - 2 * cell, cell, cell, Canvas.tint(bColour, (j / b.lanes()) % 2 == 0 ? 0.35 : 0.6), null);
        }
        for (int v = 0; v < vectorsPerRow; v++) c.color(bColour).centred("b" + v, mx + (v + 0.5) * b.lanes() * cell, my - 2 * cell - 10);
        for (int r = 0; r < b.mr(); r++) {
            c.color(Canvas.INK).cell(mx - 2 * cell, my + r * cell, cell, cell, Canvas.tint(aColour, 0.35), null);
            for (int v = 0; v < vectorsPerRow; v++) {
                c.color(Canvas.INK).cell(mx + v * b.lanes() * cell, my + r * cell, b.lanes() * cell, cell,
                        Canvas.tint(cColour, (r + v) % 2 == 0 ? 0.45 : 0.7), "c" + r + v);
            }
        }
        c.color(aColour).right("A[·, p]", mx - 2 * cell - 4, my + b.mr() * cell / 2.0 + 4);
        c.font(12, false).color(Canvas.INK).paragraph("B's row p: " + vectorsPerRow + " vectors of " + b.lanes() + " lanes (b0, b1). "
                + "Each of the " + b.mr() + " values of A's column p is broadcast to every lane and multiplied into both: "
                + b.mr() * vectorsPerRow + " fused multiply-adds per step into " + b.mr() * vectorsPerRow + " accumulators c00…c"
                + (b.mr() - 1) + (vectorsPerRow - 1) + ", which stay in registers for all " + b.kc() + " steps; then the "
                + b.mr() + " × " + b.nr() + " tile is added into C.", mx - 40, my + b.mr() * cell + 28, 1400 - mx + 16);
        c.font(12, false).color(Canvas.GREY).text("Block sizes read from ssgan.engine.kernels.VectorGemm (by reflection); "
                + "FiguresTest checks KC, NC and NR against the engine's packing calls.", 30, 948);
        c.save(file);
    }

    private static String kib(long floats) {
        long bytes = 4 * floats;
        return bytes >= 1 << 20 ? bytes / (1 << 20) + " MiB" : bytes / 1024 + " KiB";
    }
}
