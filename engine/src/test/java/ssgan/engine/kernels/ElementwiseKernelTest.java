package ssgan.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static ssgan.engine.kernels.KernelTestData.SIZES;
import static ssgan.engine.kernels.KernelTestData.awayFromZero;
import static ssgan.engine.kernels.KernelTestData.uniform;
import static ssgan.engine.testing.Approx.assertClose;

import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import ssgan.engine.tensor.Rng;

/** Both element-wise kernels, scalar twin and Vector API, against double-precision references. */
class ElementwiseKernelTest {
    static Stream<ElementwiseKernel> kernels() {
        return Stream.of(new ScalarElementwise(), new VectorElementwise());
    }

    private final Rng rng = new Rng(2024);

    @ParameterizedTest
    @MethodSource("kernels")
    void binaryMatchesReferenceWithAndWithoutAccumulate(ElementwiseKernel k) {
        for (BinaryOp op : BinaryOp.values()) {
            for (int n : SIZES) {
                float[] a = uniform(rng, n, -3, 3);
                float[] b = awayFromZero(rng, n);
                float[] prior = uniform(rng, n, -1, 1);
                double[] expected = new double[n];
                double[] expectedAcc = new double[n];
                for (int i = 0; i < n; i++) {
                    expected[i] = NaiveBroadcast.reference(op).applyAsDouble(a[i], b[i]);
                    expectedAcc[i] = prior[i] + expected[i];
                }
                float[] out = new float[n];
                k.binary(op, a, b, out, 0, n, false);
                assertClose(op + " n=" + n, expected, out, 1e-6, 1e-6);
                float[] acc = prior.clone();
                k.binary(op, a, b, acc, 0, n, true);
                assertClose(op + " accumulate n=" + n, expectedAcc, acc, 1e-6, 1e-6);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void rangeLeavesElementsOutsideItUntouched(ElementwiseKernel k) {
        int n = 40;
        float[] a = uniform(rng, n, -1, 1);
        float[] out = new float[n];
        java.util.Arrays.fill(out, 7f);
        k.binaryScalar(BinaryOp.ADD, a, 1f, out, 5, 37, false);
        for (int i = 0; i < n; i++) {
            double want = i >= 5 && i < 37 ? a[i] + 1.0 : 7.0;
            assertClose("element " + i, new double[] {want}, new float[] {out[i]}, 1e-6, 1e-6);
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void binaryScalarMatchesReference(ElementwiseKernel k) {
        for (BinaryOp op : BinaryOp.values()) {
            for (int n : SIZES) {
                float[] a = uniform(rng, n, -3, 3);
                float s = -1.7f;
                double[] expected = new double[n];
                for (int i = 0; i < n; i++) expected[i] = NaiveBroadcast.reference(op).applyAsDouble(a[i], s);
                float[] out = new float[n];
                k.binaryScalar(op, a, s, out, 0, n, false);
                assertClose(op + " n=" + n, expected, out, 1e-6, 1e-6);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void binaryRowsAndChannelsMatchBroadcastReference(ElementwiseKernel k) {
        for (BinaryOp op : BinaryOp.values()) {
            for (int cols : SIZES) {
                int rows = 3;
                float[] a = uniform(rng, rows * cols, -3, 3);
                float[] row = awayFromZero(rng, cols);
                double[] expected = NaiveBroadcast.apply(NaiveBroadcast.reference(op), a, new int[] {rows, cols}, row, new int[] {cols}, new int[] {rows, cols});
                float[] out = new float[rows * cols];
                k.binaryRows(op, a, row, out, cols, 0, rows, false);
                assertClose(op + " rows cols=" + cols, expected, out, 1e-6, 1e-6);
                float[] acc = uniform(rng, rows * cols, -1, 1);
                double[] expectedAcc = plus(acc, expected);
                k.binaryRows(op, a, row, acc, cols, 0, rows, true);
                assertClose(op + " rows accumulate cols=" + cols, expectedAcc, acc, 1e-6, 1e-6);

                int outer = 2;
                int channels = 3;
                int inner = cols;
                int[] shape = {outer, channels, inner};
                float[] x = uniform(rng, outer * channels * inner, -3, 3);
                float[] perChannel = awayFromZero(rng, channels);
                double[] want = NaiveBroadcast.apply(NaiveBroadcast.reference(op), x, shape, perChannel, new int[] {channels, 1}, shape);
                float[] got = new float[x.length];
                k.binaryChannels(op, x, perChannel, channels, inner, got, 0, outer * channels, false);
                assertClose(op + " channels inner=" + inner, want, got, 1e-6, 1e-6);
                float[] gotAcc = uniform(rng, x.length, -1, 1);
                double[] wantAcc = plus(gotAcc, want);
                k.binaryChannels(op, x, perChannel, channels, inner, gotAcc, 0, outer * channels, true);
                assertClose(op + " channels accumulate inner=" + inner, wantAcc, gotAcc, 1e-6, 1e-6);
            }
        }
    }

    private static double[] plus(float[] prior, double[] values) {
        double[] r = new double[values.length];
        for (int i = 0; i < r.length; i++) r[i] = prior[i] + values[i];
        return r;
    }

    @Tag("exercise-leaky-relu-backward")
    @ParameterizedTest
    @MethodSource("kernels")
    void leakyReluForwardAndBackward(ElementwiseKernel k) {
        for (float slope : new float[] {0f, 0.2f}) {
            for (int n : SIZES) {
                float[] x = awayFromZero(rng, n);
                float[] g = uniform(rng, n, -1, 1);
                float[] prior = uniform(rng, n, -1, 1);
                double[] y = new double[n];
                double[] dx = new double[n];
                for (int i = 0; i < n; i++) {
                    y[i] = x[i] > 0 ? x[i] : slope * (double) x[i];
                    dx[i] = prior[i] + (x[i] > 0 ? g[i] : slope * (double) g[i]);
                }
                float[] out = new float[n];
                k.leakyRelu(x, slope, out, 0, n);
                assertClose("leakyRelu " + slope + " n=" + n, y, out, 1e-6, 1e-7);
                float[] grad = prior.clone();
                k.leakyReluBackward(x, slope, g, grad, 0, n, true);
                assertClose("leakyRelu backward " + slope + " n=" + n, dx, grad, 1e-6, 1e-7);
                float[] written = prior.clone();   // without accumulate, what was there is overwritten
                k.leakyReluBackward(x, slope, g, written, 0, n, false);
                for (int i = 0; i < n; i++) dx[i] -= prior[i];
                assertClose("leakyRelu backward, written " + slope + " n=" + n, dx, written, 1e-6, 1e-7);
            }
        }
    }

    static DoubleUnaryOperator reference(UnaryOp op) {
        return switch (op) {
            case EXP -> Math::exp;
            case LOG -> Math::log;
            case SQRT -> Math::sqrt;
            case ABS -> Math::abs;
            case TANH -> Math::tanh;
            case SIGMOID -> x -> 1 / (1 + Math.exp(-x));
            case SOFTPLUS -> x -> Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
        };
    }

    static DoubleUnaryOperator referenceDerivative(UnaryOp op) {
        return switch (op) {
            case EXP -> Math::exp;
            case LOG -> x -> 1 / x;
            case SQRT -> x -> 0.5 / Math.sqrt(x);
            case ABS -> Math::signum;
            case TANH -> x -> 1 - Math.tanh(x) * Math.tanh(x);
            case SIGMOID -> x -> Math.exp(-x) / ((1 + Math.exp(-x)) * (1 + Math.exp(-x)));
            case SOFTPLUS -> x -> 1 / (1 + Math.exp(-x));
        };
    }

    static float[] domain(Rng rng, UnaryOp op, int n) {
        return op == UnaryOp.LOG || op == UnaryOp.SQRT ? uniform(rng, n, 0.05f, 20f) : awayFromZero(rng, n);
    }

    /** Vector API transcendentals are not correctly rounded: a few ulp (relative 1e-6) is the bound we accept. */
    @Tag("exercise-sigmoid-backward")
    @ParameterizedTest
    @MethodSource("kernels")
    void unaryForwardAndBackwardWithinBoundOfDoubleReference(ElementwiseKernel k) {
        for (UnaryOp op : UnaryOp.values()) {
            for (int n : SIZES) {
                float[] x = domain(rng, op, n);
                for (int i = 0; i < n; i++) x[i] *= op == UnaryOp.LOG || op == UnaryOp.SQRT ? 1 : 4; // reach the tails of tanh/sigmoid
                float[] g = uniform(rng, n, -1, 1);
                double[] y = new double[n];
                double[] dx = new double[n];
                for (int i = 0; i < n; i++) {
                    y[i] = reference(op).applyAsDouble(x[i]);
                    dx[i] = referenceDerivative(op).applyAsDouble(x[i]) * g[i];
                }
                float[] out = new float[n];
                k.unary(op, x, out, 0, n);
                assertClose(op + " n=" + n, y, out, 1e-6, 1e-7);
                float[] grad = new float[n];
                k.unaryBackward(op, x, out, g, grad, 0, n);
                assertClose(op + " backward n=" + n, dx, grad, 1e-5, 1e-6);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void softplusAndSigmoidStayFiniteForLargeMagnitudes(ElementwiseKernel k) {
        float[] x = new float[17];
        for (int i = 0; i < x.length; i++) x[i] = i % 2 == 0 ? 100f : -100f;
        float[] sp = new float[x.length];
        float[] sg = new float[x.length];
        k.unary(UnaryOp.SOFTPLUS, x, sp, 0, x.length);
        k.unary(UnaryOp.SIGMOID, x, sg, 0, x.length);
        double[] wantSp = new double[x.length];
        double[] wantSg = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            wantSp[i] = x[i] > 0 ? 100 : Math.exp(-100);
            wantSg[i] = x[i] > 0 ? 1 : Math.exp(-100);
        }
        assertClose("softplus(±100)", wantSp, sp, 1e-6, 1e-43); // e^-100 is subnormal in float
        assertClose("sigmoid(±100)", wantSg, sg, 1e-6, 1e-43);
    }

    @Tag("exercise-pow-backward")
    @ParameterizedTest
    @MethodSource("kernels")
    void powAndClampForwardAndBackward(ElementwiseKernel k) {
        for (int n : SIZES) {
            float[] x = uniform(rng, n, 0.2f, 3f);
            float[] g = uniform(rng, n, -1, 1);
            float p = 2.5f;
            double[] y = new double[n];
            double[] dx = new double[n];
            for (int i = 0; i < n; i++) {
                y[i] = Math.pow(x[i], p);
                dx[i] = p * Math.pow(x[i], p - 1) * g[i];
            }
            float[] out = new float[n];
            k.pow(x, p, out, 0, n);
            assertClose("pow n=" + n, y, out, 1e-6, 1e-7);
            float[] grad = new float[n];
            k.powBackward(x, p, g, grad, 0, n);
            assertClose("pow backward n=" + n, dx, grad, 1e-5, 1e-6);

            float lo = 1f;
            float hi = 2f;
            double[] c = new double[n];
            double[] dc = new double[n];
            for (int i = 0; i < n; i++) {
                c[i] = Math.min(Math.max(x[i], lo), hi);
                dc[i] = x[i] >= lo && x[i] <= hi ? g[i] : 0;
            }
            k.clamp(x, lo, hi, out, 0, n);
            assertClose("clamp n=" + n, c, out, 0, 0);
            float[] gc = new float[n];
            k.clampBackward(x, lo, hi, g, gc, 0, n);
            assertClose("clamp backward n=" + n, dc, gc, 0, 0);
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void lerpMatchesReferenceAndRoundsAsThePlainExpression(ElementwiseKernel k) {
        float weight = 0.0371f;
        for (int n : SIZES) {
            float[] average = uniform(rng, n, -3, 3);
            float[] value = uniform(rng, n, -3, 3);
            double[] expected = new double[n];
            float[] plain = average.clone();
            for (int i = 0; i < n; i++) {
                expected[i] = average[i] + (double) weight * ((double) value[i] - average[i]);
                plain[i] += weight * (value[i] - plain[i]);   // what a moving average's loop computes, rounded step by step
            }
            float[] out = average.clone();
            k.lerp(out, value, weight, 0, n);
            assertClose("lerp n=" + n, expected, out, 1e-6, 1e-6);
            for (int i = 0; i < n; i++) {
                if (Float.floatToRawIntBits(out[i]) != Float.floatToRawIntBits(plain[i])) {
                    throw new AssertionError("lerp n=" + n + " element " + i + ": " + out[i] + " is not the plain expression's " + plain[i]);
                }
            }
        }
    }

    @Test
    void facadeLerpAndFillSplitAcrossThreadsWithoutChangingResults() {
        int n = 3 * Elementwise.GRAIN + 17;
        float[] average = uniform(rng, n, -3, 3);
        float[] value = uniform(rng, n, -3, 3);
        float[] plain = average.clone();
        for (int i = 0; i < n; i++) plain[i] += 0.25f * (value[i] - plain[i]);
        Elementwise.lerp(average, value, 0.25f, n);
        assertArrayEquals(plain, average, 0f);
        Elementwise.fill(average, 0f, n - 5);
        for (int i = 0; i < n; i++) {
            float want = i < n - 5 ? 0f : plain[i];
            if (average[i] != want) throw new AssertionError("fill: element " + i + " is " + average[i] + ", want " + want);
        }
    }

    @Test
    void facadeSplitsLargeArraysAcrossThreadsWithoutChangingResults() {
        int n = 3 * Elementwise.GRAIN + 17;
        float[] a = uniform(rng, n, -3, 3);
        float[] b = awayFromZero(rng, n);
        double[] expected = new double[n];
        for (int i = 0; i < n; i++) expected[i] = (double) a[i] * b[i];
        float[] out = new float[n];
        Elementwise.binary(BinaryOp.MUL, a, b, out, n, false);
        assertClose("parallel mul", expected, out, 1e-6, 1e-6);
        float[] y = new float[n];
        Elementwise.unary(UnaryOp.TANH, a, y, n);
        double[] t = new double[n];
        for (int i = 0; i < n; i++) t[i] = Math.tanh(a[i]);
        assertClose("parallel tanh", t, y, 1e-6, 1e-7);
    }
}
