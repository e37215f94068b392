package ssgan.examples;

import java.io.PrintStream;
import java.util.Arrays;
import ssgan.engine.ops.Conv2dSpec;
import ssgan.engine.ops.ConvTranspose2dSpec;
import ssgan.engine.ops.Convolution;
import ssgan.engine.ops.Padding;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;

/**
 * Lesson 8: the transposed convolution is the adjoint of the convolution.
 *
 * <p>For a fixed weight w, a convolution is a linear map x ↦ conv(x): lesson 7 wrote it as a matrix
 * product, so there is a (huge, sparse) matrix M with conv(x) = M·x. Its <i>transpose</i> Mᵀ maps the
 * output space back to the input space, and that map is what deep-learning libraries call the
 * <b>transposed convolution</b> (sometimes, misleadingly, "deconvolution"): {@code convT(y) = Mᵀ·y}. It
 * is not an inverse; it spreads each output value back over the input pixels its window covered,
 * weighted by the same w. The generator of a DCGAN uses it to upsample (stride 2: a 7×7 map becomes
 * 14×14), and a convolution's backward pass uses it for the input gradient (dL/dx = Mᵀ·dL/dy), which is
 * how the engine computes it.
 *
 * <p>A transpose is defined by one identity, which the lesson checks with the engine's two ops:
 * <pre>
 *   ⟨M·x, y⟩ = ⟨x, Mᵀ·y⟩        that is        Σ conv(x) ⊙ y = Σ x ⊙ convT(y)
 * </pre>
 * for every x and y, with the same weight tensor and the same stride and padding on both sides. In the
 * engine's layouts the shapes line up without any reshuffling: conv2d takes w as [O, C, KH, KW], and
 * convTranspose2d (PyTorch's layout) takes [in = O, out = C, KH, KW], the same array.
 *
 * <p>Both sides are computed in float and summed in double, so they differ by rounding only. How much?
 * Each output of either op is a sum of at most P products (P = C·KH·KW for conv, O·KH·KW for convT),
 * each within P·u of its terms' absolute sum (u = 2⁻²⁴), so
 * <pre>
 *   |left − right| ≤ (C + O)·KH·KW · u · S,    S = Σ |y| ⊙ conv(|x|, |w|)
 * </pre>
 * (S is the sum of |every product| that appears on either side: the identity itself, applied to |x|, |y|
 * and |w|, shows both sides have the same S.) A transposed convolution with a wrong index, such as the
 * kernel not flipped where it should be, misses that bound by orders of magnitude, as the last line
 * shows: the test uses that to make sure the check can fail.
 */
public final class Lesson08TransposedConvolution {
    private Lesson08TransposedConvolution() {}

    /**
     * Both sides, their difference, the rounding bound, the difference a wrong transpose gives, and the
     * largest ratio of |autograd's dL/dx − convT(y)| to its own rounding bound (at most 1 when they agree).
     */
    public record Result(double left, double right, double difference, double bound, double wrongDifference, double gradientRatio) {}

