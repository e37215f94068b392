package ssgan.engine.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import ssgan.engine.testing.Approx;
import ssgan.engine.testing.GradCheck;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;

class ConvolutionTest {
    private static final double RTOL = 1e-4, ATOL = 1e-4;

    /** A random configuration: sizes, stride and one of the padding forms, valid for the op. */
    private record Config(int n, int c, int h, int w, int o, int kh, int kw, int sh, int sw, Padding padding, boolean bias) {}

    private static Config randomConfig(Rng rng, boolean transposed) {
        return randomConfig(rng, transposed, 1, 19, 11);
    }

    /** Channels in {@code [minChannels, maxChannels]}, image sides up to {@code maxSide}. */
    private static Config randomConfig(Rng rng, boolean transposed, int minChannels, int maxChannels, int maxSide) {
        while (true) {
            int kh = 1 + rng.nextInt(5), kw = 1 + rng.nextInt(5);
            int sh = 1 + rng.nextInt(3), sw = 1 + rng.nextInt(3);
            Padding padding = switch (rng.nextInt(4)) {
                case 0 -> Padding.SAME;
                case 1 -> Padding.VALID;
                case 2 -> Padding.of(rng.nextInt(3), rng.nextInt(3));
                default -> Padding.of(rng.nextInt(4), rng.nextInt(4), rng.nextInt(4), rng.nextInt(4));
            };
            int channelRange = maxChannels - minChannels + 1;
            Config cfg = new Config(1 + rng.nextInt(5), minChannels + rng.nextInt(channelRange), 1 + rng.nextInt(maxSide),
                    1 + rng.nextInt(maxSide), minChannels + rng.nextInt(channelRange), kh, kw, sh, sw, padding, rng.nextInt(2) == 0);
            int[] v = transposed ? transposedAxis(cfg.h, kh, sh, padding, true) : convAxis(cfg.h, kh, sh, padding, true);
            int[] u = transposed ? transposedAxis(cfg.w, kw, sw, padding, false) : convAxis(cfg.w, kw, sw, padding, false);
            if (v[2] >= 1 && u[2] >= 1) return cfg;
        }
    }

    /** {before, after, out} of a convolution axis, from the definitions (independent of Conv2dSpec). */
    private static int[] convAxis(int in, int k, int s, Padding p, boolean vertical) {
        int before, after;
        if (p.mode() == Padding.Mode.SAME) {
            int out = (in + s - 1) / s;
            int total = Math.max(0, (out - 1) * s + k - in);
            before = total / 2;
            after = total - before;
        } else if (p.mode() == Padding.Mode.VALID) {
            before = after = 0;
        } else {
            before = vertical ? p.top() : p.left();
            after = vertical ? p.bottom() : p.right();
        }
        int padded = in + before + after;
        return new int[] {before, after, padded < k ? 0 : (padded - k) / s + 1};
    }

    private static int[] transposedAxis(int in, int k, int s, Padding p, boolean vertical) {
        if (p.mode() == Padding.Mode.SAME) {
            int total = Math.max(0, k - s);
            return new int[] {total / 2, total - total / 2, in * s};
        }
        int before = p.mode() == Padding.Mode.VALID ? 0 : vertical ? p.top() : p.left();
        int after = p.mode() == Padding.Mode.VALID ? 0 : vertical ? p.bottom() : p.right();
        return new int[] {before, after, (in - 1) * s + k - before - after};
    }

    @Test
    void conv2dMatchesDirectConvolutionOnRandomConfigurations() {
        Rng rng = new Rng(1);
        for (int trial = 0; trial < 60; trial++) checkConv2d(rng, randomConfig(rng, false));
    }

    /**
     * Channel counts and images large enough for the blocked GEMM, so its implicit packing of the windows
     * runs (the small configurations above take the written-out route), with output channels both fewer
     * and more than input channels, so the transposed product takes both of its routes.
     */
    @Test
    void largerConfigurationsTakeThePackedPaths() {
        Rng rng = new Rng(3);
        for (int trial = 0; trial < 12; trial++) {
            checkConv2d(rng, randomConfig(rng, false, 8, 40, 17));
            checkConvTranspose2d(rng, randomConfig(rng, true, 8, 40, 9));
        }
    }

