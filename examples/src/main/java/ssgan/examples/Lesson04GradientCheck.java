package ssgan.examples;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import ssgan.engine.autograd.GradMode;
import ssgan.engine.ops.Conv2dSpec;
import ssgan.engine.ops.Convolution;
import ssgan.engine.ops.Padding;
import ssgan.engine.ops.Reductions;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;

/**
 * Lesson 4: checking a gradient with finite differences.
 *
 * <p>A backward rule is code, and code has bugs; a wrong gradient does not crash, it only makes training
 * worse. The check that catches it needs no calculus: for a scalar function L of x,
 * <pre>
 *   ∂L/∂xᵢ ≈ ( L(x + h·eᵢ) − L(x − h·eᵢ) ) / 2h          (central difference)
 * </pre>
 * whose error is O(h²) (the one-sided difference's is O(h)). An op has many outputs, so we check the
 * scalar {@code L = Σ r ⊙ op(x)} with fixed random weights r: every output's gradient path then counts,
 * and autograd gets it by {@code y.backward(r)} (r is dL/dy).
 *
 * <p>Choosing h is the lesson's second half. The forward pass runs in float (about 7 digits), so each L
 * carries a rounding error ε·|L| with ε ≈ 6e-8, and dividing by 2h magnifies it: too small an h drowns the
 * difference in rounding noise, too large an h lets the O(h²) curvature term in. The table printed for
 * logSoftmax shows the error falling, then rising again, as h shrinks. We sum L in double, and divide by
 * the step actually taken ({@code (float)(x+h) − (float)(x−h)}, not 2h), so those two steps add no error
 * of their own.
 *
 * <p>The error reported is {@code max|autograd − numeric| / max|numeric|}: relative to the gradient's
 * scale, so that near-zero entries do not blow it up. Finally a deliberately broken op (x² with a
 * backward rule of 3x instead of 2x) shows what a failing check looks like.
 */
public final class Lesson04GradientCheck {
    private Lesson04GradientCheck() {}

    /** One check: the op, the step h, and the scale-relative error of autograd against the differences. */
    public record Check(String op, double h, double error) {}

    /** The h-sweep on logSoftmax, the convolution's check, and the broken op's. */
    public record Result(List<Check> logSoftmaxSweep, Check conv2d, Check broken) {}

    public static Result run(PrintStream out, int rows, int cols, long seed) {
        out.printf("Lesson 4: finite-difference gradient checks (logSoftmax over [%d, %d], conv2d, a broken op)%n", rows, cols);
        Rng rng = new Rng(seed);

        Tensor x = Tensor.randn(rng, rows, cols);
        UnaryOperator<Tensor> logSoftmax = t -> Reductions.logSoftmax(t, 1);
        List<Check> sweep = new ArrayList<>();
        out.println("  logSoftmax(x, dim 1), scale-relative error for each step h:");
        for (double h : new double[] {1e-1, 3e-2, 1e-2, 3e-3, 1e-3, 1e-4}) {
            Check c = check("logSoftmax", logSoftmax, x, h, seed + 1);
            sweep.add(c);
            out.printf("    h = %-6.0e error %.2e%n", h, c.error());
        }

        // A convolution, differentiated with respect to its input (the weight is a constant here).
        Tensor w = Tensor.randn(rng, 3, 2, 3, 3);
        Tensor image = Tensor.randn(rng, 1, 2, 5, 6);
        Conv2dSpec spec = Conv2dSpec.of(2, Padding.of(1));
        Check conv = check("conv2d", t -> Convolution.conv2d(t, w, null, spec), image, 1e-2, seed + 2);
        out.printf("  conv2d 2→3 channels, 3×3, stride 2, pad 1, input [1, 2, 5, 6]: h = %.0e, error %.2e%n", conv.h(), conv.error());

        Check broken = check("brokenSquare", Lesson04GradientCheck::brokenSquare, Tensor.randn(rng, rows, cols), 1e-2, seed + 3);
        out.printf("  x² with a wrong backward rule (3x instead of 2x): error %.2e  ← what a bug looks like%n", broken.error());
        return new Result(sweep, conv, broken);
    }

    /**
     * The scale-relative error of autograd's gradient of {@code L = Σ r ⊙ op(x)} against central
     * differences with step h, r drawn uniform in [−1, 1) from {@code seed}.
     */
    public static Check check(String name, UnaryOperator<Tensor> op, Tensor x, double h, long seed) {
        // Autograd: a fresh leaf so that earlier checks leave no gradient behind.
        Tensor leaf = x.copy().requiresGrad(true);
        Tensor y = op.apply(leaf);
        float[] r = new float[y.numel()];
        new Rng(seed).fillUniform(r, 0, r.length, -1f, 1f);
        y.backward(Tensor.wrap(r.clone(), y.shape()));
        float[] analytic = leaf.gradData();

        // Central differences, in double, without recording a graph.
        float[] data = x.copy().data();
        double maxDiff = 0, maxNumeric = 0;
        try (var scope = GradMode.noGrad()) {
            for (int i = 0; i < data.length; i++) {
                float saved = data[i];
                float up = (float) (saved + h), down = (float) (saved - h);
                data[i] = up;
                double lossUp = weightedSum(r, op.apply(Tensor.wrap(data, x.shape())));
                data[i] = down;
                double lossDown = weightedSum(r, op.apply(Tensor.wrap(data, x.shape())));
                data[i] = saved;
                double numeric = (lossUp - lossDown) / ((double) up - (double) down);
                maxDiff = Math.max(maxDiff, Math.abs(analytic[i] - numeric));
                maxNumeric = Math.max(maxNumeric, Math.abs(numeric));
            }
        }
        return new Check(name, h, maxDiff / Math.max(maxNumeric, 1e-30));
    }

    private static double weightedSum(float[] r, Tensor y) {
        double s = 0;
        float[] v = y.data();
        for (int i = 0; i < v.length; i++) s += (double) r[i] * v[i];
        return s;
    }

    /** y = x², but its backward rule claims dy/dx = 3x: the kind of slip a gradient check exists for. */
    static Tensor brokenSquare(Tensor x) {
        float[] in = x.data(), out = new float[in.length];
        for (int i = 0; i < in.length; i++) out[i] = in[i] * in[i];
        return Tensor.fromOp("brokenSquare", out, x.shape(), g -> {
            float[] gx = x.gradBuffer();
            for (int i = 0; i < g.length; i++) gx[i] += 3 * in[i] * g[i];
        }, x);
    }

    public static void main(String[] args) {
        run(System.out, 4, 7, 4);
    }
}
