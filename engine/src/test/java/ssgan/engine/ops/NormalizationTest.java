package ssgan.engine.ops;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import ssgan.engine.testing.Approx;
import ssgan.engine.testing.GradCheck;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;

class NormalizationTest {
    /** Per-channel mean and biased variance of [n, c, hw] in double. */
    private static double[][] moments(float[] x, int n, int c, int hw) {
        double[] mean = new double[c], var = new double[c];
        for (int ch = 0; ch < c; ch++) {
            for (int img = 0; img < n; img++) for (int i = 0; i < hw; i++) mean[ch] += x[(img * c + ch) * hw + i];
            mean[ch] /= (double) n * hw;
            for (int img = 0; img < n; img++) for (int i = 0; i < hw; i++) {
                double d = x[(img * c + ch) * hw + i] - mean[ch];
                var[ch] += d * d;
            }
            var[ch] /= (double) n * hw;
        }
        return new double[][] {mean, var};
    }

    @Test
    void trainingNormalisesWithBatchStatisticsAndUpdatesRunningOnes() {
        Rng rng = new Rng(11);
        int[][] shapes = {{4, 3, 5, 5}, {7, 17}, {3, 5, 33}, {2, 19, 4, 4}, {5, 2, 1, 1}};
        for (int[] shape : shapes) {
            int n = shape[0], c = shape[1], hw = Arrays.stream(shape).skip(2).reduce(1, (a, b) -> a * b);
            Tensor gamma = Tensor.rand(rng, c), beta = Tensor.randn(rng, c);
            float[] runningMean = new float[c], runningVar = new float[c];
            Arrays.fill(runningVar, 1f);
            double[] expectMean = new double[c], expectVar = new double[c];
            Arrays.fill(expectVar, 1);
            for (int step = 0; step < 4; step++) {
                Tensor x = Tensor.randn(rng, shape);
                for (int i = 0; i < x.numel(); i++) x.data()[i] = x.data()[i] * 3 + 50;   // large mean: tests the variance's precision
                Tensor y = Normalization.batchNorm(x, gamma, beta, runningMean, runningVar, true, 0.2f, 1e-3f);
                double[][] m = moments(x.data(), n, c, hw);
                double[] expected = new double[x.numel()];
                for (int img = 0; img < n; img++) for (int ch = 0; ch < c; ch++) for (int i = 0; i < hw; i++) {
                    int k = (img * c + ch) * hw + i;
                    expected[k] = gamma.data()[ch] * (x.data()[k] - m[0][ch]) / Math.sqrt(m[1][ch] + 1e-3) + beta.data()[ch];
                }
                Approx.assertClose("y " + Arrays.toString(shape), expected, y.data(), 1e-4, 2e-4);
                double count = (double) n * hw;
                for (int ch = 0; ch < c; ch++) {
                    expectMean[ch] = 0.8 * expectMean[ch] + 0.2 * m[0][ch];
                    expectVar[ch] = 0.8 * expectVar[ch] + 0.2 * m[1][ch] * count / (count - 1);
                }
            }
            Approx.assertClose("running mean " + Arrays.toString(shape), expectMean, runningMean, 1e-5, 1e-5);
            Approx.assertClose("running var " + Arrays.toString(shape), expectVar, runningVar, 1e-4, 1e-5);
        }
    }