    private static void checkConv2d(Rng rng, Config cfg) {
        int[] v = convAxis(cfg.h, cfg.kh, cfg.sh, cfg.padding, true), u = convAxis(cfg.w, cfg.kw, cfg.sw, cfg.padding, false);
        Tensor x = Tensor.randn(rng, cfg.n, cfg.c, cfg.h, cfg.w).requiresGrad(true);
        Tensor w = Tensor.randn(rng, cfg.o, cfg.c, cfg.kh, cfg.kw).requiresGrad(true);
        Tensor b = cfg.bias ? Tensor.randn(rng, cfg.o).requiresGrad(true) : null;
        Tensor y = Convolution.conv2d(x, w, b, new Conv2dSpec(cfg.sh, cfg.sw, cfg.padding));
        Approx.assertShape(new int[] {cfg.n, cfg.o, v[2], u[2]}, y.shape());
        Tensor dy = Tensor.randn(rng, y.shape());
        y.backward(dy);

        var ref = NaiveConvolution.conv2d(x.data(), w.data(), b == null ? null : b.data(), dy.data(),
                cfg.n, cfg.c, cfg.h, cfg.w, cfg.o, cfg.kh, cfg.kw, cfg.sh, cfg.sw, v[0], u[0], v[2], u[2]);
        String what = "conv2d " + cfg;
        Approx.assertClose(what + " y", ref.y(), y.data(), RTOL, ATOL);
        Approx.assertClose(what + " dx", ref.dx(), x.gradData(), RTOL, ATOL);
        Approx.assertClose(what + " dw", ref.dw(), w.gradData(), RTOL, ATOL);
        if (b != null) Approx.assertClose(what + " db", ref.db(), b.gradData(), RTOL, ATOL);
    }

    @Test
    void convTranspose2dMatchesDirectScatterOnRandomConfigurations() {
        Rng rng = new Rng(2);
        for (int trial = 0; trial < 60; trial++) checkConvTranspose2d(rng, randomConfig(rng, true));
    }

    private static void checkConvTranspose2d(Rng rng, Config cfg) {
        int[] v = transposedAxis(cfg.h, cfg.kh, cfg.sh, cfg.padding, true), u = transposedAxis(cfg.w, cfg.kw, cfg.sw, cfg.padding, false);
        Tensor x = Tensor.randn(rng, cfg.n, cfg.c, cfg.h, cfg.w).requiresGrad(true);
        Tensor w = Tensor.randn(rng, cfg.c, cfg.o, cfg.kh, cfg.kw).requiresGrad(true);
        Tensor b = cfg.bias ? Tensor.randn(rng, cfg.o).requiresGrad(true) : null;
        Tensor y = Convolution.convTranspose2d(x, w, b, new ConvTranspose2dSpec(cfg.sh, cfg.sw, cfg.padding, 0, 0));
        Approx.assertShape(new int[] {cfg.n, cfg.o, v[2], u[2]}, y.shape());
        Tensor dy = Tensor.randn(rng, y.shape());
        y.backward(dy);

        var ref = NaiveConvolution.convTranspose2d(x.data(), w.data(), b == null ? null : b.data(), dy.data(),
                cfg.n, cfg.c, cfg.h, cfg.w, cfg.o, cfg.kh, cfg.kw, cfg.sh, cfg.sw, v[0], u[0], v[2], u[2]);
        String what = "convTranspose2d " + cfg;
        Approx.assertClose(what + " y", ref.y(), y.data(), RTOL, ATOL);
        Approx.assertClose(what + " dx", ref.dx(), x.gradData(), RTOL, ATOL);
        Approx.assertClose(what + " dw", ref.dw(), w.gradData(), RTOL, ATOL);
        if (b != null) Approx.assertClose(what + " db", ref.db(), b.gradData(), RTOL, ATOL);
    }

