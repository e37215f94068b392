package ssgan.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/**
 * {@link VectorMath} against double-precision references, in ulps of the float result, over a sweep
 * of about 2·10^6 floats spread evenly over every binade of the range that matters, plus the special
 * values. The bounds are the measured maxima (printed by the test), so a regression shows at once.
 */
class VectorMathTest {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    @Test
    void expWithinOneUlpFromUnderflowToOverflow() {
        assertUlps("exp", VectorMath::exp, StrictMath::exp, -104f, 89f, 1);
        assertSpecial(VectorMath::exp, new float[] {Float.NEGATIVE_INFINITY, -200f, 0f, -0f, 89f, Float.POSITIVE_INFINITY, Float.NaN},
                new float[] {0f, 0f, 1f, 1f, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NaN});
    }

    @Test
    void expm1WithinOneAndAHalfUlps() {
        assertUlps("expm1", VectorMath::expm1, StrictMath::expm1, -30f, 89f, 1.5);
        assertSpecial(VectorMath::expm1, new float[] {Float.NEGATIVE_INFINITY, 0f, 1e-30f, 100f, Float.NaN},
                new float[] {-1f, 0f, 1e-30f, Float.POSITIVE_INFINITY, Float.NaN});
    }

    @Test
    void logWithinOneUlpIncludingSubnormals() {
        assertUlps("log", VectorMath::log, StrictMath::log, Float.MIN_VALUE, Float.MAX_VALUE, 1);
        assertSpecial(VectorMath::log, new float[] {0f, -0f, -1f, 1f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN},
                new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 0f, Float.POSITIVE_INFINITY, Float.NaN, Float.NaN});
    }

    @Test
    void tanhWithinTwoAndAHalfUlps() {
        assertUlps("tanh", VectorMath::tanh, StrictMath::tanh, -20f, 20f, 2.5);
        assertSpecial(VectorMath::tanh, new float[] {0f, -0f, 1e-30f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN},
                new float[] {0f, -0f, 1e-30f, 1f, -1f, Float.NaN});
    }

    @Test
    void sigmoidWithinTwoAndAHalfUlpsWithoutOverflow() {
        assertUlps("sigmoid", VectorMath::sigmoid, x -> 1 / (1 + StrictMath.exp(-x)), -110f, 40f, 2.5);
        assertSpecial(VectorMath::sigmoid, new float[] {0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN},
                new float[] {0.5f, 1f, 0f, Float.NaN});
    }

    @Test
    void softplusWithinTwoUlps() {
        assertUlps("softplus", VectorMath::softplus, x -> Math.max(x, 0) + StrictMath.log1p(StrictMath.exp(-Math.abs(x))), -110f, 1e6f, 2);
        assertSpecial(VectorMath::softplus, new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN},
                new float[] {Float.POSITIVE_INFINITY, 0f, Float.NaN});
    }

    @Test
    void cos2piIsAccurateOverSeveralTurns() {
        int n = 1 << 20;
        float[] t = new float[n];
        for (int i = 0; i < n; i++) t[i] = -3f + 6f * i / n; // includes every multiple of 1/8
        float[] got = apply(VectorMath::cos2pi, t);
        double worst = 0;
        for (int i = 0; i < n; i++) worst = Math.max(worst, Math.abs(got[i] - StrictMath.cos(2 * Math.PI * t[i])));
        System.out.printf("VectorMath cos2pi: max abs error %.2e%n", worst);
        assertTrue(worst < 1e-7, "cos2pi max abs error " + worst);
        // Whole quarter turns are exact (the sign of a zero is not specified).
        float[] quarters = {0f, 0.25f, 0.5f, 0.75f, 1f, -0.5f};
        float[] want = {1f, 0f, -1f, 0f, 1f, -1f};
        float[] exact = apply(VectorMath::cos2pi, quarters);
        for (int i = 0; i < quarters.length; i++) assertEquals(want[i], exact[i], 0f, "cos2pi(" + quarters[i] + ")");
    }

    /** Sweeps ~10^6 floats of each sign between lo and hi, evenly in their bit patterns (so in every binade). */
    private static void assertUlps(String name, UnaryOperator<FloatVector> f, DoubleUnaryOperator reference, float lo, float hi, double maxUlps) {
        float[] x = sweep(lo, hi);
        float[] got = apply(f, x);
        double worst = 0;
        float worstAt = Float.NaN;
        for (int i = 0; i < x.length; i++) {
            double want = reference.applyAsDouble(x[i]);
            double ulps = Math.abs(got[i] - want) / Math.ulp((float) want);
            if (Float.isInfinite((float) want)) ulps = got[i] == (float) want ? 0 : Double.POSITIVE_INFINITY;
            if (!(ulps <= worst)) {
                worst = ulps;
                worstAt = x[i];
            }
        }
        System.out.printf("VectorMath %s: max error %.2f ulp at x = %s (%d points)%n", name, worst, worstAt, x.length);
        assertTrue(worst <= maxUlps, name + ": " + worst + " ulp at x = " + worstAt);
    }

    private static float[] sweep(float lo, float hi) {
        int n = 1 << 20;
        float[] x = new float[2 * n];
        int count = 0;
        for (float end : new float[] {lo, hi}) {
            int top = Float.floatToRawIntBits(Math.abs(end)); // from +0 to |end|, with end's sign
            for (int i = 0; i < n; i++) {
                float v = Float.intBitsToFloat((int) ((long) top * i / (n - 1)));
                float signed = end < 0 ? -v : v;
                if (signed >= lo && signed <= hi) x[count++] = signed;
            }
        }
        return java.util.Arrays.copyOf(x, count);
    }

    private static void assertSpecial(UnaryOperator<FloatVector> f, float[] x, float[] want) {
        float[] got = apply(f, x);
        for (int i = 0; i < x.length; i++) {
            assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got[i]), "at x = " + x[i] + ": want " + want[i] + ", got " + got[i]);
        }
    }

    /** f over x, one vector at a time (the last one padded with zeros). */
    static float[] apply(UnaryOperator<FloatVector> f, float[] x) {
        int lanes = S.length();
        float[] padded = java.util.Arrays.copyOf(x, (x.length + lanes - 1) / lanes * lanes);
        float[] out = new float[padded.length];
        for (int i = 0; i < padded.length; i += lanes) f.apply(FloatVector.fromArray(S, padded, i)).intoArray(out, i);
        return java.util.Arrays.copyOf(out, x.length);
    }
}
