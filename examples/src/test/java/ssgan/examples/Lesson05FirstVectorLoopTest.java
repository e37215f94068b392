package ssgan.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import ssgan.engine.tensor.Rng;

class Lesson05FirstVectorLoopTest {
    private static final int L = FloatVector.SPECIES_PREFERRED.length();

    /** Sizes around the vector length, where tails go wrong. */
    private static int[] sizes() {
        return IntStream.of(0, 1, 2, L - 1, L, L + 1, 2 * L - 1, 2 * L + 3, 3 * L + L / 2, 1000).distinct().toArray();
    }

    @Test
    void vectorAxpyEqualsTheScalarFormulaBitForBit() {
        Rng rng = new Rng(5);
        for (int n : sizes()) {
            float a = (float) rng.nextGaussian();
            float[] x = new float[n], y = new float[n];
            rng.fillUniform(x, 0, n, -1f, 1f);
            rng.fillUniform(y, 0, n, -1f, 1f);
            float[] want = new float[n];
            for (int i = 0; i < n; i++) want[i] = a * x[i] + y[i];

            float[] z = new float[n];
            Arrays.fill(z, Float.NaN);
            Lesson05FirstVectorLoop.axpyScalarTail(a, x, y, z, n);
            assertArrayEquals(want, z, "scalar tail, n = " + n);
            Arrays.fill(z, Float.NaN);
            Lesson05FirstVectorLoop.axpyMaskedTail(a, x, y, z, n);
            assertArrayEquals(want, z, "masked tail, n = " + n);
        }
    }

    @Test
    void vectorDotIsWithinTheRoundingBound() {
        Rng rng = new Rng(6);
        for (int n : sizes()) {
            float[] x = new float[n], y = new float[n];
            rng.fillUniform(x, 0, n, -1f, 1f);
            rng.fillUniform(y, 0, n, -1f, 1f);
            double exact = 0, abs = 0;
            for (int i = 0; i < n; i++) {
                exact += (double) x[i] * y[i];
                abs += Math.abs((double) x[i] * y[i]);
            }
            double bound = n * 0x1p-24 * abs;
            float got = Lesson05FirstVectorLoop.dotVector(x, y, n);
            assertTrue(Math.abs(got - exact) <= bound, "n = " + n + ": " + got + " vs " + exact + ", bound " + bound);
            // Dropping a single term would break the bound (each |x·y| is about 1/4, the bound ~1e-5).
            if (n > 0 && n < 100) assertTrue(bound < 0.01 * abs / n, "the bound is below a hundredth of an average term, so a lost term shows");
        }
    }

    @Test
    void theLessonChecksAndTimesAtASmallSize() {
        Captured c = new Captured();
        Lesson05FirstVectorLoop.Result r = Lesson05FirstVectorLoop.run(c.out(), 4 * L + 3, 3, 10, 5);
        assertTrue(r.axpy().scalarTailEqual() && r.axpy().maskedTailEqual(), c.text());
        assertTrue(Math.abs(r.dot().vector() - r.dot().reference()) <= r.dot().bound(), c.text());
        assertTrue(Math.abs(r.dot().scalar() - r.dot().reference()) <= r.dot().bound(), c.text());
        assertTrue(r.axpy().scalarNanos() > 0 && r.dot().vectorNanos() > 0);
        assertTrue(c.text().contains("median of 3 runs"), c.text());
    }
}
