package ssgan.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;
import ssgan.engine.testing.Approx;
import ssgan.engine.testing.GradCheck;

class BatchNormTest {
    /** Per-channel mean and biased variance of [N, C, (H·W)] data, in double. */
    private static double[][] channelStats(Tensor x) {
        int n = x.size(0), c = x.size(1), inner = x.numel() / (n * c);
        double[] mean = new double[c], var = new double[c];
        for (int ch = 0; ch < c; ch++) {
            double s = 0;
            for (int i = 0; i < n; i++) for (int j = 0; j < inner; j++) s += x.data()[(i * c + ch) * inner + j];
            mean[ch] = s / (n * inner);
            double q = 0;
            for (int i = 0; i < n; i++) for (int j = 0; j < inner; j++) {
                double d = x.data()[(i * c + ch) * inner + j] - mean[ch];
                q += d * d;
            }
            var[ch] = q / (n * inner);
        }
        return new double[][] {mean, var};
    }

    @Test
    void namesAndInitialValuesFollowPyTorch() {
        BatchNorm2d bn = new BatchNorm2d(3);
        assertEquals(List.of("weight", "bias", "running_mean", "running_var", "num_batches_tracked"), List.copyOf(bn.stateDict().keySet()));
        assertEquals(List.of("weight", "bias"), List.copyOf(bn.namedParameters().keySet()));
        assertArrayEquals(new float[] {1, 1, 1}, bn.weight().data());
        assertArrayEquals(new float[] {1, 1, 1}, bn.runningVar().data());
        assertEquals(0, bn.numBatchesTracked().dim());
    }

    @Test
    void trainingNormalisesWithBatchStatisticsAndUpdatesRunningOnes() {
        Rng rng = new Rng(1);
        Tensor x = Tensor.randn(rng, 4, 3, 5, 5);
        for (int i = 0; i < x.numel(); i++) x.data()[i] = 3 * x.data()[i] + 2; // mean ≈ 2, var ≈ 9
        BatchNorm2d bn = new BatchNorm2d(3);
        bn.weight().data()[1] = 2f;
        bn.bias().data()[1] = -1f;
        Tensor y = bn.forward(x);
        double[][] in = channelStats(x), out = channelStats(y);
        assertArrayEquals(new double[] {0, -1, 0}, out[0], 1e-5);
        assertArrayEquals(new double[] {1, 4, 1}, out[1], 1e-3);
        int count = 4 * 25;
        for (int ch = 0; ch < 3; ch++) {
            assertEquals(0.1 * in[0][ch], bn.runningMean().data()[ch], 1e-5);
            assertEquals(0.9 + 0.1 * in[1][ch] * count / (count - 1), bn.runningVar().data()[ch], 1e-4, "unbiased variance in the running estimate");
        }
        assertEquals(1f, bn.numBatchesTracked().item());
        bn.forward(x);
        assertEquals(2f, bn.numBatchesTracked().item());
    }

    @Test
    void evalNormalisesWithRunningStatisticsAndLeavesThemAlone() {
        Rng rng = new Rng(2);
        BatchNorm1d bn = new BatchNorm1d(2);
        bn.runningMean().data()[0] = 1f;
        bn.runningVar().data()[1] = 4f;
        bn.weight().data()[0] = 3f;
        bn.bias().data()[1] = 0.5f;
        bn.eval();
        Tensor x = Tensor.randn(rng, 5, 2);
        Tensor y = bn.forward(x);
        double[] expected = new double[10];
        for (int i = 0; i < 5; i++) {
            expected[2 * i] = 3 * (x.get(i, 0) - 1) / Math.sqrt(1 + 1e-5);
            expected[2 * i + 1] = (x.get(i, 1) - 0) / Math.sqrt(4 + 1e-5) + 0.5;
        }
        Approx.assertClose("eval batch norm", expected, y.data(), 1e-5, 1e-6);
        assertArrayEquals(new float[] {1, 0}, bn.runningMean().data());
        assertEquals(0f, bn.numBatchesTracked().item());
    }