    @Test
    void outputPaddingAddsRowsAtTheBottomRight() {
        Rng rng = new Rng(3);
        // PyTorch's ConvTranspose2d(k=3, stride=2, padding=1, output_padding=1): 4 -> 8, and (k=2, s=3, op=2) where
        // the extra rows lie beyond every kernel tap and hold only the bias.
        int[][] cases = {{3, 2, 1, 1}, {2, 3, 0, 2}, {4, 2, 2, 1}};
        for (int[] cs : cases) {
            int k = cs[0], s = cs[1], p = cs[2], op = cs[3];
            Tensor x = Tensor.randn(rng, 2, 3, 4, 5).requiresGrad(true);
            Tensor w = Tensor.randn(rng, 3, 2, k, k).requiresGrad(true);
            Tensor b = Tensor.randn(rng, 2).requiresGrad(true);
            Tensor y = Convolution.convTranspose2d(x, w, b, ConvTranspose2dSpec.of(s, p, op));
            int oh = (4 - 1) * s - 2 * p + k + op, ow = (5 - 1) * s - 2 * p + k + op;
            Approx.assertShape(new int[] {2, 2, oh, ow}, y.shape());
            Tensor dy = Tensor.randn(rng, y.shape());
            y.backward(dy);
            var ref = NaiveConvolution.convTranspose2d(x.data(), w.data(), b.data(), dy.data(), 2, 3, 4, 5, 2, k, k, s, s, p, p, oh, ow);
            Approx.assertClose("y", ref.y(), y.data(), RTOL, ATOL);
            Approx.assertClose("dx", ref.dx(), x.gradData(), RTOL, ATOL);
            Approx.assertClose("dw", ref.dw(), w.gradData(), RTOL, ATOL);
            Approx.assertClose("db", ref.db(), b.gradData(), RTOL, ATOL);
        }
    }

