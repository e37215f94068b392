package ssgan.nn.init;

import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Shape;
import ssgan.engine.tensor.Tensor;

/**
 * Weight initialisers, after {@code torch.nn.init}. Each fills a tensor in place from an explicit
 * {@link Rng} (so a model's starting point is reproducible from its seed) and returns it.
 *
 * <p>Fans follow PyTorch: for a weight of shape {@code [d0, d1, k...]}, {@code fanIn = d1·Πk} and
 * {@code fanOut = d0·Πk}. (For a ConvTranspose2d weight {@code [in, out, kh, kw]} this makes "fan in"
 * the number of output channels times the kernel area, exactly as PyTorch computes it.)
 */
public final class Init {
    private Init() {}

    /** Fan in of a weight shaped {@code [out, in, k...]} (or {@code [in]} for 1-D tensors). */
    public static int fanIn(int[] shape) {
        checkRank("fanIn", shape);
        return shape.length == 1 ? shape[0] : shape[1] * receptiveField(shape);
    }

    /** Fan out of a weight shaped {@code [out, in, k...]}. */
    public static int fanOut(int[] shape) {
        checkRank("fanOut", shape);
        return shape.length == 1 ? shape[0] : shape[0] * receptiveField(shape);
    }

    private static int receptiveField(int[] shape) {
        int r = 1;
        for (int i = 2; i < shape.length; i++) r *= shape[i];
        return r;
    }

    private static void checkRank(String what, int[] shape) {
        if (shape.length == 0) throw new IllegalArgumentException(what + ": a scalar has no fan; shape " + Shape.str(shape));
    }

    /** Uniform in [lo, hi). */
    public static Tensor uniform(Tensor t, float lo, float hi, Rng rng) {
        rng.fillUniform(t.data(), 0, t.numel(), lo, hi);
        return t;
    }

    /** Normal with the given mean and standard deviation; DCGAN uses {@code normal(w, 0, 0.02, rng)}. */
    public static Tensor normal(Tensor t, float mean, float std, Rng rng) {
        rng.fillGaussian(t.data(), 0, t.numel(), mean, std);
        return t;
    }

    public static Tensor constant(Tensor t, float value) {
        java.util.Arrays.fill(t.data(), value);
        return t;
    }

    public static Tensor zeros(Tensor t) {
        return constant(t, 0f);
    }

    public static Tensor ones(Tensor t) {
        return constant(t, 1f);
    }

    /** The gain of leaky ReLU with negative slope {@code a}: {@code sqrt(2 / (1 + a²))} (a = 0 is plain ReLU). */
    public static double leakyReluGain(double a) {
        return Math.sqrt(2.0 / (1.0 + a * a));
    }

    /**
     * He/Kaiming uniform over fan in: bound {@code gain·sqrt(3/fanIn)} with {@code gain = leakyReluGain(a)}.
     * With {@code a = √5} this is PyTorch's default for Linear and Conv weights, bound {@code 1/sqrt(fanIn)}.
     */
    public static Tensor kaimingUniform(Tensor t, double a, Rng rng) {
        float bound = (float) (leakyReluGain(a) * Math.sqrt(3.0 / fanIn(t.shape())));
        return uniform(t, -bound, bound, rng);
    }

    /** He/Kaiming normal over fan in: standard deviation {@code gain/sqrt(fanIn)}. */
    public static Tensor kaimingNormal(Tensor t, double a, Rng rng) {
        float std = (float) (leakyReluGain(a) / Math.sqrt(fanIn(t.shape())));
        return normal(t, 0f, std, rng);
    }

    /** Glorot/Xavier uniform: bound {@code gain·sqrt(6/(fanIn+fanOut))}. */
    public static Tensor xavierUniform(Tensor t, double gain, Rng rng) {
        int[] s = t.shape();
        float bound = (float) (gain * Math.sqrt(6.0 / (fanIn(s) + fanOut(s))));
        return uniform(t, -bound, bound, rng);
    }

    /** Glorot/Xavier normal: standard deviation {@code gain·sqrt(2/(fanIn+fanOut))}. */
    public static Tensor xavierNormal(Tensor t, double gain, Rng rng) {
        int[] s = t.shape();
        float std = (float) (gain * Math.sqrt(2.0 / (fanIn(s) + fanOut(s))));
        return normal(t, 0f, std, rng);
    }

    /**
     * PyTorch's default for Linear, Conv2d and ConvTranspose2d: Kaiming uniform with {@code a = √5}
     * for the weight (bound {@code 1/sqrt(fanIn)}), and the same bound, uniform, for the bias
     * (which may be null). The weight is drawn first, then the bias, from the same {@code rng}.
     */
    public static void pytorchDefault(Tensor weight, Tensor bias, Rng rng) {
        kaimingUniform(weight, Math.sqrt(5.0), rng);
        if (bias != null) {
            float bound = (float) (1.0 / Math.sqrt(fanIn(weight.shape())));
            uniform(bias, -bound, bound, rng);
        }
    }
}
