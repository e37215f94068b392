package ssgan.engine.kernels;

/**
 * Reductions along one dimension of a tensor seen as [outer, n, inner]: the reduced dimension has n
 * entries, {@code inner} apart in memory. Results are laid out [outer, inner]. The common case
 * inner = 1 (the last dimension, e.g. the classes of [N, K] logits) runs on the row kernels of
 * {@link Reduce}; other dimensions use a plain strided loop.
 */
public final class AlongDim {
    private AlongDim() {}

    /**
     * The maximum along the dimension and the index of its FIRST occurrence (ties go to the lowest index;
     * a NaN is never chosen over a number). {@code values} may be null when only the indices are wanted.
     */
    public static void max(float[] x, int outer, int n, int inner, float[] values, int[] indices) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                int best = 0;
                float bestValue = x[base];
                for (int k = 1; k < n; k++) {
                    float v = x[base + k * inner];
                    if (v > bestValue || (Float.isNaN(bestValue) && !Float.isNaN(v))) {
                        best = k;
                        bestValue = v;
                    }
                }
                if (values != null) values[o * inner + i] = bestValue;
                indices[o * inner + i] = best;
            }
        }
    }

    /** Adds {@code g[o][i]} into {@code gradIn[o][indices[o][i]][i]}: the backward of {@link #max}. */
    public static void addAtIndices(float[] g, int[] indices, int outer, int n, int inner, float[] gradIn) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                gradIn[(o * n + indices[o * inner + i]) * inner + i] += g[o * inner + i];
            }
        }
    }

    /** {@code out[o][i] = log Σ_k exp(x[o][k][i])}, shifted by the maximum so that large values cannot overflow. */
    public static void logSumExp(float[] x, int outer, int n, int inner, float[] out) {
        if (inner == 1) {
            Reduce.rowLogSumExp(x, outer, n, out);
            return;
        }
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                // region exercise-log-sum-exp (read docs/TOUR.md §12): log Σ_k exp(x[o][k][i]) shifted by the maximum, so that large values cannot overflow and a slice of −∞ gives −∞
                int base = o * n * inner + i;
                float m = Float.NEGATIVE_INFINITY;
                for (int k = 0; k < n; k++) m = Math.max(m, x[base + k * inner]);
                if (Float.isInfinite(m)) {
                    out[o * inner + i] = m;
                    continue;
                }
                double s = 0;
                for (int k = 0; k < n; k++) s += StrictMath.exp(x[base + k * inner] - m);
                out[o * inner + i] = m + (float) StrictMath.log(s);
                // endregion exercise-log-sum-exp
            }
        }
    }
}
