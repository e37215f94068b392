package ssgan.examples;

import static ssgan.engine.ops.Arithmetic.mul;
import static ssgan.engine.ops.Arithmetic.mulScalar;
import static ssgan.engine.ops.Arithmetic.sub;
import static ssgan.engine.ops.Reductions.sum;

import java.io.PrintStream;
import java.util.Map;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.optim.Adam;

/**
 * Lesson 10: Adam, step by step, by hand and with {@link Adam}.
 *
 * <p>Adam keeps two running averages per parameter, of the gradient g and of its square:
 * <pre>
 *   m ← β₁·m + (1 − β₁)·g           v ← β₂·v + (1 − β₂)·g²           (both start at 0)
 *   m̂ = m / (1 − β₁ᵗ)               v̂ = v / (1 − β₂ᵗ)                (bias correction, t = 1, 2, ...)
 *   p ← p − lr · m̂ / (√v̂ + ε)
 * </pre>
 * m̂/√v̂ is a gradient divided by its own typical size, so every parameter moves by about lr per step
 * whatever the scale of its gradient: that is what makes one learning rate serve layers whose gradients
 * differ by orders of magnitude.
 *
 * <p><b>Why bias correction.</b> m and v start at zero, so early on they are averages of a few gradients
 * and many zeros: too small, by exactly the factor (1 − βᵗ) (the weights given to the real gradients sum
 * to that). Dividing by it undoes the shrinkage. At t = 1 it gives m̂ = g and v̂ = g², and the first step is
 * lr·g/|g| = lr·sign(g): exactly lr for every parameter, which the lesson prints. Without the correction
 * the first step would be lr·(1 − β₁)/√(1 − β₂) ≈ 3.2·lr with the usual betas, and the ratio between the
 * two would drift for thousands of steps (β₂ = 0.999 forgets slowly).
 *
 * <p><b>Where ε goes.</b> PyTorch adds ε outside the root, {@code √v̂ + ε} ({@link Adam.Epsilon#OUTSIDE_SQRT}).
 * The improved-GAN paper's code, which the SSGAN trainer follows, adds it inside, {@code √(v̂ + ε)}
 * ({@link Adam.Epsilon#INSIDE_SQRT}); with ε = 1e-8 that caps the step where v̂ ≈ 0 at lr·m̂/1e-4 instead
 * of lr·m̂/1e-8. The lesson runs both against the hand computation, and gives parameter 0 a gradient of
 * about 1e-6 to show the difference: outside the root it still moves by about lr, inside by about lr/100.
 *
 * <p>The loss is L = ½·Σ(p − target)², so g = p − target; autograd computes it for the optimiser, and
 * the hand version computes it from its own copy of p. The engine works in float, the hand version in
 * double, so they agree to float rounding, a few 1e-7 here, and the lesson prints the largest difference
 * after each step.
 */
public final class Lesson10AdamStep {
    private Lesson10AdamStep() {}

    /**
     * The largest |engine − hand| over the parameters after each step; the first step's displacement as
     * a multiple of lr (hand version, largest deviation from 1, parameter 0 left out); and how far the
     * uncorrected first step would land from the corrected one.
     */
    public record Result(double[] maxDifferencePerStep, double firstStepDeviationFromLr, double uncorrectedFirstStepDifference) {}

    public static Result run(PrintStream out, int n, int steps, float lr, Adam.Epsilon placement, long seed) {
        float beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;
        out.printf("Lesson 10: %d Adam steps on %d parameters, lr %s, betas (%s, %s), ε %s %s%n",
                steps, n, lr, beta1, beta2, eps, placement == Adam.Epsilon.OUTSIDE_SQRT ? "outside the root (PyTorch)" : "inside the root (improved-GAN code)");
        Rng rng = new Rng(seed);
        Tensor p = Tensor.randn(rng, n).requiresGrad(true);
        Tensor target = Tensor.randn(rng, n);
        // Parameter 0 gets a tiny gradient (about 1e-6, so v̂ ≈ 1e-12 < ε): the one place where ε matters.
        target.data()[0] = p.data()[0] - 1e-6f;
        Adam adam = new Adam(Map.of("p", p), Adam.Options.defaults().withLr(lr).withBetas(beta1, beta2).withEps(eps, placement));

        // The hand version's own state, in double.
        double[] hp = new double[n], m = new double[n], v = new double[n];
        for (int i = 0; i < n; i++) hp[i] = p.data()[i];
        double[] start = hp.clone();

        double[] maxDiff = new double[steps];
        double firstStepDeviation = 0, uncorrectedDifference = 0;
        for (int t = 1; t <= steps; t++) {
            // The engine: gradient by autograd, update by the optimiser.
            adam.zeroGrad();
            Tensor d = sub(p, target);
            mulScalar(sum(mul(d, d)), 0.5f).backward();
            adam.step();

            // By hand.
            double bc1 = 1 - Math.pow(beta1, t), bc2 = 1 - Math.pow(beta2, t);
            for (int i = 0; i < n; i++) {
                double g = hp[i] - target.data()[i];
                m[i] = beta1 * m[i] + (1 - beta1) * g;
                v[i] = beta2 * v[i] + (1 - beta2) * g * g;
                double mHat = m[i] / bc1, vHat = v[i] / bc2;
                double denominator = placement == Adam.Epsilon.OUTSIDE_SQRT ? Math.sqrt(vHat) + eps : Math.sqrt(vHat + eps);
                if (t == 1) {
                    // Without bias correction: m = (1−β₁)g, v = (1−β₂)g², used as they are.
                    double uncorrected = start[i] - lr * m[i] / (Math.sqrt(v[i]) + eps);
                    double corrected = start[i] - lr * mHat / denominator;
                    uncorrectedDifference = Math.max(uncorrectedDifference, Math.abs(uncorrected - corrected));
                }
                hp[i] -= lr * mHat / denominator;
            }
            double worst = 0;
            for (int i = 0; i < n; i++) worst = Math.max(worst, Math.abs(p.data()[i] - hp[i]));
            maxDiff[t - 1] = worst;
            if (t == 1) {
                for (int i = 1; i < n; i++) firstStepDeviation = Math.max(firstStepDeviation, Math.abs(Math.abs(hp[i] - start[i]) / lr - 1));
                out.println("  step 1, where m̂ = g and v̂ = g², so every parameter moves by lr (but parameter 0, whose g² is below ε):");
                out.println("        i        p₀          g     p₁ engine    p₁ by hand   |p₁ − p₀| / lr");
                for (int i = 0; i < Math.min(n, 4); i++) {
                    out.printf("    %5d %9.5f %10.3g %12.7f %13.7f %14.6f%n", i, start[i], start[i] - target.data()[i],
                            p.data()[i], hp[i], Math.abs(hp[i] - start[i]) / lr);
                }
            }
            out.printf("  after step %d: largest |engine − by hand| = %.2e%n", t, worst);
        }
        out.printf("  without bias correction the first step would land up to %.4f (%.1f·lr) away from these: a bug this comparison would see%n",
                uncorrectedDifference, uncorrectedDifference / lr);
        return new Result(maxDiff, firstStepDeviation, uncorrectedDifference);
    }

    public static void main(String[] args) {
        run(System.out, 8, 3, 0.01f, Adam.Epsilon.OUTSIDE_SQRT, 10);
        System.out.println();
        run(System.out, 8, 3, 0.01f, Adam.Epsilon.INSIDE_SQRT, 10);
    }
}
