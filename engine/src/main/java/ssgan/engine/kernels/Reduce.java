package ssgan.engine.kernels;

import ssgan.engine.parallel.Parallel;

/**
 * The reductions the ops call: the chosen {@link ReductionKernel}, made parallel without giving up
 * determinism. A long sum is cut into fixed blocks of {@link Elementwise#GRAIN} elements (the cut
 * depends only on the length, not on the thread count), each block is summed by one thread, and the
 * block sums are added in block order: the same input always gives the same bits.
 */
public final class Reduce {
    private static final int BLOCK = Elementwise.GRAIN;
    private static final ReductionKernel KERNEL = Simd.choose(() -> new VectorReductions(), ScalarReductions::new);

    private Reduce() {}

    public static ReductionKernel kernel() {
        return KERNEL;
    }

    /** Σ x[off, off+n). */
    public static float sum(float[] x, int off, int n) {
        if (n <= BLOCK) return KERNEL.sum(x, off, n);
        return blockwise(n, (b, len) -> KERNEL.sum(x, off + b, len));
    }

    /** Σ x[off, off+n)². */
    public static float sumOfSquares(float[] x, int off, int n) {
        if (n <= BLOCK) return KERNEL.sumOfSquares(x, off, n);
        return blockwise(n, (b, len) -> KERNEL.sumOfSquares(x, off + b, len));
    }

    private interface BlockSum {
        float of(int start, int length);
    }

    private static float blockwise(int n, BlockSum blockSum) {
        int blocks = (n + BLOCK - 1) / BLOCK;
        float[] partial = new float[blocks];
        Parallel.forRange(blocks, 1, (chunk, s, e) -> {
            for (int b = s; b < e; b++) partial[b] = blockSum.of(b * BLOCK, Math.min(BLOCK, n - b * BLOCK));
        });
        double total = 0;
        for (float p : partial) total += p;
        return (float) total;
    }

    /** {@code out[r] += Σ_c x[r][c]} for a row-major [rows, cols] matrix. */
    public static void addRowSums(float[] x, int rows, int cols, float[] out) {
        Parallel.forRange(rows, rowGrain(cols), (chunk, s, e) -> {
            for (int r = s; r < e; r++) out[r] += KERNEL.sum(x, r * cols, cols);
        });
    }

    /** {@code out[c] += Σ_r x[r][c]} for a row-major [rows, cols] matrix. */
    public static void addColumnSums(float[] x, int rows, int cols, float[] out) {
        Parallel.forRange(cols, rowGrain(rows), (chunk, s, e) -> KERNEL.addColumnSums(x, rows, cols, out, s, e));
    }

    /** {@code out[c] += Σ_{o,i} x[o][c][i]} for data seen as [outer, channels, inner] (NCHW per channel). */
    public static void addChannelSums(float[] x, int outer, int channels, int inner, float[] out) {
        Parallel.forRange(channels, rowGrain(outer * inner), (chunk, s, e) -> {
            for (int c = s; c < e; c++) {
                double total = 0;
                for (int o = 0; o < outer; o++) total += KERNEL.sum(x, (o * channels + c) * inner, inner);
                out[c] += (float) total;
            }
        });
    }

    /** {@code out[r] = max_c x[r][c]}. */
    public static void rowMax(float[] x, int rows, int cols, float[] out) {
        Parallel.forRange(rows, rowGrain(cols), (chunk, s, e) -> {
            for (int r = s; r < e; r++) out[r] = KERNEL.max(x, r * cols, cols);
        });
    }

    /** {@code out[r] = log Σ_c exp(x[r][c])}, computed as m + log Σ exp(x − m) with m the row max: no overflow. */
    public static void rowLogSumExp(float[] x, int rows, int cols, float[] out) {
        Parallel.forRange(rows, rowGrain(cols), (chunk, s, e) -> {
            for (int r = s; r < e; r++) {
                float m = KERNEL.max(x, r * cols, cols);
                // All −∞ (or a +∞) row: the shift would give NaN; the answer is the max itself.
                out[r] = Float.isInfinite(m) ? m : m + (float) Math.log(KERNEL.sumExp(x, r * cols, cols, m));
            }
        });
    }

    private static int rowGrain(int rowLength) {
        return Math.max(1, BLOCK / Math.max(1, rowLength));
    }
}
