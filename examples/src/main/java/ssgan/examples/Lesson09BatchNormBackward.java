package ssgan.examples;

import static ssgan.engine.ops.Arithmetic.add;
import static ssgan.engine.ops.Arithmetic.addScalar;
import static ssgan.engine.ops.Arithmetic.div;
import static ssgan.engine.ops.Arithmetic.mul;
import static ssgan.engine.ops.Arithmetic.sub;
import static ssgan.engine.ops.Pointwise.sqrt;
import static ssgan.engine.ops.Reductions.mean;

import java.io.PrintStream;
import java.util.Arrays;
import ssgan.engine.ops.Normalization;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;

/**
 * Lesson 9: batch norm's backward pass, derived by hand, against the engine.
 *
 * <p>In training mode, batch norm normalises each channel with the statistics of the batch itself. For
 * one channel with M values xᵢ (M = N·H·W):
 * <pre>
 *   μ = (1/M) Σ xᵢ,   σ² = (1/M) Σ (xᵢ − μ)²,   s = √(σ² + ε),   x̂ᵢ = (xᵢ − μ)/s,   yᵢ = γ·x̂ᵢ + β
 * </pre>
 * Given gᵢ = ∂L/∂yᵢ, the parameters are easy: ∂L/∂β = Σ gᵢ and ∂L/∂γ = Σ gᵢ·x̂ᵢ. The input is the
 * interesting part, because every x̂ᵢ depends on every xⱼ through μ and s. With ∂μ/∂xⱼ = 1/M and
 * ∂s/∂xⱼ = x̂ⱼ/M,
 * <pre>
 *   ∂x̂ᵢ/∂xⱼ = (δᵢⱼ − 1/M)/s − x̂ᵢ·x̂ⱼ/(M·s)
 * </pre>
 * and summing over i with weights γ·gᵢ gives the one formula:
 * <pre>
 *   ∂L/∂xⱼ = (γ/s) · ( gⱼ − mean(g) − x̂ⱼ · mean(g·x̂) )
 * </pre>
 * Read it as: the gradient with respect to x̂, with its mean removed (shifting every x moves nothing,
 * since μ shifts too) and its component along x̂ removed (scaling every x − μ moves nothing, since s
 * scales too), then scaled by γ/s.
 *
 * <p>The lesson computes it in double and compares three ways to get it:
 * <ol>
 *   <li>the engine's fused op {@link Normalization#batchNorm}, whose backward rule is this formula;</li>
 *   <li>the same layer written as a chain of small ops (mean, sub, mul, sqrt, div, ...), left to
 *       autograd, which sums the gradient over every path through μ and s without knowing the formula;</li>
 *   <li>as a warning, the formula without the two corrections, (γ/s)·g: the rule of eval mode, where μ
 *       and s are constants. Using it in training is a real bug, and it is far off.</li>
 * </ol>
 * Errors are scale-relative: max|got − hand| / max|hand|.
 */
public final class Lesson09BatchNormBackward {
    private Lesson09BatchNormBackward() {}

    /** Scale-relative errors against the hand formula: dx, dγ, dβ for the fused op and the chain, and the eval-mode rule's dx. */
    public record Result(double fusedDx, double fusedDgamma, double fusedDbeta,
                         double chainDx, double chainDgamma, double chainDbeta, double evalRuleDx) {}

