package ssgan.engine.kernels;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import ssgan.engine.ops.Activations;
import ssgan.engine.ops.Arithmetic;
import ssgan.engine.ops.Losses;
import ssgan.engine.ops.MatMul;
import ssgan.engine.ops.Normalization;
import ssgan.engine.ops.Pointwise;
import ssgan.engine.ops.Reductions;
import ssgan.engine.ops.Stochastic;
import ssgan.engine.parallel.Parallel;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;

/**
 * Runs every op once in a fresh JVM (interpreted: nothing is compiled yet), again after a short warm-up
 * (C1-compiled), and again after a long one (C2-compiled), and reports every result whose bits changed.
 * {@link ColdWarmDeterminismTest} starts it in a child JVM with {@code -Xbatch}, so that a method that
 * reached a compile threshold is compiled before the next call, for each kernel set.
 *
 * <p>Prints {@code checked N cases} and one {@code MISMATCH} line per differing case; exits with 1 if any.
 */
public final class ColdWarmProbe {
    /** Calls before the second and third look: past C1's thresholds, then past C2's (15,000 invocations). */
    static final int[] WARM_UP = {2_000, 20_000};

    private ColdWarmProbe() {}

    /** The inputs of every case: a general matrix, a positive one, a second operand, a bias row and labels. */
    record Inputs(float[] x, float[] positive, float[] y, float[] bias, int[] labels, int rows, int cols) {
        static Inputs random(long seed, int rows, int cols) {
            Rng rng = new Rng(seed);
            int n = rows * cols;
            float[] x = new float[n];
            rng.fillUniform(x, 0, n, -6f, 6f);
            // Values that reach the far ends of the transcendental kernels (overflow, underflow, tiny).
            float[] extremes = {95f, -95f, 30f, -30f, 12f, -12f, 1e-20f, -1e-20f, 0f, 0.3466f};
            for (int i = 0; i < extremes.length && i < n; i++) x[i * 7 % n] = extremes[i];
            float[] positive = new float[n];
            rng.fillUniform(positive, 0, n, 0.01f, 5f);
            float[] y = new float[n];
            rng.fillUniform(y, 0, n, 0.5f, 2f);
            float[] bias = new float[cols];
            rng.fillUniform(bias, 0, cols, -1f, 1f);
            int[] labels = new int[rows];
            for (int r = 0; r < rows; r++) labels[r] = rng.nextInt(cols);
            return new Inputs(x, positive, y, bias, labels, rows, cols);
        }

        /** A fresh leaf tensor (gradients are not shared between calls) holding a copy of {@code data}. */
        Tensor leaf(float[] data) {
            return Tensor.of(data.clone(), data.length == cols ? 1 : rows, cols).requiresGrad(true);
        }
    }

