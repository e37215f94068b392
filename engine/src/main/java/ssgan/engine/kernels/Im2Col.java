package ssgan.engine.kernels;

import java.util.Arrays;
import ssgan.engine.parallel.Parallel;

/**
 * Unrolls convolution windows into a matrix so a convolution becomes one matrix product, and rolls
 * such a matrix back (summing overlaps) for the gradient.
 *
 * <p>For images {@code n0 ≤ n < n1} the column matrix has {@code patchSize} rows, one per
 * (channel, ky, kx), and {@code (n1 − n0)·outH·outW} columns, one per output pixel, images side by side:
 * <pre>
 *   col[(c·KH + ky)·KW + kx][(n − n0)·P + oy·OW + ox] = x[n, c, oy·sH − padTop + ky, ox·sW − padLeft + kx]
 * </pre>
 * (zero outside the image). With that layout, {@code W[O × patchSize] · col} is the convolution output
 * of the whole group of images, channel-major: {@code [O, images, P]}.
 *
 * <p>Where each kernel tap reads from does not depend on the channel or the image, so it is worked out
 * once per call as a table ({@link #tapOffsets}); the loops then only follow the table, which keeps them
 * cheap even for the 2×2 and 4×4 maps of the small layers, where per-row bookkeeping would dominate.
 * (Measured, single thread, on the SSGAN layers: copying whole row runs with strided loops instead of the
 * table is up to 2.5× slower on the 2×2–4×4 maps and no faster on the larger ones; reading each
 * (channel, image) plane once for all its taps instead of tap row by tap row made no difference.)
 */
public final class Im2Col {
    private Im2Col() {}

    /**
     * For kernel tap {@code t = ky·KW + kx} and output pixel p, entry {@code t·P + p} is the offset inside
     * an input plane that the tap reads, or −1 where it falls in the padding.
     */
    static int[] tapOffsets(ConvGeometry g) {
        int p = g.outPlane(), ow = g.outW();
        int[] offsets = new int[g.kernelH() * g.kernelW() * p];
        for (int ky = 0; ky < g.kernelH(); ky++) {
            for (int kx = 0; kx < g.kernelW(); kx++) {
                int t = (ky * g.kernelW() + kx) * p;
                for (int oy = 0; oy < g.outH(); oy++) {
                    int iy = oy * g.strideH() - g.padTop() + ky;
                    for (int ox = 0; ox < ow; ox++) {
                        int ix = ox * g.strideW() - g.padLeft() + kx;
                        boolean inside = iy >= 0 && iy < g.height() && ix >= 0 && ix < g.width();
                        offsets[t + oy * ow + ox] = inside ? iy * g.width() + ix : -1;
                    }
                }
            }
        }
        return offsets;
    }

    /** Fills {@code col} for images {@code [n0, n1)} of {@code x}. Rows are split across cores. */
    public static void im2col(float[] x, ConvGeometry g, int n0, int n1, float[] col) {
        int[] offsets = tapOffsets(g);
        int p = g.outPlane(), taps = g.kernelH() * g.kernelW(), plane = g.imagePlane(), channels = g.channels();
        int ld = (n1 - n0) * p;
        Parallel.forRange(g.patchSize(), 1, (chunk, r0, r1) -> {
            for (int row = r0; row < r1; row++) {
                int c = row / taps, t = (row % taps) * p;
                int d = row * ld;
                for (int n = n0; n < n1; n++, d += p) {
                    int base = (n * channels + c) * plane;
                    for (int i = 0; i < p; i++) {
                        int off = offsets[t + i];
                        col[d + i] = off < 0 ? 0f : x[base + off];
                    }
                }
            }
        });
    }

    /**
     * The adjoint of {@link #im2col}: adds every column entry back into the input pixel it was read from.
     * With {@code accumulate} false the touched planes of {@code dx} are overwritten, else added to. Each
     * (image, channel) plane is summed by one thread in a fixed order.
     */
    public static void col2im(float[] col, ConvGeometry g, int n0, int n1, float[] dx, boolean accumulate) {
        int[] offsets = tapOffsets(g);
        int p = g.outPlane(), taps = g.kernelH() * g.kernelW(), plane = g.imagePlane(), channels = g.channels();
        int images = n1 - n0, ld = images * p;
        Parallel.forRange(channels * images, 1, (chunk, start, end) -> {
            for (int item = start; item < end; item++) {
                int c = item / images, n = n0 + item % images;
                int base = (n * channels + c) * plane;
                if (!accumulate) Arrays.fill(dx, base, base + plane, 0f);
                for (int tap = 0; tap < taps; tap++) {
                    int s = (c * taps + tap) * ld + (n - n0) * p, t = tap * p;
                    for (int i = 0; i < p; i++) {
                        int off = offsets[t + i];
                        if (off >= 0) dx[base + off] += col[s + i];
                    }
                }
            }
        });
    }
}