    /** Batch norm over x {@code [n, c, h, w]} (or {@code [n, c]} when h = w = 0) with ε = eps. */
    public static Result run(PrintStream out, int n, int c, int h, int w, float eps, long seed) {
        int[] shape = h == 0 ? new int[] {n, c} : new int[] {n, c, h, w};
        int plane = h == 0 ? 1 : h * w;
        out.printf("Lesson 9: batch norm's backward by hand, x %s, ε = %s%n", Arrays.toString(shape), eps);
        Rng rng = new Rng(seed);
        float[] xs = new float[n * c * plane];
        rng.fillGaussian(xs, 0, xs.length, 0.5f, 2f);   // not already normalised: mean 0.5, std 2
        Tensor gamma = Tensor.randn(rng, c), beta = Tensor.randn(rng, c);
        Tensor g = Tensor.randn(rng, shape);

        // 1. The engine's fused op (training mode; no running statistics needed here).
        Tensor x1 = Tensor.of(xs, shape).requiresGrad(true);
        Tensor gamma1 = gamma.copy().requiresGrad(true), beta1 = beta.copy().requiresGrad(true);
        Normalization.batchNorm(x1, gamma1, beta1, null, null, true, 0.1f, eps).backward(g);

        // 2. The same layer as a chain of elementary ops; autograd differentiates each link.
        Tensor x2 = Tensor.of(xs, shape).requiresGrad(true);
        Tensor gamma2 = gamma.copy().requiresGrad(true), beta2 = beta.copy().requiresGrad(true);
        int[] dims = h == 0 ? new int[] {0} : new int[] {0, 2, 3};
        int[] perChannel = h == 0 ? new int[] {1, c} : new int[] {1, c, 1, 1};
        Tensor mu = mean(x2, true, dims);
        Tensor centred = sub(x2, mu);
        Tensor variance = mean(mul(centred, centred), true, dims);
        Tensor xhat = div(centred, sqrt(addScalar(variance, eps)));
        Tensor y2 = add(mul(xhat, gamma2.reshape(perChannel)), beta2.reshape(perChannel));
        y2.backward(g);

        // 3. By hand, in double.
        double[] dx = new double[xs.length], dxEval = new double[xs.length], dgamma = new double[c], dbeta = new double[c];
        int m = n * plane;
        for (int ch = 0; ch < c; ch++) {
            double sum = 0;
            for (int i = 0; i < n; i++) for (int p = 0; p < plane; p++) sum += xs[(i * c + ch) * plane + p];
            double mean = sum / m, sq = 0;
            for (int i = 0; i < n; i++) for (int p = 0; p < plane; p++) sq += Math.pow(xs[(i * c + ch) * plane + p] - mean, 2);
            double s = Math.sqrt(sq / m + eps);
            double meanG = 0, meanGXhat = 0;
            for (int i = 0; i < n; i++) {
                for (int p = 0; p < plane; p++) {
                    int j = (i * c + ch) * plane + p;
                    double xh = (xs[j] - mean) / s, gj = g.data()[j];
                    meanG += gj / m;
                    meanGXhat += gj * xh / m;
                    dgamma[ch] += gj * xh;
                    dbeta[ch] += gj;
                }
            }
            double scale = gamma.data()[ch] / s;
            for (int i = 0; i < n; i++) {
                for (int p = 0; p < plane; p++) {
                    int j = (i * c + ch) * plane + p;
                    double xh = (xs[j] - mean) / s, gj = g.data()[j];
                    dx[j] = scale * (gj - meanG - xh * meanGXhat);
                    dxEval[j] = scale * gj;
                }
            }
        }

        Result r = new Result(
                relativeError(x1.gradData(), dx), relativeError(gamma1.gradData(), dgamma), relativeError(beta1.gradData(), dbeta),
                relativeError(x2.gradData(), dx), relativeError(gamma2.gradData(), dgamma), relativeError(beta2.gradData(), dbeta),
                relativeError(toFloat(dxEval), dx));
        out.println("  scale-relative error against the hand-derived gradients:");
        out.println("                                            dL/dx      dL/dγ      dL/dβ");
        out.printf("    Normalization.batchNorm (fused rule)   %.2e   %.2e   %.2e%n", r.fusedDx(), r.fusedDgamma(), r.fusedDbeta());
        out.printf("    chain of small ops, autograd           %.2e   %.2e   %.2e%n", r.chainDx(), r.chainDgamma(), r.chainDbeta());
        out.printf("    (γ/s)·g, the eval-mode rule            %.2e   ← μ and s are not constants in training%n", r.evalRuleDx());
        return r;
    }

    /** max|got − want| / max|want|. */
    static double relativeError(float[] got, double[] want) {
        double diff = 0, scale = 0;
        for (int i = 0; i < want.length; i++) {
            diff = Math.max(diff, Math.abs(got[i] - want[i]));
            scale = Math.max(scale, Math.abs(want[i]));
        }
        return diff / Math.max(scale, 1e-30);
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
        return f;
    }

    public static void main(String[] args) {
        run(System.out, 8, 3, 0, 0, 1e-5f, 9);       // [N, C], as after a linear layer (BatchNorm1d)
        System.out.println();
        run(System.out, 4, 3, 5, 5, 1e-5f, 9);       // [N, C, H, W], as after a convolution (BatchNorm2d)
    }
}
