package ssgan.nn.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;
import ssgan.engine.testing.Approx;
import ssgan.engine.testing.GradCheck;

class LossTest {
    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    @Test
    void binaryCrossEntropyMatchesTheDefinitionAndItsGradient() {
        Rng rng = new Rng(1);
        Tensor x = Tensor.randn(rng, 4, 3).requiresGrad(true);
        Tensor t = Tensor.rand(rng, 4, 3);
        double expected = 0;
        for (int i = 0; i < 12; i++) {
            double p = sigmoid(x.data()[i]);
            expected -= t.data()[i] * Math.log(p) + (1 - t.data()[i]) * Math.log(1 - p);
        }
        Tensor loss = BinaryCrossEntropy.fromLogits(x, t);
        assertEquals(expected / 12, loss.item(), 1e-6);
        loss.backward();
        double[] grad = new double[12];
        for (int i = 0; i < 12; i++) grad[i] = (sigmoid(x.data()[i]) - t.data()[i]) / 12;
        Approx.assertClose("d BCE / dx = (sigmoid − t)/N", grad, x.gradData(), 1e-5, 1e-7);
    }

    @Test
    void binaryCrossEntropyIsFiniteForHugeLogits() {
        // log(sigmoid(−100)) underflows in float; the softplus form gives the exact 100.
        Tensor x = Tensor.of(new float[] {100, -100}, 2);
        assertEquals(100, BinaryCrossEntropy.fromLogits(x, Tensor.of(new float[] {0, 1}, 2)).item(), 1e-4);
        assertEquals(50, BinaryCrossEntropy.fromLogits(x, 1f).item(), 1e-4);
        assertEquals(50, BinaryCrossEntropy.fromLogits(x, 0f).item(), 1e-4);
    }

    @Test
    void constantTargetEqualsTensorTarget() {
        Tensor x = Tensor.randn(new Rng(2), 10);
        for (float target : new float[] {0f, 1f, 0.9f}) {
            assertEquals(BinaryCrossEntropy.fromLogits(x, Tensor.full(target, 10)).item(), BinaryCrossEntropy.fromLogits(x, target).item(), 1e-6);
        }
        assertThrows(IllegalArgumentException.class, () -> BinaryCrossEntropy.fromLogits(x, Tensor.zeros(9)));
    }

    @Test
    void binaryCrossEntropyGradientCheck() {
        Tensor x = Tensor.randn(new Rng(3), 3, 2).requiresGrad(true);
        Tensor t = Tensor.rand(new Rng(4), 3, 2);
        GradCheck.standard().check("bce", in -> BinaryCrossEntropy.fromLogits(in[0], t), x);
        GradCheck.standard().check("bce const", in -> BinaryCrossEntropy.fromLogits(in[0], 1f), x);
    }

    @Test
    void crossEntropyWithLabelSmoothingByHand() {
        Tensor logits = Tensor.of(new float[] {1, 2, 3, 0, 0, 0}, 2, 3);
        int[] labels = {2, 0};
        double lse0 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)), lse1 = Math.log(3);
        double plain = ((lse0 - 3) + (lse1 - 0)) / 2;
        assertEquals(plain, CrossEntropy.fromLogits(logits, labels).item(), 1e-6);
        // ε = 0.3: target = 0.7·onehot + 0.1 everywhere
        double smooth = ((lse0 - (0.7 * 3 + 0.1 * 6)) + (lse1 - 0)) / 2;
        assertEquals(smooth, CrossEntropy.fromLogits(logits, labels, 0.3f).item(), 1e-6);
    }

    @Test
    void meanSquaredError() {
        Tensor a = Tensor.of(new float[] {1, 2, 3}, 3);
        Tensor b = Tensor.of(new float[] {1, 0, 6}, 3);
        assertEquals((0 + 4 + 9) / 3.0, MeanSquaredError.of(a, b).item(), 1e-6);
    }

    @Test
    void l2PenaltyIsHalfLambdaSumOfSquaresWithGradientLambdaP() {
        Tensor w = Tensor.of(new float[] {1, -2, 3}, 3).requiresGrad(true);
        Tensor b = Tensor.of(new float[] {4}, 1).requiresGrad(true);
        Tensor loss = L2Penalty.of(0.1f, List.of(w, b));
        assertEquals(0.5 * 0.1 * (1 + 4 + 9 + 16), loss.item(), 1e-6);
        loss.backward();
        assertArrayEquals(new float[] {0.1f, -0.2f, 0.3f}, w.gradData(), 1e-6f);
        assertArrayEquals(new float[] {0.4f}, b.gradData(), 1e-6f);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> L2Penalty.of(1f, List.of())).getMessage().contains("no parameters"));
    }
}
