package ssgan.engine.ops;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static ssgan.engine.ops.TestTensors.awayFromZero;
import static ssgan.engine.ops.TestTensors.uniform;
import static ssgan.engine.testing.Approx.assertClose;

import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;
import ssgan.engine.testing.GradCheck;

/** The element-wise ops of {@link Pointwise} and {@link Activations}: values and finite-difference gradients. */
class PointwiseAndActivationsTest {
    private final Rng rng = new Rng(3);
    private static final int[][] SHAPES = {{1}, {3}, {17}, {2, 33}, {65}};

    private void check(String name, UnaryOperator<Tensor> op, DoubleUnaryOperator reference, Tensor x) {
        Tensor y = op.apply(x);
        double[] want = new double[x.numel()];
        for (int i = 0; i < want.length; i++) want[i] = reference.applyAsDouble(x.data()[i]);
        assertClose(name, want, y.data(), 1e-6, 1e-7);
        GradCheck.standard().check(name, in -> op.apply(in[0]), x);
    }

    @Tag("exercise-pow-backward")
    @Test
    void pointwiseOpsMatchReferenceAndFiniteDifferences() {
        for (int[] s : SHAPES) {
            check("exp", Pointwise::exp, Math::exp, uniform(rng, -3, 3, s));
            check("log", Pointwise::log, Math::log, uniform(rng, 0.5f, 5, s));
            check("sqrt", Pointwise::sqrt, Math::sqrt, uniform(rng, 0.5f, 5, s));
            check("abs", Pointwise::abs, Math::abs, awayFromZero(rng, s));
            check("pow 3", a -> Pointwise.pow(a, 3f), x -> x * x * x, uniform(rng, -2, 2, s));
            check("pow 0.5", a -> Pointwise.pow(a, 0.5f), Math::sqrt, uniform(rng, 0.5f, 4, s));
            // keep inputs away from the clamp bounds, where the function has a kink
            Tensor x = awayFromZero(rng, s);
            for (int i = 0; i < x.numel(); i++) if (Math.abs(Math.abs(x.data()[i]) - 1f) < 0.1f) x.data()[i] *= 1.3f;
            check("clamp", a -> Pointwise.clamp(a, -1f, 1f), v -> Math.max(-1, Math.min(1, v)), x);
        }
    }

    @Test
    void activationsMatchReferenceAndFiniteDifferences() {
        for (int[] s : SHAPES) {
            check("relu", Activations::relu, v -> Math.max(v, 0), awayFromZero(rng, s));
            check("leakyRelu", a -> Activations.leakyRelu(a, 0.2f), v -> v > 0 ? v : 0.2 * v, awayFromZero(rng, s));
            check("tanh", Activations::tanh, Math::tanh, uniform(rng, -3, 3, s));
            check("sigmoid", Activations::sigmoid, v -> 1 / (1 + Math.exp(-v)), uniform(rng, -5, 5, s));
            check("softplus", Activations::softplus, v -> Math.log1p(Math.exp(v)), uniform(rng, -5, 5, s));
        }
    }

    @Test
    void gradientsAddUpWhenAnActivationsInputIsUsedTwice() {
        // The second use finds x's gradient already there: the backward must add to it, not overwrite it.
        Tensor x = awayFromZero(rng, new int[] {3, 17});
        GradCheck.standard().check("leakyRelu(x) + 3x",
                in -> Arithmetic.add(Activations.leakyRelu(in[0], 0.2f), Arithmetic.mulScalar(in[0], 3f)), x);
        GradCheck.standard().check("3x + relu(x)",
                in -> Arithmetic.add(Arithmetic.mulScalar(in[0], 3f), Activations.relu(in[0])), x);
    }

    @Test
    void softplusIsFiniteAndExactForLargeMagnitudes() {
        Tensor x = Tensor.of(new float[] {100, -100, 1e4f, -1e4f, 88.8f}, 5).requiresGrad(true);
        Tensor y = Activations.softplus(x);
        assertClose("softplus", new double[] {100, Math.exp(-100), 1e4, 0, 88.8}, y.data(), 1e-6, 1e-43);
        Reductions.sum(y).backward();
        assertClose("softplus' = sigmoid", new double[] {1, Math.exp(-100), 1, 0, 1}, x.gradData(), 1e-6, 1e-43);
        for (float v : Activations.sigmoid(x).data()) assertTrue(Float.isFinite(v));
    }

    @Test
    void reluGradientIsZeroAtZeroLikePyTorch() {
        Tensor x = Tensor.of(new float[] {0, 1, -1}, 3).requiresGrad(true);
        Reductions.sum(Activations.relu(x)).backward();
        assertClose("relu'", new double[] {0, 1, 0}, x.gradData(), 0, 0);
    }

    @Test
    void clampRejectsInvertedBounds() {
        var e = assertThrows(IllegalArgumentException.class, () -> Pointwise.clamp(Tensor.zeros(2), 1f, 0f));
        assertTrue(e.getMessage().contains("clamp"), e.getMessage());
    }
}
