package ssgan.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static ssgan.engine.testing.Approx.assertClose;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import ssgan.engine.tensor.Rng;

/**
 * {@link AlongDim#logSumExp} along a dimension that is not the last one (inner > 1, the strided loop):
 * the definition, no overflow or underflow for values far from 0, and the infinite cases.
 */
@Tag("exercise-log-sum-exp")
class AlongDimTest {
    /** log Σ_k exp(x[o][k][i]) in double, shifted by the maximum. */
    private static double[] reference(float[] x, int outer, int n, int inner) {
        double[] out = new double[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double m = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < n; k++) m = Math.max(m, x[(o * n + k) * inner + i]);
                double s = 0;
                for (int k = 0; k < n; k++) s += Math.exp(x[(o * n + k) * inner + i] - m);
                out[o * inner + i] = m + Math.log(s);
            }
        }
        return out;
    }

    @Test
    void matchesTheDefinitionAlongAMiddleDimension() {
        Rng rng = new Rng(5);
        int outer = 3, n = 5, inner = 4;
        float[] x = new float[outer * n * inner];
        rng.fillUniform(x, 0, x.length, -3f, 3f);
        float[] out = new float[outer * inner];
        AlongDim.logSumExp(x, outer, n, inner, out);
        assertClose("logSumExp [3, 5, 4] along dim 1", reference(x, outer, n, inner), out, 1e-6, 1e-6);
    }

    @Test
    void staysFiniteForValuesFarFromZero() {
        // Along dim 1 of [2, 3, 2]: exp(±1e4) overflows to ∞ or underflows to 0 in float and in double alike.
        float[] x = {
            1e4f, -1e4f,
            1e4f - 2, -1e4f + 1,
            1e4f - 1, -1e4f,

            -50f, 88f,
            -60f, 89f,
            -70f, 90f,
        };
        float[] out = new float[4];
        AlongDim.logSumExp(x, 2, 3, 2, out);
        assertClose("large magnitudes", reference(x, 2, 3, 2), out, 1e-6, 1e-6);
    }

    @Test
    void aSliceOfMinusInfinityGivesMinusInfinityAndAPlusInfinityGivesPlusInfinity() {
        float inf = Float.POSITIVE_INFINITY;
        float[] x = {
            -inf, 1f,
            -inf, inf,
            -inf, 2f,
        };
        float[] out = new float[2];
        AlongDim.logSumExp(x, 1, 3, 2, out);
        assertEquals(-inf, out[0], "log Σ exp(−∞) = log 0");
        assertEquals(inf, out[1], "a +∞ in the slice");
    }
}
