package ssgan.engine.ops;

import ssgan.engine.device.DeviceOps;
import ssgan.engine.device.Devices;
import ssgan.engine.kernels.Conv2dKernels;
import ssgan.engine.kernels.ConvGeometry;
import ssgan.engine.profile.OpProfile;
import ssgan.engine.tensor.Shape;
import ssgan.engine.tensor.Storage;
import ssgan.engine.tensor.Tensor;

/**
 * 2-D convolution and transposed convolution on NCHW tensors, each forward beside its backward rule.
 * The arithmetic is in {@link Conv2dKernels} (im2col + GEMM); this class checks shapes, resolves the
 * padding and wires the gradients.
 */
public final class Convolution {
    private Convolution() {}

    /**
     * {@code y[n, o] = bias[o] + Σ_c x[n, c] ⋆ w[o, c]} (cross-correlation, as in every deep-learning
     * library). x {@code [N, C, H, W]}, w {@code [O, C, KH, KW]}, bias {@code [O]} or null; y
     * {@code [N, O, OH, OW]} with the output size given by {@link Conv2dSpec}.
     */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, Conv2dSpec spec) {
        ConvGeometry g = conv2dGeometry(x, w, bias, spec);
        DeviceOps device = Devices.opsFor("conv2d", x, w, bias);
        if (device != null) return device.conv2d(x, w, bias, g);
        long start = OpProfile.start();
        float[] y = Storage.take(g.batch() * g.outChannels() * g.outPlane());
        Conv2dKernels.forward(x.data(), w.data(), bias == null ? null : bias.data(), g, y, false);
        OpProfile.record("conv2d", false, start);
        int[] outShape = {g.batch(), g.outChannels(), g.outH(), g.outW()};
        return Tensor.fromOp("conv2d", y, outShape, dy -> {
            // Input and weight gradients share one pass over the batch (one reordering of dy per group).
            boolean addToDx = x.gradData() != null;      // no buffer yet: write a new one, do not add
            float[] dx = x.requiresGrad() ? x.gradBufferToOverwrite() : null;
            float[] dw = w.requiresGrad() ? w.gradBuffer() : null;
            if (dx != null || dw != null) {
                Conv2dKernels.backward(x.data(), w.data(), dy, g, dx, addToDx, dw);
            }
            if (bias != null && bias.requiresGrad()) {
                Conv2dKernels.biasGradient(dy, g.batch(), g.outChannels(), g.outPlane(), bias.gradBuffer());
            }
        }, inputs(x, w, bias));
    }

    /**
     * The transposed convolution (the gradient of conv2d with respect to its input, used to upsample):
     * x {@code [N, Cin, H, W]}, w {@code [Cin, Cout, KH, KW]} (PyTorch's layout), bias {@code [Cout]} or
     * null; y {@code [N, Cout, OH, OW]} with the output size given by {@link ConvTranspose2dSpec}.
     */
    public static Tensor convTranspose2d(Tensor x, Tensor w, Tensor bias, ConvTranspose2dSpec spec) {
        ConvGeometry g = convTranspose2dGeometry(x, w, bias, spec);
        DeviceOps device = Devices.opsFor("convTranspose2d", x, w, bias);
        if (device != null) return device.convTranspose2d(x, w, bias, g);
        long start = OpProfile.start();
        float[] y = Storage.take(g.batch() * g.channels() * g.imagePlane());
        Conv2dKernels.transposedForward(x.data(), w.data(), bias == null ? null : bias.data(), g, y);
        OpProfile.record("convTranspose2d", false, start);
        int[] outShape = {g.batch(), g.channels(), g.height(), g.width()};
        return Tensor.fromOp("convTranspose2d", y, outShape, dy -> {
            boolean addToDx = x.gradData() != null;
            float[] dx = x.requiresGrad() ? x.gradBufferToOverwrite() : null;
            float[] dw = w.requiresGrad() ? w.gradBuffer() : null;
            if (dx != null || dw != null) {
                Conv2dKernels.transposedBackward(x.data(), w.data(), dy, g, dx, addToDx, dw);
            }
            if (bias != null && bias.requiresGrad()) {
                Conv2dKernels.biasGradient(dy, g.batch(), g.channels(), g.imagePlane(), bias.gradBuffer());
            }
        }, inputs(x, w, bias));
    }

    // ---- shapes ---------------------------------------------------------------------------------

    /** Checks the arguments of conv2d and works out its sizes. */
    public static ConvGeometry conv2dGeometry(Tensor x, Tensor w, Tensor bias, Conv2dSpec spec) {
        String op = "conv2d";
        checkCommon(op, x, w, bias, w.size(0), spec.strideH(), spec.strideW());
        int[] xs = x.shape(), ws = w.shape();
        if (ws[1] != xs[1]) {
            throw new IllegalArgumentException(op + ": input " + Shape.str(xs) + " has " + xs[1] + " channels but weight "
                    + Shape.str(ws) + " expects " + ws[1] + " (weight is [outChannels, inChannels, kH, kW])");
        }
        int[] v = spec.resolve(xs[2], ws[2], spec.strideH(), true);
        int[] h = spec.resolve(xs[3], ws[3], spec.strideW(), false);
        if (v[2] < 1 || h[2] < 1) {
            throw new IllegalArgumentException(op + ": kernel " + ws[2] + "x" + ws[3] + " is larger than the padded input "
                    + (xs[2] + v[0] + v[1]) + "x" + (xs[3] + h[0] + h[1]) + " (input " + Shape.str(xs) + ", " + spec.padding() + ")");
        }
        return new ConvGeometry(xs[0], xs[1], xs[2], xs[3], ws[0], ws[2], ws[3],
                spec.strideH(), spec.strideW(), v[0], h[0], v[2], h[2]);
    }

    /** Checks the arguments of convTranspose2d and works out the sizes of the convolution it transposes. */
    public static ConvGeometry convTranspose2dGeometry(Tensor x, Tensor w, Tensor bias, ConvTranspose2dSpec spec) {
        String op = "convTranspose2d";
        checkCommon(op, x, w, bias, w.size(1), spec.strideH(), spec.strideW());
        int[] xs = x.shape(), ws = w.shape();
        if (ws[0] != xs[1]) {
            throw new IllegalArgumentException(op + ": input " + Shape.str(xs) + " has " + xs[1] + " channels but weight "
                    + Shape.str(ws) + " expects " + ws[0] + " (weight is [inChannels, outChannels, kH, kW])");
        }
        checkOutputPadding(op, spec.outputPaddingH(), spec.strideH(), spec.padding(), xs);
        checkOutputPadding(op, spec.outputPaddingW(), spec.strideW(), spec.padding(), xs);
        int[] v = spec.resolve(xs[2], ws[2], spec.strideH(), spec.outputPaddingH(), true);
        int[] h = spec.resolve(xs[3], ws[3], spec.strideW(), spec.outputPaddingW(), false);
        if (v[2] < 1 || h[2] < 1) {
            throw new IllegalArgumentException(op + ": padding " + spec.padding() + " removes the whole output (input "
                    + Shape.str(xs) + ", weight " + Shape.str(ws) + " gives " + v[2] + "x" + h[2] + ")");
        }
        return new ConvGeometry(xs[0], ws[1], v[2], h[2], xs[1], ws[2], ws[3],
                spec.strideH(), spec.strideW(), v[0], h[0], xs[2], xs[3]);
    }

    private static void checkCommon(String op, Tensor x, Tensor w, Tensor bias, int biasSize, int strideH, int strideW) {
        if (x.dim() != 4) {
            throw new IllegalArgumentException(op + ": input must be 4-D [N, C, H, W], got " + Shape.str(x.shape()));
        }
        if (w.dim() != 4) {
            throw new IllegalArgumentException(op + ": weight must be 4-D, got " + Shape.str(w.shape()));
        }
        if (bias != null && (bias.dim() != 1 || bias.size(0) != biasSize)) {
            throw new IllegalArgumentException(op + ": bias must be [" + biasSize + "] for weight " + Shape.str(w.shape())
                    + ", got " + Shape.str(bias.shape()));
        }
        if (strideH < 1 || strideW < 1) {
            throw new IllegalArgumentException(op + ": stride must be positive, got " + strideH + "x" + strideW
                    + " (input " + Shape.str(x.shape()) + ", weight " + Shape.str(w.shape()) + ")");
        }
        if (x.numel() == 0 || w.numel() == 0) {
            throw new IllegalArgumentException(op + ": empty input " + Shape.str(x.shape()) + " or weight " + Shape.str(w.shape()));
        }
    }

    private static void checkOutputPadding(String op, int outputPadding, int stride, Padding padding, int[] xShape) {
        if (outputPadding < 0 || outputPadding >= stride) {
            throw new IllegalArgumentException(op + ": output padding must be in [0, stride " + stride + "), got " + outputPadding
                    + " (input " + Shape.str(xShape) + ")");
        }
        if (outputPadding != 0 && padding.mode() == Padding.Mode.SAME) {
            throw new IllegalArgumentException(op + ": SAME padding fixes the output size; output padding must be 0, got " + outputPadding
                    + " (input " + Shape.str(xShape) + ")");
        }
    }

    // ---- gradient plumbing ----------------------------------------------------------------------

    private static Tensor[] inputs(Tensor x, Tensor w, Tensor bias) {
        return bias == null ? new Tensor[] {x, w} : new Tensor[] {x, w, bias};
    }
}
