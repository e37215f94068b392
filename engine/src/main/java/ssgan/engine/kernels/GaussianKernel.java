package ssgan.engine.kernels;

/**
 * Fills arrays with normal samples from a counter-based generator: sample i of the stream for a
 * {@code seed} is a pure function of (seed, i). Any piece of the stream can therefore be computed
 * on its own, by any thread, a vector at a time, with the same result as computing it all at once.
 *
 * <p>The function: samples 2p and 2p+1 come from one 64-bit hash h = SplitMix64(seed, p) by Box–Muller.
 * Bits 9–31 of h give u ∈ (0, 1] and bits 41–63 give t ∈ [0, 1) (23 bits each), and
 * <pre>  z(2p) = √(−2 ln u)·cos 2πt,   z(2p+1) = √(−2 ln u)·sin 2πt.</pre>
 * With 23-bit u the largest |z| is √(46 ln 2) ≈ 5.65: the tails beyond are cut off (a normal sample
 * lies there with probability 1.6·10^-8).
 *
 * <p>Two implementations: {@link ScalarGaussian} in double precision with StrictMath, and
 * {@link VectorGaussian} in float with {@link VectorMath}. They compute the same function, up to a
 * few float roundings.
 */
public interface GaussianKernel {
    /**
     * {@code a[off + j] = mean + std·z(first + j)} for j in [0, len): samples {@code first ...} of the
     * stream for {@code seed}.
     */
    void fill(long seed, long first, float[] a, int off, int len, float mean, float std);

    /** SplitMix64's step: the finaliser of seed + (p + 1)·γ, i.e. the (p+1)-th output of SplitMix64 started at {@code seed}. */
    static long hash(long seed, long p) {
        long z = seed + (p + 1) * GAMMA;
        z = (z ^ (z >>> 30)) * MIX1;
        z = (z ^ (z >>> 27)) * MIX2;
        return z ^ (z >>> 31);
    }

    /** SplitMix64's constants: the odd increment γ (2^64 / golden ratio) and the two multipliers of its finaliser. */
    long GAMMA = 0x9E3779B97F4A7C15L;
    long MIX1 = 0xBF58476D1CE4E5B9L;
    long MIX2 = 0x94D049BB133111EBL;
}
