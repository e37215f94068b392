package ssgan.engine.kernels;

import ssgan.engine.parallel.Parallel;

/**
 * The batch-norm passes of the chosen {@link BatchNormKernel}, split across cores. The reductions are
 * split by channel, so each channel's sums run in one thread in a fixed order and results do not depend
 * on timing or on the thread count. The elementwise passes are split by image, so each thread writes one
 * contiguous block: split by channel, the two threads' writes interleave in runs of a few kilobytes, and
 * at d2's shape that made the normalising pass take twice as long on two threads as on one (a scratch
 * timing, 150 against 74 µs), while split by image it is no slower than one thread.
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

    /** See {@link BatchNormKernel#scaleShift}: {@code slope} is the fused leaky ReLU's, 1 for none. */
    public static void scaleShift(float[] x, int n, int c, int hw, float[] scale, float[] shift, float slope, float[] y) {
        Parallel.forRange(n, grain(c, hw), (chunk, i0, i1) -> KERNEL.scaleShift(x, i0, i1, c, hw, scale, shift, slope, y));
    }

    /** See {@link BatchNormKernel#gradientSums}: the gradient dy is read through the fused leaky ReLU whose output is {@code gate}. */
    public static void gradientSums(float[] dy, float[] gate, float slope, float[] x, int n, int c, int hw, float[] center,
                                    float[] sumDy, float[] sumDyCentered) {
        Parallel.forRange(c, grain(n, hw), (chunk, c0, c1) -> KERNEL.gradientSums(dy, gate, slope, x, n, c, hw, c0, c1, center, sumDy, sumDyCentered));
    }

    public static void combine(float[] dy, float[] gate, float slope, float[] x, int n, int c, int hw, float[] a, float[] b, float[] k,
                               float[] dx, boolean accumulate) {
        Parallel.forRange(n, grain(c, hw), (chunk, i0, i1) -> KERNEL.combine(dy, gate, slope, x, i0, i1, c, hw, a, b, k, dx, accumulate));
    }

    /** Per-channel coefficients worked out between the two passes, for the channels {@code [c0, c1)}. */
    @FunctionalInterface
    public interface Coefficients {
        void compute(int c0, int c1);
    }

    /**
     * The training forward: {@link #moments} into mean and var, then {@code coefficients} (which fills
     * scale and shift from them; it runs once per thread, for that thread's channels), then
     * {@link #scaleShift} into y.
     */
    public static void normalize(float[] x, int n, int c, int hw, float[] mean, float[] var,
                                 Coefficients coefficients, float[] scale, float[] shift, float slope, float[] y) {
        Parallel.forRange(c, grain(n, hw), (chunk, c0, c1) -> {
            KERNEL.moments(x, n, c, hw, c0, c1, mean, var);
            coefficients.compute(c0, c1);
        });
        scaleShift(x, n, c, hw, scale, shift, slope, y);
    }

    /**
     * The training backward: {@link #gradientSums}, then {@code coefficients} (which fills a, b, k from
     * the sums; once per thread, for its channels), then {@link #combine} into dx.
     */
    public static void gradient(float[] dy, float[] gate, float slope, float[] x, int n, int c, int hw, float[] center, float[] sumDy,
                                float[] sumDyCentered, Coefficients coefficients, float[] a, float[] b, float[] k,
                                float[] dx, boolean accumulate) {
        Parallel.forRange(c, grain(n, hw), (chunk, c0, c1) -> {
            KERNEL.gradientSums(dy, gate, slope, x, n, c, hw, c0, c1, center, sumDy, sumDyCentered);
            coefficients.compute(c0, c1);
        });
        combine(dy, gate, slope, x, n, c, hw, a, b, k, dx, accumulate);
    }

    /** Items (channels or images) per chunk so that a chunk holds at least MIN_CHUNK_VALUES values, given {@code valuesPerItem = a·b}. */
    private static int grain(int a, int b) {
        long perItem = Math.max(1L, (long) a * b);
        return (int) Math.max(1, MIN_CHUNK_VALUES / perItem);
    }
}
