package ssgan.engine.kernels;

import ssgan.engine.parallel.Parallel;

/**
 * The batch-norm passes of the chosen {@link BatchNormKernel}, split over channels across cores. Each
 * channel's sums run in one thread in a fixed order, so results do not depend on timing.
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

    private static int grain(int n, int hw) {
        long perChannel = Math.max(1L, (long) n * hw);
        return (int) Math.max(1, MIN_CHUNK_VALUES / perChannel);
    }
}
