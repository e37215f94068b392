package ssgan.engine.ops;

import static ssgan.engine.testing.Approx.assertClose;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import ssgan.engine.tensor.Tensor;

/**
 * The gradient of {@link Losses#crossEntropy} to float precision: (softmax(x) − target)·g/N with
 * target = (1−ε)·onehot(label) + ε/K. A finite-difference check at the usual tolerance of 10⁻² cannot see
 * an error of ε/(K·N) per logit, such as a forgotten ε/K.
 */
@Tag("exercise-cross-entropy-backward")
class CrossEntropyGradientTest {
    private static final float[] LOGITS = {1, 2, 3, 0.5f, -1, 2, 0, 0, 0, 4, -2, 1};
    private static final int[] LABELS = {2, 0, 1, 1};
    private static final int N = 4, K = 3;

    /** (softmax − target)·upstream/N, in double. */
    private static double[] expected(float smoothing, double upstream) {
        double[] grad = new double[N * K];
        for (int i = 0; i < N; i++) {
            double m = Double.NEGATIVE_INFINITY, s = 0;
            for (int k = 0; k < K; k++) m = Math.max(m, LOGITS[i * K + k]);
            for (int k = 0; k < K; k++) s += Math.exp(LOGITS[i * K + k] - m);
            for (int k = 0; k < K; k++) {
                double p = Math.exp(LOGITS[i * K + k] - m) / s;
                double target = (k == LABELS[i] ? 1 - smoothing : 0) + smoothing / K;
                grad[i * K + k] = (p - target) * upstream / N;
            }
        }
        return grad;
    }

    @Test
    void theGradientIsSoftmaxMinusTheTargetOverN() {
        for (float smoothing : new float[] {0f, 0.2f}) {
            Tensor logits = Tensor.of(LOGITS, N, K).requiresGrad(true);
            Arithmetic.mulScalar(Losses.crossEntropy(logits, LABELS, smoothing), 1.5f).backward();   // an upstream gradient of 1.5
            assertClose("label smoothing " + smoothing, expected(smoothing, 1.5), logits.gradData(), 1e-5, 1e-7);
        }
    }

    @Test
    void logitsUsedTwiceGetBothGradients() {
        Tensor logits = Tensor.of(LOGITS, N, K).requiresGrad(true);
        Arithmetic.add(Losses.crossEntropy(logits, LABELS, 0.1f), Losses.crossEntropy(logits, LABELS, 0.1f)).backward();
        assertClose("twice", expected(0.1f, 2), logits.gradData(), 1e-5, 1e-7);
    }
}
