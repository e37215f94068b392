package ssgan.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import ssgan.engine.parallel.Parallel;
import ssgan.engine.tensor.Rng;

/**
 * The counter-based normal generator, both kernels: distribution (moments, tails, Kolmogorov–Smirnov),
 * independence, and results that do not depend on how the array is cut into pieces or threads.
 * The bounds are ~4–5 standard errors for 10^6 samples, so a correct generator fails them with a
 * probability below 10^-4 (and the seeds are fixed, so the outcome is too).
 */
class GaussianKernelTest {
    private static final int N = 1_000_000;

    static Stream<GaussianKernel> kernels() {
        return Stream.of(new ScalarGaussian(), new VectorGaussian());
    }

    private static float[] sample(GaussianKernel k, long seed, int n) {
        float[] a = new float[n];
        k.fill(seed, 0, a, 0, n, 0f, 1f);
        return a;
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void momentsAndTailsMatchTheStandardNormal(GaussianKernel k) {
        float[] z = sample(k, 0x5EEDL, N);
        double s1 = 0, s2 = 0, s4 = 0;
        int beyond3 = 0, beyond4 = 0;
        double largest = 0;
        for (float v : z) {
            s1 += v;
            s2 += (double) v * v;
            s4 += (double) v * v * v * v;
            if (Math.abs(v) > 3) beyond3++;
            if (Math.abs(v) > 4) beyond4++;
            largest = Math.max(largest, Math.abs(v));
        }
        double mean = s1 / N, variance = s2 / N - mean * mean, kurtosis = s4 / N / (variance * variance);
        assertTrue(Math.abs(mean) < 0.005, "mean " + mean);              // standard error 0.001
        assertTrue(Math.abs(variance - 1) < 0.01, "variance " + variance); // standard error 0.0014
        assertTrue(Math.abs(kurtosis - 3) < 0.03, "kurtosis " + kurtosis); // standard error 0.005
        assertEquals(0.0027, beyond3 / (double) N, 0.0003, "fraction beyond 3σ"); // 2P(Z > 3) = 0.00270
        assertEquals(6.3e-5, beyond4 / (double) N, 3.5e-5, "fraction beyond 4σ");  // 2P(Z > 4) = 0.000063
        assertTrue(largest <= 5.66, "|z| is at most √(46 ln 2) = 5.65, got " + largest);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void kolmogorovSmirnovAgainstTheNormalCdf(GaussianKernel k) {
        float[] z = sample(k, 12345L, N);
        Arrays.sort(z);
        double worst = 0;
        for (int i = 0; i < N; i++) {
            double cdf = normalCdf(z[i]);
            worst = Math.max(worst, Math.max(Math.abs((i + 1.0) / N - cdf), Math.abs(cdf - (double) i / N)));
        }
        assertTrue(worst < 1.95 / Math.sqrt(N), "KS distance " + worst); // the 0.1% critical value
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void neighboursAndSeedsAreUncorrelated(GaussianKernel k) {
        float[] z = sample(k, 77L, N);
        double[] evens = new double[N / 2], odds = new double[N / 2], evenSquares = new double[N / 2], oddSquares = new double[N / 2];
        for (int p = 0; p < N / 2; p++) {
            evens[p] = z[2 * p];
            odds[p] = z[2 * p + 1];
            evenSquares[p] = evens[p] * evens[p];
            oddSquares[p] = odds[p] * odds[p];
        }
        // The two samples of a Box–Muller pair share u: they must still be independent, squares included.
        assertUncorrelated("pair partners", evens, odds);
        assertUncorrelated("squares of pair partners", evenSquares, oddSquares);
        double[] all = toDouble(z);
        assertUncorrelated("adjacent pairs", Arrays.copyOfRange(all, 0, N - 2), Arrays.copyOfRange(all, 2, N));
        // Streams for consecutive seeds (the worst case for a counter-based design) and for the seeds an Rng hands out.
        assertUncorrelated("seeds 77 and 78", all, toDouble(sample(k, 78L, N)));
        Rng rng = new Rng(3);
        assertUncorrelated("consecutive Rng seeds", toDouble(sample(k, rng.nextLong(), N)), toDouble(sample(k, rng.nextLong(), N)));
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void piecesGiveTheSameSamplesAsTheWhole(GaussianKernel k) {
        int n = 1000;
        float[] whole = new float[n + 4];
        k.fill(99L, 0, whole, 2, n, 0.5f, 2f);
        assertEquals(0f, whole[0]);
        assertEquals(0f, whole[1]); // nothing written outside the range
        assertEquals(0f, whole[n + 2]);
        for (int[] cuts : new int[][] {{0, 1, 2, 3, 1000}, {0, 17, 33, 500, 999, 1000}, {0, 15, 16, 31, 1000}, {0, 7, 1000}}) {
            float[] pieces = new float[n + 4];
            for (int c = 0; c + 1 < cuts.length; c++) {
                k.fill(99L, cuts[c], pieces, 2 + cuts[c], cuts[c + 1] - cuts[c], 0.5f, 2f);
            }
            assertArrayEquals(whole, pieces, "cut at " + Arrays.toString(cuts));
        }
    }

    @Test
    void vectorAndScalarKernelsComputeTheSameFunction() {
        float[] scalar = sample(new ScalarGaussian(), 2024L, 100_003);
        float[] vector = sample(new VectorGaussian(), 2024L, 100_003);
        for (int i = 0; i < scalar.length; i++) {
            // Float vs double rounding only: log and cos within a few ulps, radius ≤ 5.65.
            assertEquals(scalar[i], vector[i], 2e-6 * (1 + Math.abs(scalar[i])), "sample " + i);
        }
    }

    @Test
    void theResultDoesNotDependOnTheThreadCount() {
        int before = Parallel.threads();
        try {
            int n = 3 * Elementwise.GRAIN + 5; // several parallel pieces
            Parallel.setThreads(1);
            float[] one = new float[n];
            Gaussian.fill(31L, one, 0, n, 0f, 1f);
            Parallel.setThreads(2);
            float[] two = new float[n];
            Gaussian.fill(31L, two, 0, n, 0f, 1f);
            Parallel.setThreads(3);
            float[] three = new float[n];
            Gaussian.fill(31L, three, 0, n, 0f, 1f);
            assertArrayEquals(one, two);
            assertArrayEquals(one, three);
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void rngFillGaussianIsReproducibleAndTakesOneLongPerCall() {
        Rng a = new Rng(42), b = new Rng(42);
        float[] x = new float[777], y = new float[777];
        a.fillGaussian(x, 0, x.length, 1f, 0.1f);
        b.fillGaussian(y, 0, y.length, 1f, 0.1f);
        assertArrayEquals(x, y);
        Rng c = new Rng(42);
        c.nextLong();
        assertEquals(c.state(), a.state(), "one nextLong per call, whatever the length");
        a.fillGaussian(x, 0, x.length, 1f, 0.1f);
        assertTrue(!Arrays.equals(x, y), "the next call continues the sequence");
    }

    private static void assertUncorrelated(String what, double[] a, double[] b) {
        double ma = Arrays.stream(a).average().orElseThrow(), mb = Arrays.stream(b).average().orElseThrow();
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.length; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        double r = sab / Math.sqrt(saa * sbb);
        assertTrue(Math.abs(r) < 5 / Math.sqrt(a.length), what + ": correlation " + r); // 5 standard errors
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }

    /** Φ on a grid of step 1/1024 over [−8, 8], by Simpson's rule on each step of the normal density. */
    private static final double[] CDF = cdfTable();
    private static final int PER_UNIT = 1024;

    private static double[] cdfTable() {
        double h = 1.0 / PER_UNIT;
        double[] cdf = new double[16 * PER_UNIT + 1];
        cdf[0] = 0; // Φ(−8) ≈ 6e-16
        for (int i = 1; i < cdf.length; i++) {
            double a = -8 + (i - 1) * h;
            cdf[i] = cdf[i - 1] + h / 6 * (density(a) + 4 * density(a + h / 2) + density(a + h));
        }
        return cdf;
    }

    private static double density(double x) {
        return Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
    }

    /** Φ(x) by linear interpolation in the table (error below 1e-7). */
    private static double normalCdf(double x) {
        double pos = (Math.min(Math.max(x, -8), 8) + 8) * PER_UNIT;
        int i = Math.min((int) pos, CDF.length - 2);
        return CDF[i] + (pos - i) * (CDF[i + 1] - CDF[i]);
    }
}
