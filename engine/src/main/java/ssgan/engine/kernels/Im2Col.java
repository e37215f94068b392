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
 * <p>Both directions work on one (channel, image) plane at a time; planes are independent, so they are
 * split across cores with no shared writes and the result does not depend on the thread count.
 */
public final class Im2Col {
    private Im2Col() {}

    /** Fills {@code col} for images {@code [n0, n1)} of {@code x}. */
    public static void im2col(float[] x, ConvGeometry g, int n0, int n1, float[] col) {
        int images = n1 - n0;
        Parallel.forRange(g.channels() * images, 1, (chunk, start, end) -> {
            for (int item = start; item < end; item++) {
                int c = item / images;
                int n = n0 + item % images;
                unrollPlane(x, g, c, n, col, images, n - n0);
            }
        });
    }

    /**
     * The adjoint of {@link #im2col}: adds every column entry back into the input pixel it was read from.
     * With {@code accumulate} false the touched planes of {@code dx} are overwritten, else added to.
     */
    public static void col2im(float[] col, ConvGeometry g, int n0, int n1, float[] dx, boolean accumulate) {
        int images = n1 - n0;
        Parallel.forRange(g.channels() * images, 1, (chunk, start, end) -> {
            for (int item = start; item < end; item++) {
                int c = item / images;
                int n = n0 + item % images;
                if (!accumulate) {
                    int plane = (n * g.channels() + c) * g.imagePlane();
                    Arrays.fill(dx, plane, plane + g.imagePlane(), 0f);
                }
                foldPlane(col, g, c, n, dx, images, n - n0);
            }
        });
    }

    private static void unrollPlane(float[] x, ConvGeometry g, int c, int n, float[] col, int images, int slot) {
        int h = g.height(), w = g.width(), ow = g.outW(), oh = g.outH(), sh = g.strideH(), sw = g.strideW();
        int ld = images * g.outPlane();
        int src = (n * g.channels() + c) * h * w;
        for (int ky = 0; ky < g.kernelH(); ky++) {
            for (int kx = 0; kx < g.kernelW(); kx++) {
                int row = (c * g.kernelH() + ky) * g.kernelW() + kx;
                int dst = row * ld + slot * g.outPlane();
                int shift = kx - g.padLeft();               // ix = ox·sw + shift
                int oxLo = firstInside(shift, sw);
                int oxHi = Math.max(oxLo, Math.min(ow, endInside(shift, sw, w)));
                for (int oy = 0; oy < oh; oy++) {
                    int iy = oy * sh - g.padTop() + ky;
                    int d = dst + oy * ow;
                    if (iy < 0 || iy >= h) {
                        Arrays.fill(col, d, d + ow, 0f);
                        continue;
                    }
                    int s = src + iy * w + shift;
                    for (int ox = 0; ox < oxLo; ox++) col[d + ox] = 0f;
                    if (sw == 1) {
                        System.arraycopy(x, s + oxLo, col, d + oxLo, oxHi - oxLo);
                    } else {
                        for (int ox = oxLo; ox < oxHi; ox++) col[d + ox] = x[s + ox * sw];
                    }
                    for (int ox = oxHi; ox < ow; ox++) col[d + ox] = 0f;
                }
            }
        }
    }

    private static void foldPlane(float[] col, ConvGeometry g, int c, int n, float[] dx, int images, int slot) {
        int h = g.height(), w = g.width(), ow = g.outW(), oh = g.outH(), sh = g.strideH(), sw = g.strideW();
        int ld = images * g.outPlane();
        int dstPlane = (n * g.channels() + c) * h * w;
        for (int ky = 0; ky < g.kernelH(); ky++) {
            // Only output rows whose input row lies inside the image contribute.
            int oyLo = firstInside(ky - g.padTop(), sh);
            int oyHi = Math.min(oh, endInside(ky - g.padTop(), sh, h));
            for (int kx = 0; kx < g.kernelW(); kx++) {
                int row = (c * g.kernelH() + ky) * g.kernelW() + kx;
                int src = row * ld + slot * g.outPlane();
                int shift = kx - g.padLeft();
                int oxLo = firstInside(shift, sw);
                int oxHi = Math.min(ow, endInside(shift, sw, w));
                for (int oy = oyLo; oy < oyHi; oy++) {
                    int d = dstPlane + (oy * sh - g.padTop() + ky) * w + shift;
                    int s = src + oy * ow;
                    for (int ox = oxLo; ox < oxHi; ox++) dx[d + ox * sw] += col[s + ox];
                }
            }
        }
    }

    /** Smallest o ≥ 0 with o·stride + shift ≥ 0. */
    private static int firstInside(int shift, int stride) {
        return shift >= 0 ? 0 : (-shift + stride - 1) / stride;
    }

    /** One past the largest o with o·stride + shift < size (0 when there is none). */
    private static int endInside(int shift, int stride, int size) {
        int last = size - 1 - shift;
        return last < 0 ? 0 : last / stride + 1;
    }
}
