package ssgan.engine.kernels;

import ssgan.engine.parallel.Parallel;

/**
 * Bilinear resizing of image planes with PyTorch's {@code align_corners=False} convention: output pixel
 * centres are mapped onto the input grid, {@code src = (dst + 0.5)·in/out − 0.5}, clamped at 0 below,
 * and interpolated between the two nearest input pixels (the last one repeats at the far edge).
 */
public final class BilinearResize {
    /** For one axis: the two source indices and their weights of every output index. */
    public record Taps(int[] lo, int[] hi, float[] wLo, float[] wHi) {
        public static Taps of(int in, int out) {
            int[] lo = new int[out], hi = new int[out];
            float[] wLo = new float[out], wHi = new float[out];
            float scale = (float) in / out;
            for (int o = 0; o < out; o++) {
                float src = Math.max(0f, scale * (o + 0.5f) - 0.5f);
                int i = Math.min((int) src, in - 1);
                lo[o] = i;
                hi[o] = i < in - 1 ? i + 1 : i;
                wHi[o] = src - i;
                wLo[o] = 1f - wHi[o];
            }
            return new Taps(lo, hi, wLo, wHi);
        }
    }

    private BilinearResize() {}

    /** {@code y[plane] = resize(x[plane])} for {@code planes} planes of {@code h×w} into {@code oh×ow}. */
    public static void forward(float[] x, int planes, int h, int w, int oh, int ow, float[] y) {
        Taps rows = Taps.of(h, oh), cols = Taps.of(w, ow);
        Parallel.forRange(planes, 1, (chunk, p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int src = p * h * w, dst = p * oh * ow;
                for (int oy = 0; oy < oh; oy++) {
                    int r0 = src + rows.lo[oy] * w, r1 = src + rows.hi[oy] * w;
                    float wy0 = rows.wLo[oy], wy1 = rows.wHi[oy];
                    for (int ox = 0; ox < ow; ox++) {
                        int c0 = cols.lo[ox], c1 = cols.hi[ox];
                        float top = cols.wLo[ox] * x[r0 + c0] + cols.wHi[ox] * x[r0 + c1];
                        float bottom = cols.wLo[ox] * x[r1 + c0] + cols.wHi[ox] * x[r1 + c1];
                        y[dst + oy * ow + ox] = wy0 * top + wy1 * bottom;
                    }
                }
            }
        });
    }

    /** The adjoint of {@link #forward}: {@code dx += resizeᵀ(dy)}, each output gradient spread back over its four taps. */
    public static void backward(float[] dy, int planes, int h, int w, int oh, int ow, float[] dx) {
        Taps rows = Taps.of(h, oh), cols = Taps.of(w, ow);
        Parallel.forRange(planes, 1, (chunk, p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int src = p * oh * ow, dst = p * h * w;
                for (int oy = 0; oy < oh; oy++) {
                    int r0 = dst + rows.lo[oy] * w, r1 = dst + rows.hi[oy] * w;
                    float wy0 = rows.wLo[oy], wy1 = rows.wHi[oy];
                    for (int ox = 0; ox < ow; ox++) {
                        // region exercise-bilinear-backward (read docs/TOUR.md §3): spread the gradient of output pixel (oy, ox) back over the four input pixels it was interpolated from
                        float g = dy[src + oy * ow + ox];
                        int c0 = cols.lo[ox], c1 = cols.hi[ox];
                        dx[r0 + c0] += wy0 * cols.wLo[ox] * g;
                        dx[r0 + c1] += wy0 * cols.wHi[ox] * g;
                        dx[r1 + c0] += wy1 * cols.wLo[ox] * g;
                        dx[r1 + c1] += wy1 * cols.wHi[ox] * g;
                        // endregion exercise-bilinear-backward
                    }
                }
            }
        });
    }
}