    @Test
    void evalUsesRunningStatisticsAndLeavesThemAlone() {
        Rng rng = new Rng(12);
        Tensor x = Tensor.randn(rng, 6, 4, 3, 3);
        float[] runningMean = {0.5f, -1f, 2f, 0f}, runningVar = {1f, 4f, 0.25f, 9f};
        Tensor y = Normalization.batchNorm(x, null, null, runningMean.clone(), runningVar.clone(), false, 0.1f, 0f);
        double[] expected = new double[x.numel()];
        for (int k = 0; k < expected.length; k++) {
            int ch = (k / 9) % 4;
            expected[k] = (x.data()[k] - runningMean[ch]) / Math.sqrt(runningVar[ch]);
        }
        Approx.assertClose("eval", expected, y.data(), 1e-5, 1e-5);

        float[] rm = runningMean.clone(), rv = runningVar.clone();
        Normalization.batchNorm(x, null, null, rm, rv, false, 0.1f, 0f);
        Approx.assertClose("eval keeps running mean", runningMean, rm, 0, 0);
        Approx.assertClose("eval keeps running var", runningVar, rv, 0, 0);
        // Training on the same input gives a different (batch-normalised) output: zero mean per channel.
        Tensor yTrain = Normalization.batchNorm(x, null, null, rm, rv, true, 0.1f, 0f);
        double[][] m = moments(yTrain.data(), 6, 4, 9);
        for (int ch = 0; ch < 4; ch++) {
            assertTrue(Math.abs(m[0][ch]) < 1e-5 && Math.abs(m[1][ch] - 1) < 1e-4, "train output channel " + ch + " is standardised");
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        Rng rng = new Rng(13);
        for (int[] shape : new int[][] {{3, 4, 5, 5}, {6, 5}, {2, 3, 4, 4}}) {
            int c = shape[1];
            Tensor x = Tensor.randn(rng, shape).requiresGrad(true);
            Tensor gamma = Tensor.rand(rng, c).requiresGrad(true), beta = Tensor.randn(rng, c).requiresGrad(true);
            float[] rm = new float[c], rv = new float[c];
            Arrays.fill(rv, 1f);
            GradCheck check = GradCheck.standard().withStep(1e-3).withTolerance(2e-2, 2e-2);
            check.check("batchNorm train " + Arrays.toString(shape),
                    in -> Normalization.batchNorm(in[0], in[1], in[2], null, null, true, 0.1f, 1e-5f), x, gamma, beta);
            for (int i = 0; i < c; i++) {
                rm[i] = rng.nextFloat();
                rv[i] = 0.5f + rng.nextFloat();
            }
            check.check("batchNorm eval " + Arrays.toString(shape),
                    in -> Normalization.batchNorm(in[0], in[1], in[2], rm, rv, false, 0.1f, 1e-5f), x, gamma, beta);
        }
        Tensor x = Tensor.randn(rng, 4, 3, 2, 2).requiresGrad(true);
        GradCheck.standard().withStep(1e-3).withTolerance(2e-2, 2e-2)
                .check("batchNorm without affine", in -> Normalization.batchNorm(in[0], null, null, null, null, true, 0.1f, 1e-5f), x);
    }

    @Test
    void channelAffineMatchesBroadcastArithmeticAndItsGradients() {
        Rng rng = new Rng(15);
        for (int[] shape : new int[][] {{1, 1}, {3, 17}, {5, 33}, {2, 3, 1}, {2, 5, 3, 3}, {3, 4, 5, 7}, {2, 19, 6, 6}}) {
            int c = shape[1];
            int[] perChannel = new int[shape.length];
            Arrays.fill(perChannel, 1);
            perChannel[1] = c;
            Tensor x = Tensor.randn(rng, shape).requiresGrad(true);
            Tensor scale = Tensor.randn(rng, c).requiresGrad(true), shift = Tensor.randn(rng, c).requiresGrad(true);
            Tensor expected = Arithmetic.add(Arithmetic.mul(x, scale.reshape(perChannel)), shift.reshape(perChannel));
            Approx.assertClose("channelAffine " + Arrays.toString(shape), expected.data(),
                    Normalization.channelAffine(x, scale, shift).data(), 1e-6, 1e-6);
            GradCheck check = GradCheck.standard().withStep(1e-3).withTolerance(2e-2, 2e-2);
            check.check("channelAffine " + Arrays.toString(shape),
                    in -> Normalization.channelAffine(in[0], in[1], in[2]), x, scale, shift);
            check.check("channelAffine without shift " + Arrays.toString(shape),
                    in -> Normalization.channelAffine(in[0], in[1], null), x, scale);
        }
        assertThrows(IllegalArgumentException.class,
                () -> Normalization.channelAffine(Tensor.randn(rng, 2, 3), Tensor.ones(4), null));
        assertThrows(IllegalArgumentException.class, () -> Normalization.channelAffine(Tensor.randn(rng, 5), Tensor.ones(5), null));
    }

    /**
     * The fused leaky ReLU gives the very bits of the two ops one after the other, forward and backward
     * (output, and gradients of x and the per-channel parameters), in both layouts ([N, C] and images),
     * training and eval; and passes a finite-difference check of its own.
     */
    @Test
    void theFusedLeakyReluIsTheTwoOpsBitForBit() {
        Rng rng = new Rng(16);
        for (int[] shape : new int[][] {{7, 33}, {40, 250}, {3, 5, 3, 3}, {4, 19, 6, 6}}) {
            int c = shape[1];
            for (float slope : new float[] {0f, 0.2f}) {
                Tensor x = Tensor.randn(rng, shape);
                Tensor scale = Tensor.randn(rng, c), shift = Tensor.randn(rng, c);
                Tensor dy = Tensor.randn(rng, shape);
                String what = Arrays.toString(shape) + " slope " + slope;
                assertSameForwardAndGradients("channelAffine " + what, dy, x, scale, shift,
                        in -> Activations.leakyRelu(Normalization.channelAffine(in[0], in[1], in[2]), slope),
                        in -> Normalization.channelAffine(in[0], in[1], in[2], slope));
                for (boolean training : new boolean[] {true, false}) {
                    float[] rm = new float[c], rv = new float[c];
                    for (int i = 0; i < c; i++) rv[i] = 0.5f + rng.nextFloat();
                    assertSameForwardAndGradients("batchNorm " + (training ? "train " : "eval ") + what, dy, x, scale, shift,
                            in -> Activations.leakyRelu(Normalization.batchNorm(in[0], in[1], in[2], rm.clone(), rv.clone(), training, 0.1f, 1e-5f), slope),
                            in -> Normalization.batchNorm(in[0], in[1], in[2], rm.clone(), rv.clone(), training, 0.1f, 1e-5f, slope));
                }
            }
        }
        Tensor x = Tensor.randn(rng, 3, 4, 5, 5).requiresGrad(true);
        Tensor gamma = Tensor.rand(rng, 4).requiresGrad(true), beta = Tensor.randn(rng, 4).requiresGrad(true);
        GradCheck check = GradCheck.standard().withStep(1e-3).withTolerance(2e-2, 2e-2);
        check.check("batchNorm + leaky ReLU 0.2", in -> Normalization.batchNorm(in[0], in[1], in[2], null, null, true, 0.1f, 1e-5f, 0.2f), x, gamma, beta);
        Tensor features = Tensor.randn(rng, 6, 5).requiresGrad(true);
        Tensor scale = Tensor.randn(rng, 5).requiresGrad(true), shift = Tensor.randn(rng, 5).requiresGrad(true);
        check.check("channelAffine + ReLU", in -> Normalization.channelAffine(in[0], in[1], in[2], 0f), features, scale, shift);
        assertThrows(IllegalArgumentException.class, () -> Normalization.channelAffine(Tensor.randn(rng, 2, 3), Tensor.ones(3), null, -0.1f));
        assertThrows(IllegalArgumentException.class, () -> Normalization.channelAffine(Tensor.randn(rng, 2, 3), Tensor.ones(3), null, 1.5f));
    }

    /** Runs both versions on fresh leaves with the same values and the same output gradient; all must be equal bit for bit. */
    private static void assertSameForwardAndGradients(String what, Tensor dy, Tensor x, Tensor a, Tensor b,
                                                      java.util.function.Function<Tensor[], Tensor> composed,
                                                      java.util.function.Function<Tensor[], Tensor> fused) {
        float[][] results = new float[2][];
        float[][][] grads = new float[2][3][];
        int k = 0;
        for (java.util.function.Function<Tensor[], Tensor> f : List.of(composed, fused)) {
            Tensor[] in = {x.copy().requiresGrad(true), a.copy().requiresGrad(true), b.copy().requiresGrad(true)};
            Tensor y = f.apply(in);
            results[k] = y.data().clone();
            y.backward(dy);
            for (int i = 0; i < 3; i++) grads[k][i] = in[i].gradData().clone();
            k++;
        }
        assertTrue(Arrays.equals(results[0], results[1]), what + ": outputs differ");
        String[] names = {"x", "scale", "shift"};
        for (int i = 0; i < 3; i++) assertTrue(Arrays.equals(grads[0][i], grads[1][i]), what + ": gradients of " + names[i] + " differ");
    }

    @Test
    void badArgumentsAreRejected() {
        Rng rng = new Rng(14);
        Tensor x = Tensor.randn(rng, 4, 3, 2, 2);
        assertThrows(IllegalArgumentException.class, () -> Normalization.batchNorm(x, Tensor.ones(4), null, null, null, true, 0.1f, 1e-5f));
        assertThrows(IllegalArgumentException.class, () -> Normalization.batchNorm(x, null, null, new float[2], new float[3], true, 0.1f, 1e-5f));
        assertThrows(IllegalArgumentException.class, () -> Normalization.batchNorm(x, null, null, null, null, false, 0.1f, 1e-5f));
        assertThrows(IllegalArgumentException.class, () -> Normalization.batchNorm(Tensor.randn(rng, 1, 3), null, null, null, null, true, 0.1f, 1e-5f));
        assertThrows(IllegalArgumentException.class, () -> Normalization.batchNorm(Tensor.randn(rng, 5), null, null, null, null, true, 0.1f, 1e-5f));
    }
}
