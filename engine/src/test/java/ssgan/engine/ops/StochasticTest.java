package ssgan.engine.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;
import ssgan.engine.testing.GradCheck;

class StochasticTest {
    @Test
    void dropoutIsTheIdentityInEvaluation() {
        Tensor x = Tensor.randn(new Rng(1), 100);
        assertSame(x, Stochastic.dropout(x, 0.5f, false, new Rng(2)));
        assertSame(x, Stochastic.dropout(x, 0f, true, new Rng(2)));
        assertThrows(IllegalArgumentException.class, () -> Stochastic.dropout(x, 1.5f, true, new Rng(2)));
    }

    @Test
    void dropoutDropsAboutPAndScalesSurvivorsSoTheMeanIsKept() {
        int n = 50_000;
        float p = 0.3f;
        Tensor x = Tensor.ones(n).requiresGrad(true);
        Tensor y = Stochastic.dropout(x, p, true, new Rng(7));
        int zeros = 0;
        double sum = 0;
        for (float v : y.data()) {
            if (v == 0f) zeros++;
            else assertEquals(1f / (1f - p), v, 1e-6f);
            sum += v;
        }
        // binomial std of the dropped fraction: sqrt(p(1-p)/n) ≈ 0.002; allow 5 sigma
        assertEquals(p, zeros / (double) n, 0.01);
        assertEquals(1.0, sum / n, 0.015);
        float[] values = y.data().clone();  // backward frees y
        Reductions.sum(y).backward();
        assertArrayEquals(values, x.gradData(), "the gradient is the same mask");
        assertArrayEquals(values, Stochastic.dropout(Tensor.ones(n), p, true, new Rng(7)).data(), "same seed, same mask");
    }

    @Test
    void gaussianNoiseIsTheInputPlusTheSamplesOfFillGaussianBitForBit() {
        for (int n : new int[] {1, 3, 17, 33, 40_000, 100_003}) {
            Tensor x = TestTensors.uniform(new Rng(n), -2, 2, n);
            float[] noise = new float[n];
            new Rng(8).fillGaussian(noise, 0, n, 0f, 0.3f);
            float[] y = Stochastic.gaussianNoise(x, 0.3f, true, new Rng(8)).data();
            for (int i = 0; i < n; i++) assertEquals(x.data()[i] + noise[i], y[i], "element " + i + " of " + n);
        }
    }

    @Test
    void gaussianNoiseIsTheIdentityInEvaluationAndHasTheRightSpreadInTraining() {
        Tensor x = Tensor.full(3f, 40_000).requiresGrad(true);
        assertSame(x, Stochastic.gaussianNoise(x, 0.5f, false, new Rng(3)));
        Tensor y = Stochastic.gaussianNoise(x, 0.5f, true, new Rng(3));
        double mean = 0;
        double sq = 0;
        for (float v : y.data()) {
            mean += v - 3f;
            sq += (v - 3f) * (v - 3f);
        }
        mean /= y.numel();
        double std = Math.sqrt(sq / y.numel() - mean * mean);
        assertEquals(0, mean, 0.01);
        assertEquals(0.5, std, 0.01);
        Reductions.sum(y).backward();
        for (float g : x.gradData()) assertEquals(1f, g);
    }

    /** A fresh generator with the same seed on every call makes the op deterministic, so it can be differentiated numerically. */
    @Test
    void gradientsMatchFiniteDifferencesForAFixedDraw() {
        Tensor x = TestTensors.uniform(new Rng(4), -1, 1, 3, 17);
        GradCheck.standard().check("dropout", in -> Stochastic.dropout(in[0], 0.4f, true, new Rng(9)), x);
        GradCheck.standard().check("gaussianNoise", in -> Stochastic.gaussianNoise(in[0], 0.3f, true, new Rng(9)), x);
    }
}