    @Test
    void withoutRunningStatisticsBothModesUseTheBatch() {
        BatchNorm1d bn = new BatchNorm1d(3, 1e-5f, 0.1f, false, false);
        assertEquals(0, bn.stateDict().size());
        bn.eval();
        Tensor x = Tensor.randn(new Rng(3), 8, 3, 4);
        double[][] out = channelStats(bn.forward(x));
        assertArrayEquals(new double[] {1, 1, 1}, out[1], 1e-3);
    }

    @Test
    void gradientCheckInTrainingMode() {
        BatchNorm1d bn = new BatchNorm1d(3);
        Rng rng = new Rng(4);
        randomiseAffine(bn, rng);
        Tensor x = Tensor.randn(rng, 6, 3).requiresGrad(true);
        GradCheck.standard().check("BatchNorm1d", in -> bn.forward(in[0]), x, bn.weight(), bn.bias());
    }

    private static void randomiseAffine(BatchNorm bn, Rng rng) {
        rng.fillGaussian(bn.weight().data(), 0, bn.weight().numel(), 1f, 0.3f);
        rng.fillGaussian(bn.bias().data(), 0, bn.bias().numel(), 0f, 0.3f);
    }

    @Test
    void rejectsWrongRank() {
        assertThrows(IllegalArgumentException.class, () -> new BatchNorm2d(3).forward(Tensor.zeros(4, 3)));
        assertThrows(IllegalArgumentException.class, () -> new BatchNorm1d(3).forward(Tensor.zeros(4, 3, 2, 2)));
    }

    @Test
    void reestimatedStatisticsAreThePlainAverageOfTheBatchesInEveryBatchNorm() {
        Rng rng = new Rng(7);
        // Dropout that would zero everything if it were on: the estimate is made as the model will be evaluated.
        Sequential model = new Sequential(new BatchNorm2d(3), new LeakyReLU(0.2f), new Dropout(0.999f, new Rng(3)), new BatchNorm2d(3));
        model.eval();
        model.namedModules().get("1").train();   // a mixed state, to be given back as it was
        List<Tensor> batches = new java.util.ArrayList<>();
        for (int k = 0; k < 5; k++) {
            Tensor x = Tensor.randn(rng, 6, 3, 4, 5);
            for (int i = 0; i < x.numel(); i++) x.data()[i] = (k + 1) * x.data()[i] + k;   // each batch its own statistics
            batches.add(x);
        }
        // The second norm's inputs, as the model computes them in training mode, for the reference.
        BatchNorm2d first = (BatchNorm2d) model.namedModules().get("0"), second = (BatchNorm2d) model.namedModules().get("3");
        BatchNorm.reestimateStatistics(model, batches, model::forward);

        int count = 6 * 20;
        double[] mean = new double[3], var = new double[3];
        for (Tensor x : batches) {
            double[][] stats = channelStats(x);
            for (int ch = 0; ch < 3; ch++) {
                mean[ch] += stats[0][ch] / batches.size();
                var[ch] += stats[1][ch] * count / (count - 1) / batches.size();
            }
        }
        for (int ch = 0; ch < 3; ch++) {
            assertEquals(mean[ch], first.runningMean().data()[ch], 1e-4, "running mean, channel " + ch);
            assertEquals(var[ch], first.runningVar().data()[ch], 1e-3 * var[ch], "running variance, channel " + ch);
        }
        // The second norm sees normalised, leaky-rectified inputs: mean of a rectified N(0,1) mix, clearly not the start's 0.
        for (int ch = 0; ch < 3; ch++) assertEquals(0.3, second.runningMean().data()[ch], 0.15);
        assertEquals(false, model.isTraining(), "the model's mode is restored");

        // The momentum is restored too: one more training batch moves the estimate by a tenth.
        assertEquals(false, second.isTraining(), "the batch norms' modes too");
        assertEquals(true, model.namedModules().get("1").isTraining(), "and a module left in training mode stays so");
        model.train();
        Tensor x = batches.get(0);
        float before = first.runningMean().data()[0];
        first.forward(x);
        assertEquals(0.9 * before + 0.1 * channelStats(x)[0][0], first.runningMean().data()[0], 1e-4);
    }
}
