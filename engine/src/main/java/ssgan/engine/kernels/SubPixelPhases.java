package ssgan.engine.kernels;

import java.util.ArrayList;
import java.util.List;

/**
 * The adjoint of a strided convolution (its input gradient, and so a transposed convolution) split into
 * ordinary convolutions, one per sub-pixel phase, so that it needs no col2im.
 *
 * <p>Input pixel iy of the convolution {@code g} receives from output row oy through tap ky exactly when
 * {@code oy·s + ky = iy + padTop}. So the taps that reach iy are those with {@code ky ≡ iy + padTop
 * (mod s)}: every pixel of one residue class (a phase) sees the same taps, {@code ky = r, r + s, r + 2s…},
 * and reads output row {@code oy = Q − j} for tap {@code ky = r + j·s}, where {@code Q = (iy + padTop − r) / s}.
 * Per phase (one residue per axis) that is a stride-1 convolution of the output gradient with a sub-kernel,
 * written to a strided grid of pixels. The phases partition the input pixels, so each pixel is written
 * once, by a matrix product whose result is already that pixel's value: nothing is summed afterwards.
 * Pixels of a phase that no tap reaches (kernel smaller than the stride) get zero.
 */
final class SubPixelPhases {
    /**
     * One phase: its kernel taps ({@code ky·KW + kx} of the full kernel), its pixels (offsets in an
     * input plane) and, for tap t and pixel q, {@code offsets[t·pixels + q]}, the output-plane position
     * that tap reads for that pixel, or −1 outside the output.
     */
    record Phase(int[] kernelTaps, int[] pixels, int[] offsets) {
        int taps() {
            return kernelTaps.length;
        }

        int positions() {
            return pixels.length;
        }
    }

    private SubPixelPhases() {}

    static List<Phase> of(ConvGeometry g) {
        List<Phase> phases = new ArrayList<>(g.strideH() * g.strideW());
        for (int ry = 0; ry < g.strideH(); ry++) {
            int[] rows = residueClass(g.height(), g.padTop(), g.strideH(), ry);
            int[] kys = taps(g.kernelH(), g.strideH(), ry);
            for (int rx = 0; rx < g.strideW(); rx++) {
                int[] cols = residueClass(g.width(), g.padLeft(), g.strideW(), rx);
                if (rows.length == 0 || cols.length == 0) continue;
                int[] kxs = taps(g.kernelW(), g.strideW(), rx);
                phases.add(phase(g, ry, rx, rows, cols, kys, kxs));
            }
        }
        return phases;
    }

    private static Phase phase(ConvGeometry g, int ry, int rx, int[] rows, int[] cols, int[] kys, int[] kxs) {
        int s = g.strideH(), sx = g.strideW(), positions = rows.length * cols.length, taps = kys.length * kxs.length;
        int[] pixels = new int[positions], kernelTaps = new int[taps], offsets = new int[taps * positions];
        for (int a = 0; a < rows.length; a++) {
            for (int b = 0; b < cols.length; b++) pixels[a * cols.length + b] = rows[a] * g.width() + cols[b];
        }
        for (int j = 0; j < kys.length; j++) {
            for (int i = 0; i < kxs.length; i++) {
                int t = j * kxs.length + i;
                kernelTaps[t] = kys[j] * g.kernelW() + kxs[i];
                for (int a = 0; a < rows.length; a++) {
                    int oy = (rows[a] + g.padTop() - ry) / s - j;
                    for (int b = 0; b < cols.length; b++) {
                        int ox = (cols[b] + g.padLeft() - rx) / sx - i;
                        boolean inside = oy >= 0 && oy < g.outH() && ox >= 0 && ox < g.outW();
                        offsets[t * positions + a * cols.length + b] = inside ? oy * g.outW() + ox : -1;
                    }
                }
            }
        }
        return new Phase(kernelTaps, pixels, offsets);
    }

    // region residue-classes (copied into docs/book/04-convolution.md; DocsJavaFenceTest checks the copy)
    /** The pixels {@code 0 ≤ i < size} with {@code (i + pad) mod stride = residue}, in order. */
    private static int[] residueClass(int size, int pad, int stride, int residue) {
        int first = Math.floorMod(residue - pad, stride);
        int count = first >= size ? 0 : (size - 1 - first) / stride + 1;
        int[] pixels = new int[count];
        for (int i = 0; i < count; i++) pixels[i] = first + i * stride;
        return pixels;
    }

    /** The kernel taps {@code residue, residue + stride, …} below {@code kernel}. */
    private static int[] taps(int kernel, int stride, int residue) {
        int count = residue >= kernel ? 0 : (kernel - 1 - residue) / stride + 1;
        int[] taps = new int[count];
        for (int j = 0; j < count; j++) taps[j] = residue + j * stride;
        return taps;
    }
    // endregion
}
