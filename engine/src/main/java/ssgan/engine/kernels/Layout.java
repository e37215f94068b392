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
