package ssgan.engine.testing;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.Function;
import ssgan.engine.autograd.GradMode;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;

/**
 * Finite-difference gradient check. The scalar checked is {@code L = Σ r ⊙ f(inputs)} with fixed random
 * weights r, so every output element's gradient path is exercised. Analytic gradients come from
 * {@code backward}; numeric ones from central differences {@code (L(x+h) − L(x−h)) / 2h}, with L summed
 * in double.
 */
public final class GradCheck {
    private final double step;
    private final double rtol;
    private final double atol;
    private final int maxElementsPerInput;

    private GradCheck(double step, double rtol, double atol, int maxElementsPerInput) {
        this.step = step;
        this.rtol = rtol;
        this.atol = atol;
        this.maxElementsPerInput = maxElementsPerInput;
    }

    /** Defaults suited to float32 forward passes of smooth ops: h = 1e-2, tolerance 1e-2 relative and absolute. */
    public static GradCheck standard() {
        return new GradCheck(1e-2, 1e-2, 1e-2, 400);
    }

    public GradCheck withStep(double h) {
        return new GradCheck(h, rtol, atol, maxElementsPerInput);
    }

    public GradCheck withTolerance(double rtol, double atol) {
        return new GradCheck(step, rtol, atol, maxElementsPerInput);
    }

    /**
     * Checks the gradient of {@code f} with respect to every input that requires a gradient. Inputs that
     * should not be differentiated (indices, masks) simply do not call {@code requiresGrad(true)}.
     */
    public void check(String name, Function<Tensor[], Tensor> f, Tensor... inputs) {
        for (Tensor in : inputs) in.clearGrad();
        Tensor out = f.apply(inputs);
        Rng rng = new Rng(12345);
        float[] weights = new float[out.numel()];
        rng.fillUniform(weights, 0, weights.length, -1f, 1f);
        out.backward(Tensor.wrap(weights, out.shape()));

        for (int i = 0; i < inputs.length; i++) {
            Tensor in = inputs[i];
            if (!in.requiresGrad()) continue;
            float[] analytic = in.gradData();
            assertNotNull(analytic, name + ": input " + i + " received no gradient");
            float[] x = in.data();
            int stride = Math.max(1, x.length / maxElementsPerInput);
            for (int j = 0; j < x.length; j += stride) {
                float saved = x[j];
                x[j] = (float) (saved + step);
                double plus = weightedSum(f, inputs, weights);
                x[j] = (float) (saved - step);
                double minus = weightedSum(f, inputs, weights);
                x[j] = saved;
                double h2 = (double) (float) (saved + step) - (double) (float) (saved - step);
                double numeric = (plus - minus) / h2;
                double diff = Math.abs(numeric - analytic[j]);
                if (diff > atol + rtol * Math.abs(numeric)) {
                    fail(String.format("%s: d/d input%d[%d]: analytic %.6g, numeric %.6g (|diff| %.3g)",
                            name, i, j, analytic[j], numeric, diff));
                }
            }
        }
    }

    private static double weightedSum(Function<Tensor[], Tensor> f, Tensor[] inputs, float[] weights) {
        try (var scope = GradMode.noGrad()) {
            float[] y = f.apply(inputs).data();
            double s = 0;
            for (int k = 0; k < y.length; k++) s += (double) weights[k] * y[k];
            return s;
        }
    }
}
