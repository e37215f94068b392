package ssgan.engine.ops;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static ssgan.engine.ops.TestTensors.uniform;
import static ssgan.engine.testing.Approx.assertClose;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;
import ssgan.engine.testing.GradCheck;

class LossesTest {
    private final Rng rng = new Rng(31);

    /**
     * Logits [[1,2,3],[1,1,1]], labels [2,0]. Row 1: lse = log(e+e²+e³) = 3.4076059644; row 2: lse = log 3.
     * Without smoothing: ((3.4076059644 − 3) + log 3) / 2 = 0.7531091266.
     * With ε = 0.1 (target = 0.9·onehot + 0.1/3): row 1 = 0.9·0.4076059644 + (0.1/3)·(2.4076…+1.4076…+0.4076…)
     * = 0.5076059644, row 2 = log 3 (every target·(lse − x) sums to lse − 1 = log 3); mean 0.8031091266.
     */
    @Test
    void crossEntropyMatchesHandComputedValuesWithAndWithoutLabelSmoothing() {
        Tensor logits = Tensor.of(new float[] {1, 2, 3, 1, 1, 1}, 2, 3);
        int[] labels = {2, 0};
        assertClose("plain", new double[] {0.7531091266}, Losses.crossEntropy(logits, labels, 0f).data(), 1e-6, 0);
        assertClose("smoothed", new double[] {0.8031091266}, Losses.crossEntropy(logits, labels, 0.1f).data(), 1e-6, 0);
    }

    @Tag("exercise-cross-entropy-backward")
    @Test
    void crossEntropyGradientAndLargeLogits() {
        int[] labels = {0, 4, 2, 2, 1, 3, 4};
        Tensor logits = uniform(rng, -3, 3, 7, 5);
        GradCheck.standard().check("crossEntropy", in -> Losses.crossEntropy(in[0], labels, 0f), logits);
        GradCheck.standard().check("crossEntropy smoothed", in -> Losses.crossEntropy(in[0], labels, 0.2f), logits);
        Tensor big = Tensor.of(new float[] {1e4f, 0, -1e4f, 0}, 2, 2).requiresGrad(true);
        Tensor loss = Losses.crossEntropy(big, new int[] {1, 0}, 0f);
        assertClose("large logits", new double[] {(1e4 + 1e4) / 2}, loss.data(), 1e-6, 0);
        loss.backward();
        for (float g : big.gradData()) assertTrue(Float.isFinite(g));
    }

    @Test
    void crossEntropyValidatesLabels() {
        Tensor logits = Tensor.zeros(2, 3);
        var e = assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(logits, new int[] {0, 3}, 0f));
        assertTrue(e.getMessage().contains("label 3") && e.getMessage().contains("3 classes"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(logits, new int[] {-1, 0}, 0f));
        var e2 = assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(logits, new int[] {0}, 0f));
        assertTrue(e2.getMessage().contains("[2, 3]"), e2.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(Tensor.zeros(6), new int[6], 0f));
    }

    @Test
    void mseIsTheMeanSquaredDifference() {
        Tensor a = uniform(rng, -2, 2, 3, 17);
        Tensor b = uniform(rng, -2, 2, 3, 17);
        double s = 0;
        for (int i = 0; i < a.numel(); i++) s += Math.pow(a.data()[i] - b.data()[i], 2);
        assertClose("mse", new double[] {s / a.numel()}, Losses.mse(a, b).data(), 1e-6, 0);
        GradCheck.standard().check("mse", in -> Losses.mse(in[0], in[1]), a, b);
        var e = assertThrows(IllegalArgumentException.class, () -> Losses.mse(Tensor.zeros(2, 3), Tensor.zeros(3, 2)));
        assertTrue(e.getMessage().contains("mse") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[3, 2]"), e.getMessage());
    }
}
