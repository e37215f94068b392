package ssgan.engine.kernels;

import ssgan.engine.parallel.Parallel;

/**
 * Normal samples for whole arrays: the chosen {@link GaussianKernel}, split across threads. Every
 * sample depends only on the seed and its index, so the split (and the thread count) never changes
 * the result.
 */
public final class Gaussian {
    private static final GaussianKernel KERNEL = Simd.choose(() -> new VectorGaussian(), ScalarGaussian::new);

    private Gaussian() {}

    public static GaussianKernel kernel() {
        return KERNEL;
    }

    /**
     * {@code out[j] = x[j] + std·z(j)} for j in [0, len): noise added to an activation. Each thread adds
     * x to its piece of samples right after drawing them, while they are still in cache, instead of a
     * second pass over the whole array.
     */
    public static void addTo(long seed, float[] x, float[] out, int len, float std) {
        ElementwiseKernel add = Elementwise.kernel();
        Parallel.forRange(len, Elementwise.GRAIN, (chunk, s, e) -> {
            KERNEL.fill(seed, s, out, s, e - s, 0f, std);
            add.binary(BinaryOp.ADD, x, out, out, s, e, false);
        });
    }

    /** {@code a[off + j] = mean + std·z(j)} for j in [0, len), z the stream of normal samples for {@code seed}. */
    public static void fill(long seed, float[] a, int off, int len, float mean, float std) {
        Parallel.forRange(len, Elementwise.GRAIN, (chunk, s, e) -> KERNEL.fill(seed, s, a, off + s, e - s, mean, std));
    }
}
