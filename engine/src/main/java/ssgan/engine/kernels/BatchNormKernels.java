package ssgan.engine.kernels;

import ssgan.engine.parallel.Parallel;

/**
 * The batch-norm passes of the chosen {@link BatchNormKernel}, split over channels across cores. Each
 * channel's sums run in one thread in a fixed order, so results do not depend on timing.
 *
 * <p>{@link #normalize} and {@link #gradient} run both passes of the forward (or the backward) inside one
 * parallel-for: each thread takes its channels through statistics, coefficients and the elementwise pass,
 * so a layer pays one hand-off to the pool instead of two (at 49–64 values per plane the hand-off is a
 * visible part of the time). Each channel's arithmetic is the same as with the separate passes, so the
 * results are bitwise equal. (Splitting a thread's channels further into L2-sized blocks was measured
 * and is slower: the per-image pieces of a block get short enough to defeat the prefetcher.)
 */
public final class BatchNormKernels {
    // A lambda, not VectorBatchNorm::new: linking a constructor reference loads the class, and with it the
    // Vector API, even when Simd picks the scalar side (NoClassDefFoundError without the incubator module).
    private static final BatchNormKernel KERNEL = Simd.choose(() -> new VectorBatchNorm(), ScalarBatchNorm::new);
    /** At least this many values per parallel chunk: below it a fork costs more than it saves. */
    private static final int MIN_CHUNK_VALUES = 1 << 14;

    private BatchNormKernels() {}

    public static BatchNormKernel kernel() {
        return KERNEL;
    }

    public static void moments(float[] x, int n, int c, int hw, float[] mean, float[] var) {
        Parallel.forRange(c, grain(n, hw), (chunk, c0, c1) -> KERNEL.moments(x, n, c, hw, c0, c1, mean, var));
    }

    public static void scaleShift(float[] x, int n, int c, int hw, float[] scale, float[] shift, float[] y) {
        Parallel.forRange(c, grain(n, hw), (chunk, c0, c1) -> KERNEL.scaleShift(x, n, c, hw, c0, c1, scale, shift, y));
    }

    public static void gradientSums(float[] dy, float[] x, int n, int c, int hw, float[] center, float[] sumDy, float[] sumDyCentered) {
        Parallel.forRange(c, grain(n, hw), (chunk, c0, c1) -> KERNEL.gradientSums(dy, x, n, c, hw, c0, c1, center, sumDy, sumDyCentered));
    }

    public static void combine(float[] dy, float[] x, int n, int c, int hw, float[] a, float[] b, float[] k, float[] dx, boolean accumulate) {
        Parallel.forRange(c, grain(n, hw), (chunk, c0, c1) -> KERNEL.combine(dy, x, n, c, hw, c0, c1, a, b, k, dx, accumulate));
    }

    /** Per-channel coefficients worked out between the two passes, for the channels {@code [c0, c1)}. */
    @FunctionalInterface
    public interface Coefficients {
        void compute(int c0, int c1);
    }

    /**
     * The training forward: {@link #moments} into mean and var, then {@code coefficients} (which fills
     * scale and shift from them), then {@link #scaleShift} into y; {@code coefficients} runs once per thread, for its channels.
     */
    public static void normalize(float[] x, int n, int c, int hw, float[] mean, float[] var,
                                 Coefficients coefficients, float[] scale, float[] shift, float[] y) {
        Parallel.forRange(c, grain(n, hw), (chunk, c0, c1) -> {
            KERNEL.moments(x, n, c, hw, c0, c1, mean, var);
            coefficients.compute(c0, c1);
            KERNEL.scaleShift(x, n, c, hw, c0, c1, scale, shift, y);
        });
    }

    /**
     * The training backward: {@link #gradientSums}, then {@code coefficients} (which fills a, b, k from
     * the sums), then {@link #combine} into dx; {@code coefficients} runs once per thread, for its channels.
     */
    public static void gradient(float[] dy, float[] x, int n, int c, int hw, float[] center, float[] sumDy,
                                float[] sumDyCentered, Coefficients coefficients, float[] a, float[] b, float[] k,
                                float[] dx, boolean accumulate) {
        Parallel.forRange(c, grain(n, hw), (chunk, c0, c1) -> {
            KERNEL.gradientSums(dy, x, n, c, hw, c0, c1, center, sumDy, sumDyCentered);
            coefficients.compute(c0, c1);
            KERNEL.combine(dy, x, n, c, hw, c0, c1, a, b, k, dx, accumulate);
        });
    }

    private static int grain(int n, int hw) {
        long perChannel = Math.max(1L, (long) n * hw);
        return (int) Math.max(1, MIN_CHUNK_VALUES / perChannel);
    }
}
