package ssgan.engine.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;

/** Element-wise comparison of a float32 result against a double-precision reference. */
public final class Approx {
    private Approx() {}

    /** Fails at the first element where {@code |actual − expected| > atol + rtol·|expected|}. */
    public static void assertClose(String what, double[] expected, float[] actual, double rtol, double atol) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double diff = Math.abs(actual[i] - expected[i]);
            if (!(diff <= atol + rtol * Math.abs(expected[i]))) {
                fail(String.format("%s: element %d: expected %.7g, got %.7g (|diff| %.3g)", what, i, expected[i], actual[i], diff));
            }
        }
    }

    public static void assertClose(String what, float[] expected, float[] actual, double rtol, double atol) {
        double[] e = new double[expected.length];
        for (int i = 0; i < e.length; i++) e[i] = expected[i];
        assertClose(what, e, actual, rtol, atol);
    }

    public static void assertShape(int[] expected, int[] actual) {
        if (!Arrays.equals(expected, actual)) fail("shape: expected " + Arrays.toString(expected) + ", got " + Arrays.toString(actual));
    }
}
