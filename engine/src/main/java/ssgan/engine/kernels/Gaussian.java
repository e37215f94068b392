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

    /** {@code a[off + j] = mean + std·z(j)} for j in [0, len), z the stream of normal samples for {@code seed}. */
    public static void fill(long seed, float[] a, int off, int len, float mean, float std) {
        Parallel.forRange(len, Elementwise.GRAIN, (chunk, s, e) -> KERNEL.fill(seed, s, a, off + s, e - s, mean, std));
    }
}
