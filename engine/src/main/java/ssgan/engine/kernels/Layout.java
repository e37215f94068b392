package ssgan.engine.kernels;

import java.util.Arrays;

import ssgan.engine.tensor.Shape;

/**
 * Copies that rearrange data: permuting dimensions, cutting and joining blocks along a dimension,
 * gathering rows. Each has an {@code accumulate} form (or a scatter-add twin) for the backward pass.
 */
public final class Layout {
    private Layout() {}

    /**
     * Writes (or adds, when {@code accumulate}) into {@code out} the tensor {@code x} of shape
     * {@code shape} with its dimensions reordered: output dimension d is input dimension {@code perm[d]}.
     */
    public static void permute(float[] x, int[] shape, int[] perm, float[] out, boolean accumulate) {
        // region exercise-permute (read docs/TOUR.md §3): out (or out +=) x with its dimensions reordered: output dimension d is input dimension perm[d]
        int rank = shape.length;
        int[] inStrides = Shape.strides(shape);
        int[] outShape = new int[rank];
        int[] stride = new int[rank]; // the input stride of each output dimension
        for (int d = 0; d < rank; d++) {
            outShape[d] = shape[perm[d]];
            stride[d] = inStrides[perm[d]];
        }
        int[] index = new int[rank];
        int src = 0;
        for (int i = 0; i < out.length; i++) {
            out[i] = accumulate ? out[i] + x[src] : x[src];
            for (int d = rank - 1; d >= 0; d--) {
                index[d]++;
                src += stride[d];
                if (index[d] < outShape[d]) break;
                src -= stride[d] * outShape[d];
                index[d] = 0;
            }
        }
        // endregion exercise-permute
    }

    /**
     * Copies {@code rows} runs of {@code length} elements: run r goes from {@code src[srcOff + r·srcStride]}
     * to {@code dst[dstOff + r·dstStride]} (added when {@code accumulate}). Concatenating, splitting and
     * narrowing along a dimension are all this copy.
     */
    public static void copyRuns(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride,
                                int rows, int length, boolean accumulate) {
        for (int r = 0; r < rows; r++) {
            int s = srcOff + r * srcStride;
            int d = dstOff + r * dstStride;
            if (accumulate) {
                for (int i = 0; i < length; i++) dst[d + i] += src[s + i];
            } else {
                System.arraycopy(src, s, dst, d, length);
            }
        }
    }

    /** {@code out[j] = x[rows[j]]}, rows of {@code rowLength} elements. */
    public static void gatherRows(float[] x, int rowLength, int[] rows, float[] out) {
        for (int j = 0; j < rows.length; j++) System.arraycopy(x, rows[j] * rowLength, out, j * rowLength, rowLength);
    }

    /**
     * {@code dst[y][x] = src[y − dy][x − dx]} on the h×w plane at {@code base}, {@code background} where
     * that falls outside: the plane moved by (dx, dy) whole pixels.
     */
    public static void shiftPlane(float[] src, float[] dst, int base, int h, int w, int dx, int dy, float background) {
        for (int y = 0; y < h; y++) {
            int from = y - dy, row = base + y * w;
            if (from < 0 || from >= h) {
                Arrays.fill(dst, row, row + w, background);
                continue;
            }
            int srcRow = base + from * w;
            // Columns [x0, x1) are copied (0 <= x − dx < w), the rest are border.
            int x0 = Math.min(w, Math.max(0, dx)), x1 = Math.max(x0, Math.min(w, w + dx));
            Arrays.fill(dst, row, row + x0, background);
            if (x1 > x0) System.arraycopy(src, srcRow + x0 - dx, dst, row + x0, x1 - x0);
            Arrays.fill(dst, row + x1, row + w, background);
        }
    }

    /**
     * One plane turned and scaled about its centre: out[y][x] reads the source at
     * {@code (cx + a·u + b·v, cy + c·u + d·v)}, where {@code (u, v) = (x − cx, y − cy)} and the centre is
     * {@code ((w − 1)/2, (h − 1)/2)}, bilinearly, with {@code background} outside. With {@code moves}, the
     * source is then moved by the pixel's own {@code (moves[from + y·w + x], moves[from + h·w + y·w + x])}: a
     * field of small moves bends the plane. In double, each step in this order: the GPU's kernel rounds
     * the same steps the same way.
     */
    public static void warpPlane(float[] src, float[] dst, int base, int h, int w, double a, double b, double c, double d,
                                 float[] moves, int from, float background) {
        double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double u = x - cx, v = y - cy;
                double sx = a * u + b * v + cx, sy = c * u + d * v + cy;
                if (moves != null) {
                    sx += moves[from + y * w + x];
                    sy += moves[from + h * w + y * w + x];
                }
                int x0 = (int) Math.floor(sx), y0 = (int) Math.floor(sy);
                double fx = sx - x0, fy = sy - y0;
                double p00, p01, p10, p11;
                if (x0 >= 0 && y0 >= 0 && x0 < w - 1 && y0 < h - 1) {   // all four inside: no checks
                    int at = base + y0 * w + x0;
                    p00 = src[at];
                    p01 = src[at + 1];
                    p10 = src[at + w];
                    p11 = src[at + w + 1];
                } else {
                    p00 = pixel(src, base, h, w, x0, y0, background);
                    p01 = pixel(src, base, h, w, x0 + 1, y0, background);
                    p10 = pixel(src, base, h, w, x0, y0 + 1, background);
                    p11 = pixel(src, base, h, w, x0 + 1, y0 + 1, background);
                }
                double top = (1 - fx) * p00 + fx * p01, bottom = (1 - fx) * p10 + fx * p11;
                dst[base + y * w + x] = (float) ((1 - fy) * top + fy * bottom);
            }
        }
    }

    private static float pixel(float[] src, int base, int h, int w, int x, int y, float background) {
        return x < 0 || y < 0 || x >= w || y >= h ? background : src[base + y * w + x];
    }

    /** {@code gradIn[rows[j]] += g[j]}: a row picked twice receives both gradients. */
    public static void scatterAddRows(float[] g, int rowLength, int[] rows, float[] gradIn) {
        // region exercise-index-select-backward (read docs/TOUR.md §3): gradIn[rows[j]] += g[j]: a row picked twice receives both gradients
        for (int j = 0; j < rows.length; j++) {
            int d = rows[j] * rowLength;
            int s = j * rowLength;
            for (int i = 0; i < rowLength; i++) gradIn[d + i] += g[s + i];
        }
        // endregion exercise-index-select-backward
    }
}