    public static Result run(PrintStream out, int n, int c, int h, int w, int o, int k, int stride, Padding padding, long seed) {
        Rng rng = new Rng(seed);
        Tensor x = Tensor.randn(rng, n, c, h, w);
        Tensor weight = Tensor.randn(rng, o, c, k, k);
        Conv2dSpec conv = Conv2dSpec.of(stride, padding);
        Tensor cx = Convolution.conv2d(x, weight, null, conv);
        Tensor y = Tensor.randn(rng, cx.shape());

        // The transposed convolution must land exactly on x's size. A strided convolution maps several
        // sizes to one (with stride 2, pad 1 and a 3×3 kernel, 7 and 8 rows both give 4), so the
        // transposed one takes an output padding to say which: the rows its formula falls short by.
        ConvTranspose2dSpec transposed = padding.mode() == Padding.Mode.SAME
                ? ConvTranspose2dSpec.same(stride)
                : new ConvTranspose2dSpec(stride, stride, padding,
                        h - transposedSize(cx.size(2), k, stride, padding, true),
                        w - transposedSize(cx.size(3), k, stride, padding, false));
        Tensor ty = Convolution.convTranspose2d(y, weight, null, transposed);
        if (ty.size(2) != h || ty.size(3) != w) {
            throw new IllegalStateException("convT(y) has shape " + Arrays.toString(ty.shape()) + ", not x's " + Arrays.toString(x.shape()));
        }
        out.printf("Lesson 8: ⟨conv(x), y⟩ = ⟨x, convT(y)⟩ for x [%d, %d, %d, %d], w [%d, %d, %d, %d], stride %d, %s%n",
                n, c, h, w, o, c, k, k, stride, padding);

        double left = dot(cx.data(), y.data());
        double right = dot(x.data(), ty.data());
        // The rounding bound, from the same convolution on absolute values.
        Tensor absConv = Convolution.conv2d(abs(x), abs(weight), null, conv);
        double s = dot(absConv.data(), abs(y).data());
        double bound = (double) (c + o) * k * k * 0x1p-24 * s;
        double difference = Math.abs(left - right);
        out.printf("  ⟨conv(x), y⟩  = %+.9f%n", left);
        out.printf("  ⟨x, convT(y)⟩ = %+.9f%n", right);
        out.printf("  difference      %.3e   (rounding bound %.3e: %s)%n", difference, bound, difference <= bound ? "ok" : "TOO LARGE");

        // A transpose done wrong: the kernel flipped in both axes, a plausible slip.
        Tensor wrong = Convolution.convTranspose2d(y, flip(weight), null, transposed);
        double wrongDifference = Math.abs(left - dot(x.data(), wrong.data()));
        out.printf("  with the kernel flipped, ⟨x, convT'(y)⟩ = %+.6f, off by %.3e: the identity catches it%n",
                dot(x.data(), wrong.data()), wrongDifference);

        // The same fact seen by autograd: for L = ⟨conv(x), y⟩, dL/dx = Mᵀ·y = convT(y).
        Tensor leaf = x.copy().requiresGrad(true);
        Convolution.conv2d(leaf, weight, null, conv).backward(y);
        float[] grad = leaf.gradData();
        float[] absT = Convolution.convTranspose2d(abs(y), abs(weight), null, transposed).data();
        double gradientRatio = 0;
        for (int i = 0; i < grad.length; i++) {
            double err = Math.abs(grad[i] - ty.data()[i]);
            if (err > 0) gradientRatio = Math.max(gradientRatio, err / (2.0 * o * k * k * 0x1p-24 * absT[i]));
        }
        out.printf("  autograd: dL/dx of L = ⟨conv(x), y⟩ against convT(y), worst |difference| / bound = %.4f %s%n",
                gradientRatio, gradientRatio == 0 ? "(bit for bit: the engine runs one kernel for both)" : gradientRatio <= 1 ? "ok" : "DIFFERENT");
        return new Result(left, right, difference, bound, wrongDifference, gradientRatio);
    }

    /** PyTorch's transposed-convolution size without output padding: (in − 1)·stride − pads + k. */
    private static int transposedSize(int in, int k, int stride, Padding p, boolean vertical) {
        int pads = p.mode() == Padding.Mode.EXPLICIT ? (vertical ? p.top() + p.bottom() : p.left() + p.right()) : 0;
        return (in - 1) * stride - pads + k;
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }

    static Tensor abs(Tensor t) {
        float[] v = t.data().clone();
        for (int i = 0; i < v.length; i++) v[i] = Math.abs(v[i]);
        return Tensor.wrap(v, t.shape());
    }

    /** The weight with each kernel rotated by 180°. */
    static Tensor flip(Tensor w) {
        int[] s = w.shape();
        Tensor f = Tensor.zeros(s);
        for (int a = 0; a < s[0]; a++)
            for (int b = 0; b < s[1]; b++)
                for (int ky = 0; ky < s[2]; ky++)
                    for (int kx = 0; kx < s[3]; kx++) f.set(w.get(a, b, ky, kx), a, b, s[2] - 1 - ky, s[3] - 1 - kx);
        return f;
    }

    public static void main(String[] args) {
        // The plain case: 3×3, stride 1, padding 1.
        run(System.out, 2, 3, 8, 8, 4, 3, 1, Padding.of(1), 8);
        System.out.println();
        // The DCGAN generator's case: 5×5, stride 2, TensorFlow's SAME (the transposed side doubles 7 → 14).
        run(System.out, 2, 4, 14, 14, 6, 5, 2, Padding.SAME, 8);
    }
}
