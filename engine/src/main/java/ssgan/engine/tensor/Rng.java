package ssgan.engine.tensor;

import java.util.Objects;
import ssgan.engine.kernels.Gaussian;

/**
 * An explicit, seeded random number generator (SplitMix64). There is no hidden global randomness in
 * the engine: everything random takes an {@code Rng}, so a run is reproducible from its seeds.
 *
 * <p>The whole state is one {@code long}, which makes it trivial to save in a checkpoint and restore.
 */
public final class Rng {
    private long state;

    public Rng(long seed) {
        this.state = seed;
    }

    /** The current state; {@code new Rng(rng.state())} continues the same sequence. */
    public long state() {
        return state;
    }

    public void setState(long state) {
        this.state = state;
    }

    /** A new generator whose sequence is independent of this one's (this one advances by one step). */
    public Rng split() {
        return new Rng(nextLong() ^ 0x5DEECE66DL);
    }

    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive, got " + bound);
        return (int) ((nextLong() >>> 33) * bound >>> 31);
    }

    /** Uniform in [0, 1) with 24 random bits. */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** A standard normal sample (Box-Muller; one of the pair is discarded to keep the state one long). */
    public double nextGaussian() {
        double u1 = 1.0 - nextDouble(); // (0, 1]: log is finite
        double u2 = nextDouble();
        return Math.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * Math.PI * u2);
    }

    /**
     * Fills {@code a[off, off+len)} with normal samples of the given mean and standard deviation. Takes
     * exactly one {@link #nextLong} as the seed of a counter-based stream ({@link Gaussian}): fast,
     * vectorised, the same for any thread count, and the generator's state stays one long.
     */
    public void fillGaussian(float[] a, int off, int len, float mean, float std) {
        Objects.checkFromIndexSize(off, len, a.length);
        Gaussian.fill(nextLong(), a, off, len, mean, std);
    }

    /**
     * {@code out[j] = x[j] + N(0, std²)} for every j of {@code x}: what {@link #fillGaussian} into
     * {@code out} followed by adding x gives, bit for bit, in one pass. Takes one {@link #nextLong}.
     */
    public void addGaussian(float[] x, float[] out, float std) {
        if (out.length != x.length) {
            throw new IllegalArgumentException("addGaussian: output of " + out.length + " values for an input of " + x.length);
        }
        Gaussian.addTo(nextLong(), x, out, x.length, std);
    }

    /** Fills {@code a[off, off+len)} uniformly in [lo, hi). */
    public void fillUniform(float[] a, int off, int len, float lo, float hi) {
        float scale = hi - lo;
        for (int i = off; i < off + len; i++) a[i] = lo + scale * nextFloat();
    }

    /** Shuffles {@code a} in place (Fisher-Yates). */
    public void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