    @Test
    void ssganLayerShapes() {
        Rng rng = new Rng(4);
        int[][] conv = {{1, 28, 64, 5, 2, 14}, {64, 14, 128, 3, 2, 7}, {128, 7, 256, 3, 1, 5}, {256, 5, 256, 3, 2, 2}};
        boolean[] same = {true, true, false, false};
        for (int i = 0; i < conv.length; i++) {
            int[] l = conv[i];
            Tensor x = Tensor.randn(rng, 2, l[0], l[1], l[1]);
            Tensor w = Tensor.randn(rng, l[2], l[0], l[3], l[3]);
            Conv2dSpec spec = same[i] ? Conv2dSpec.same(l[4]) : Conv2dSpec.valid(l[4]);
            Approx.assertShape(new int[] {2, l[2], l[5], l[5]}, Convolution.conv2d(x, w, null, spec).shape());
        }
        int[][] deconv = {{64, 2, 256}, {256, 4, 128}, {128, 8, 64}, {64, 16, 1}};
        for (int[] l : deconv) {
            Tensor x = Tensor.randn(rng, 2, l[0], l[1], l[1]);
            Tensor w = Tensor.randn(rng, l[0], l[2], 5, 5);
            Approx.assertShape(new int[] {2, l[2], 2 * l[1], 2 * l[1]},
                    Convolution.convTranspose2d(x, w, null, ConvTranspose2dSpec.same(2)).shape());
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        Rng rng = new Rng(5);
        Tensor x = Tensor.randn(rng, 2, 3, 7, 6).requiresGrad(true);
        Tensor w = Tensor.randn(rng, 4, 3, 3, 2).requiresGrad(true);
        Tensor b = Tensor.randn(rng, 4).requiresGrad(true);
        GradCheck.standard().check("conv2d", in -> Convolution.conv2d(in[0], in[1], in[2], new Conv2dSpec(2, 1, Padding.of(1, 0, 2, 1))), x, w, b);
        GradCheck.standard().check("conv2d SAME", in -> Convolution.conv2d(in[0], in[1], in[2], Conv2dSpec.same(2)), x, w, b);

        Tensor xt = Tensor.randn(rng, 2, 3, 3, 4).requiresGrad(true);
        Tensor wt = Tensor.randn(rng, 3, 2, 5, 5).requiresGrad(true);
        Tensor bt = Tensor.randn(rng, 2).requiresGrad(true);
        GradCheck.standard().check("convTranspose2d SAME", in -> Convolution.convTranspose2d(in[0], in[1], in[2], ConvTranspose2dSpec.same(2)), xt, wt, bt);
        GradCheck.standard().check("convTranspose2d", in -> Convolution.convTranspose2d(in[0], in[1], in[2],
                new ConvTranspose2dSpec(2, 3, Padding.of(0, 1, 2, 0), 1, 2)), xt, wt, bt);
    }

    @Test
    void gradientsAddIntoExistingBuffers() {
        // A tensor used twice receives the sum of both gradients.
        Rng rng = new Rng(6);
        Tensor x = Tensor.randn(rng, 1, 2, 5, 5).requiresGrad(true);
        Tensor w = Tensor.randn(rng, 3, 2, 3, 3).requiresGrad(true);
        Tensor y1 = Convolution.conv2d(x, w, null, Conv2dSpec.same(1));
        Tensor dy = Tensor.randn(rng, y1.shape());
        y1.backward(dy);
        float[] once = x.gradData().clone(), onceW = w.gradData().clone();
        Convolution.conv2d(x, w, null, Conv2dSpec.same(1)).backward(dy);
        for (int i = 0; i < once.length; i++) once[i] *= 2;
        for (int i = 0; i < onceW.length; i++) onceW[i] *= 2;
        Approx.assertClose("dx twice", once, x.gradData(), 1e-6, 1e-6);
        Approx.assertClose("dw twice", onceW, w.gradData(), 1e-6, 1e-6);
    }

    @Test
    void resultsAreDeterministic() {
        Rng rng = new Rng(7);
        Tensor x = Tensor.randn(rng, 5, 6, 9, 9);
        Tensor w = Tensor.randn(rng, 8, 6, 3, 3);
        float[] first = Convolution.conv2d(x, w, null, Conv2dSpec.same(2)).data();
        for (int i = 0; i < 3; i++) assertArrayEquals(first, Convolution.conv2d(x, w, null, Conv2dSpec.same(2)).data());
    }

    @Test
    void badArgumentsAreRejectedWithTheShapes() {
        Rng rng = new Rng(8);
        Tensor x = Tensor.randn(rng, 2, 3, 4, 4);
        assertMessage(() -> Convolution.conv2d(x, Tensor.randn(rng, 5, 3, 5, 5), null, Conv2dSpec.valid(1)), "larger than the padded input");
        assertMessage(() -> Convolution.conv2d(x, Tensor.randn(rng, 5, 2, 3, 3), null, Conv2dSpec.valid(1)), "channels");
        assertMessage(() -> Convolution.conv2d(x, Tensor.randn(rng, 5, 3, 3, 3), null, Conv2dSpec.valid(0)), "stride");
        assertMessage(() -> Convolution.conv2d(Tensor.randn(rng, 3, 4, 4), Tensor.randn(rng, 5, 3, 3, 3), null, Conv2dSpec.valid(1)), "4-D");
        assertMessage(() -> Convolution.conv2d(x, Tensor.randn(rng, 5, 3, 3, 3), Tensor.randn(rng, 4), Conv2dSpec.valid(1)), "bias");
        assertMessage(() -> Convolution.convTranspose2d(x, Tensor.randn(rng, 2, 3, 3, 3), null, ConvTranspose2dSpec.same(2)), "channels");
        assertMessage(() -> Convolution.convTranspose2d(x, Tensor.randn(rng, 3, 3, 3, 3), null, ConvTranspose2dSpec.of(2, 0, 2)), "output padding");
        assertMessage(() -> Convolution.convTranspose2d(x, Tensor.randn(rng, 3, 3, 1, 1), null, ConvTranspose2dSpec.of(1, 2, 0)), "removes the whole output");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), "message \"" + e.getMessage() + "\" should mention " + fragment);
        assertTrue(e.getMessage().contains("["), "message should name the shapes: " + e.getMessage());
    }
}