    /** Every case: a name and a computation returning its output followed by its input gradients. */
    static Map<String, Function<Inputs, float[]>> cases() {
        Map<String, Function<Inputs, float[]>> c = new LinkedHashMap<>();
        c.put("exp", in -> unary(in.leaf(in.x), Pointwise::exp));
        c.put("log", in -> unary(in.leaf(in.positive), Pointwise::log));
        c.put("sqrt", in -> unary(in.leaf(in.positive), Pointwise::sqrt));
        c.put("abs", in -> unary(in.leaf(in.x), Pointwise::abs));
        c.put("pow", in -> unary(in.leaf(in.positive), t -> Pointwise.pow(t, 2.5f)));
        c.put("clamp", in -> unary(in.leaf(in.x), t -> Pointwise.clamp(t, -1f, 2f)));
        c.put("relu", in -> unary(in.leaf(in.x), Activations::relu));
        c.put("leakyRelu", in -> unary(in.leaf(in.x), t -> Activations.leakyRelu(t, 0.2f)));
        c.put("tanh", in -> unary(in.leaf(in.x), Activations::tanh));
        c.put("sigmoid", in -> unary(in.leaf(in.x), Activations::sigmoid));
        c.put("softplus", in -> unary(in.leaf(in.x), Activations::softplus));
        c.put("add", in -> binary(in.leaf(in.x), in.leaf(in.y), Arithmetic::add));
        c.put("sub", in -> binary(in.leaf(in.x), in.leaf(in.y), Arithmetic::sub));
        c.put("mul", in -> binary(in.leaf(in.x), in.leaf(in.y), Arithmetic::mul));
        c.put("div", in -> binary(in.leaf(in.x), in.leaf(in.y), Arithmetic::div));
        c.put("addRow", in -> binary(in.leaf(in.x), in.leaf(in.bias), Arithmetic::add));
        c.put("sumAll", in -> unary(in.leaf(in.x), Reductions::sum));
        c.put("sumRows", in -> unary(in.leaf(in.x), t -> Reductions.sum(t, false, 1)));
        c.put("meanCols", in -> unary(in.leaf(in.x), t -> Reductions.mean(t, true, 0)));
        c.put("max", in -> unary(in.leaf(in.x), t -> Reductions.max(t, 1, false)));
        c.put("logSumExp", in -> unary(in.leaf(in.x), t -> Reductions.logSumExp(t, 1, false)));
        c.put("logSumExpDim0", in -> unary(in.leaf(in.x), t -> Reductions.logSumExp(t, 0, true)));
        c.put("softmax", in -> unary(in.leaf(in.x), t -> Reductions.softmax(t, 1)));
        c.put("softmaxDim0", in -> unary(in.leaf(in.x), t -> Reductions.softmax(t, 0)));
        c.put("logSoftmax", in -> unary(in.leaf(in.x), t -> Reductions.logSoftmax(t, 1)));
        c.put("logSoftmaxDim0", in -> unary(in.leaf(in.x), t -> Reductions.logSoftmax(t, 0)));
        c.put("crossEntropy", in -> unary(in.leaf(in.x), t -> Losses.crossEntropy(t, in.labels, 0.1f)));
        c.put("mse", in -> binary(in.leaf(in.x), in.leaf(in.y), Losses::mse));
        c.put("linear", in -> binary(in.leaf(in.x), in.leaf(in.y), (a, w) -> MatMul.linear(a, w, null)));
        c.put("channelAffine", in -> {
            Tensor x = in.leaf(in.x), scale = in.leaf(in.bias);
            Tensor out = Normalization.channelAffine(x, scale.reshape(in.cols), null);
            out.backward(upstream(out));
            return concat(out.data(), x.grad().data(), scale.grad().data());
        });
        c.put("gaussianNoise", in -> unary(in.leaf(in.x), t -> Stochastic.gaussianNoise(t, 0.3f, true, new Rng(11))));
        c.put("fillGaussian", in -> {
            float[] a = new float[in.x.length];
            new Rng(5).fillGaussian(a, 0, a.length, 0.5f, 2f);
            return a;
        });
        return c;
    }

    /** f(a), then backward with a fixed non-uniform upstream gradient: [output..., da...]. */
    private static float[] unary(Tensor a, Function<Tensor, Tensor> f) {
        Tensor out = f.apply(a);
        out.backward(upstream(out));
        return concat(out.data(), a.grad().data());
    }

    private static float[] binary(Tensor a, Tensor b, java.util.function.BinaryOperator<Tensor> f) {
        Tensor out = f.apply(a, b);
        out.backward(upstream(out));
        return concat(out.data(), a.grad().data(), b.grad().data());
    }

    private static Tensor upstream(Tensor out) {
        float[] g = new float[out.numel()];
        for (int i = 0; i < g.length; i++) g[i] = 0.25f + (i % 5) * 0.5f;
        return Tensor.of(g, out.shape());
    }

    private static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) n += p.length;
        float[] all = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    /** The first differing index of two results, or −1 when they are bitwise equal (NaN payloads included). */
    static int firstDifference(float[] a, float[] b) {
        if (a.length != b.length) return 0;
        for (int i = 0; i < a.length; i++) {
            if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) return i;
        }
        return -1;
    }

    public static void main(String[] args) {
        Parallel.setThreads(1);
        Inputs probe = Inputs.random(9, 13, 67);   // not a multiple of the vector width: tails run too
        Inputs warmUp = Inputs.random(10, 2, 17);  // small, so that thousands of calls are quick
        Map<String, Function<Inputs, float[]>> cases = cases();
        Map<String, float[]> cold = new LinkedHashMap<>();
        cases.forEach((name, f) -> cold.put(name, f.apply(probe))); // every case before any warm-up
        List<String> mismatches = new ArrayList<>();
        int done = 0;
        for (int calls : WARM_UP) {
            for (var e : cases.entrySet()) {
                for (int i = done; i < calls; i++) e.getValue().apply(warmUp);
                float[] warm = e.getValue().apply(probe);
                float[] first = cold.get(e.getKey());
                int at = firstDifference(first, warm);
                if (at >= 0) {
                    mismatches.add(String.format("MISMATCH %s after %d warm-up calls: element %d cold %s warm %s",
                            e.getKey(), calls, at, Float.toHexString(first[at]), Float.toHexString(warm[at])));
                }
            }
            done = calls;
        }
        System.out.println("kernels: " + Simd.describe());
        mismatches.forEach(System.out::println);
        System.out.println("checked " + cases.size() + " cases");
        System.exit(mismatches.isEmpty() ? 0 : 1);
    }
}
