package ssgan.cuda;

import static ssgan.engine.ops.Normalization.NO_ACTIVATION;

import java.util.Arrays;
import ssgan.cuda.CudaKernels.SoftmaxOf;
import ssgan.engine.device.DeviceAdam;
import ssgan.engine.device.DeviceArray;
import ssgan.engine.device.DeviceOps;
import ssgan.engine.kernels.BinaryOp;
import ssgan.engine.kernels.ConvGeometry;
import ssgan.engine.kernels.UnaryOp;
import ssgan.engine.tensor.Shape;
import ssgan.engine.tensor.Tensor;

/**
 * The engine's ops on a GPU, each a forward launch and its backward rule side by side, mirroring its CPU
 * namesake in {@code ssgan.engine.ops} (Arithmetic, MatMul, Convolution, Resize, Reductions, Pointwise,
 * Activations, Normalization, Losses, Stochastic, Shapes; nn's WeightNorm.rowNorms) rule for rule. The
 * engine op that dispatches here has already checked the arguments and that they all live on this device.
 *
 * <p>A rule reads only what lives as long as the graph does: the op's inputs and its own output. What
 * the cpu keeps from the forward in Java arrays (batch norm's statistics, a loss's differences, the
 * labels) is worked out again, or uploaded again, in the rule, since device memory has no garbage
 * collector to take it back when a graph is dropped without a backward pass.
 */
public final class CudaOps implements DeviceOps {
    private final CudaDevice device;
    private final CudaKernels kernels;

    CudaOps(CudaDevice device) {
        this.device = device;
        this.kernels = device.kernels();
    }

    @Override
    public CudaDevice device() {
        return device;
    }

    // ---- arithmetic (Arithmetic) -----------------------------------------------------------------

    @Override
    public Tensor add(Tensor a, Tensor b) {
        int[] shape = Shape.broadcast("add", a.shape(), b.shape());
        return Tensor.fromDeviceOp("add", binary(BinaryOp.ADD, a, b, shape), shape, g -> {
            // d(a+b)/da = d(a+b)/db = 1; where one was broadcast, its gradient is g summed back down.
            if (a.requiresGrad()) sumIntoGrad(cuda(g), shape, a, 1f);
            if (b.requiresGrad()) sumIntoGrad(cuda(g), shape, b, 1f);
        }, a, b);
    }

    @Override
    public Tensor sub(Tensor a, Tensor b) {
        int[] shape = Shape.broadcast("sub", a.shape(), b.shape());
        return Tensor.fromDeviceOp("sub", binary(BinaryOp.SUB, a, b, shape), shape, g -> {
            if (a.requiresGrad()) sumIntoGrad(cuda(g), shape, a, 1f);
            if (b.requiresGrad()) sumIntoGrad(cuda(g), shape, b, -1f); // d(a−b)/db = −1
        }, a, b);
    }

    @Override
    public Tensor mul(Tensor a, Tensor b) {
        int[] shape = Shape.broadcast("mul", a.shape(), b.shape());
        return Tensor.fromDeviceOp("mul", binary(BinaryOp.MUL, a, b, shape), shape, g -> {
            // d(a·b)/da = b, d(a·b)/db = a
            if (a.requiresGrad()) addGrad(a, BinaryOp.MUL, cuda(g), b, shape);
            if (b.requiresGrad()) addGrad(b, BinaryOp.MUL, cuda(g), a, shape);
        }, a, b);
    }

    @Override
    public Tensor div(Tensor a, Tensor b) {
        int[] shape = Shape.broadcast("div", a.shape(), b.shape());
        CudaArray out = binary(BinaryOp.DIV, a, b, shape);
        return Tensor.fromDeviceOp("div", out, shape, g -> {
            // d(a/b)/da = 1/b
            if (a.requiresGrad()) addGrad(a, BinaryOp.DIV, cuda(g), b, shape);
            // d(a/b)/db = −a/b² = −out/b
            if (b.requiresGrad()) {
                CudaArray negGOut = device.allocate(g.length());
                kernels.binary(BinaryOp.MUL, cuda(g), shape, out, shape, negGOut, shape, false);
                kernels.scale(negGOut, -1f, negGOut);
                addGrad(b, BinaryOp.DIV, negGOut, b, shape);
                negGOut.release();
            }
        }, a, b);
    }

    @Override
    public Tensor scale(String op, Tensor a, float s) {
        CudaArray out = device.allocate(a.numel());
        kernels.scale(out, s, data(a));
        return Tensor.fromDeviceOp(op, out, a.shape(), g -> {
            Grad da = gradToWrite(a);
            kernels.axpyOrScale(da.array(), s, cuda(g), da.add());
        }, a);
    }

    @Override
    public Tensor addScalar(Tensor a, float s) {
        CudaArray out = device.allocate(a.numel());
        kernels.addScalar(out, data(a), s);
        return Tensor.fromDeviceOp("addScalar", out, a.shape(), a::accumulateDeviceGrad, a);
    }

    /** A new array holding {@code a op b}, broadcast to {@code shape}. */
    private CudaArray binary(BinaryOp op, Tensor a, Tensor b, int[] shape) {
        CudaArray out = device.allocate(Shape.numel(shape));
        kernels.binary(op, data(a), a.shape(), data(b), b.shape(), out, shape, false);
        return out;
    }

    /**
     * {@code target.grad += sumToShape(g op other)}, where g has the (broadcast) output shape. When the
     * target has the output's shape, the result goes straight into its gradient, with no temporary.
     */
    private void addGrad(Tensor target, BinaryOp op, CudaArray g, Tensor other, int[] outShape) {
        if (Arrays.equals(target.shape(), outShape)) {
            Grad dt = gradToWrite(target);
            kernels.binary(op, g, outShape, data(other), other.shape(), dt.array(), outShape, dt.add());
        } else {
            CudaArray full = device.allocate(g.length());
            kernels.binary(op, g, outShape, data(other), other.shape(), full, outShape, false);
            kernels.sumInto(full, outShape, grad(target), target.shape(), 1f);
            full.release();
        }
    }

    // ---- matrix products (MatMul) ----------------------------------------------------------------

    /**
     * A·B for A [M, K] and B [K, N]; batched for A [B, M, K] and B [B, K, N]; and A [B, M, K] with a
     * shared B [K, N], whose batch folds into the rows. Backward reads the operands in place through the
     * GEMM's transpose flags: dA = dC·Bᵀ and dB = Aᵀ·dC.
     */
    @Override
    public Tensor matmul(Tensor a, Tensor b) {
        int[] as = a.shape();
        int[] bs = b.shape();
        int batch = as.length == 3 && bs.length == 3 ? as[0] : 1;
        int k = as[as.length - 1];
        int n = bs[bs.length - 1];
        int m = as[as.length - 2] * (as.length == 3 && bs.length == 2 ? as[0] : 1); // a shared B: the batch is more rows
        CudaArray x = data(a);
        CudaArray y = data(b);
        CudaArray out = device.allocate(batch * m * n);
        for (int i = 0; i < batch; i++) {
            kernels.gemm(false, false, m, n, k, 1f, x, i * m * k, k, y, i * k * n, n, out, i * m * n, n, false);
        }
        int[] outShape = as.clone();
        outShape[as.length - 1] = n;
        return Tensor.fromDeviceOp("matmul", out, outShape, g -> {
            for (int i = 0; i < batch; i++) {
                if (a.requiresGrad()) { // dA[m×k] += dC[m×n] · Bᵀ
                    kernels.gemm(false, true, m, k, n, 1f, cuda(g), i * m * n, n, y, i * k * n, n, grad(a), i * m * k, k, true);
                }
                if (b.requiresGrad()) { // dB[k×n] += Aᵀ · dC[m×n]
                    kernels.gemm(true, false, k, n, m, 1f, x, i * m * k, k, cuda(g), i * m * n, n, grad(b), i * k * n, n, true);
                }
            }
        }, a, b);
    }

    /**
     * x [..., in] · weight [out, in]ᵀ + bias [out] (or no bias), of shape [..., out]: one launch, the
     * bias added as each product is written.
     */
    @Override
    public Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        int in = weight.size(1), units = weight.size(0);
        int rows = in == 0 ? 0 : x.numel() / in;
        CudaArray out = device.allocate(rows * units);
        kernels.linearForward(rows, units, in, data(x), data(weight), null, bias == null ? null : data(bias), NO_ACTIVATION, null, out);
        return linearResult(x, weight, bias, out);
    }

    /**
     * The weight-normalised layer's {@code channelAffine(linear(x, weight, null), scale, shift, slope)}
     * in one launch, which writes the product (kept for linear's backward) and the output; the backward
     * rules are the two ops'.
     */
    @Override
    public Tensor linearAffine(Tensor x, Tensor weight, Tensor scale, Tensor shift, float leakySlope) {
        int rows = x.size(0), in = weight.size(1), units = weight.size(0);
        CudaArray product = device.allocate(rows * units), y = device.allocate(rows * units);
        kernels.linearForward(rows, units, in, data(x), data(weight), data(scale), shift == null ? null : data(shift), leakySlope, product, y);
        return channelAffineResult(linearResult(x, weight, null, product), scale, shift, leakySlope, y);
    }

    /** The tensor of linear's result {@code out} (already computed), with its backward rule. */
    private Tensor linearResult(Tensor x, Tensor weight, Tensor bias, CudaArray out) {
        int[] xs = x.shape();
        int in = weight.size(1);
        int outFeatures = weight.size(0);
        int rows = in == 0 ? 0 : x.numel() / in;
        CudaArray xd = data(x);
        CudaArray wd = data(weight);
        int[] outShape = xs.clone();
        outShape[xs.length - 1] = outFeatures;
        Tensor[] inputs = bias == null ? new Tensor[] {x, weight} : new Tensor[] {x, weight, bias};
        return Tensor.fromDeviceOp("linear", out, outShape, g -> {
            if (x.requiresGrad()) { // dx[rows×in] += g[rows×out] · W[out×in]
                Grad dx = gradToWrite(x);
                kernels.gemm(false, false, rows, in, outFeatures, 1f, cuda(g), 0, outFeatures, wd, 0, in, dx.array(), 0, in, dx.add());
            }
            if (weight.requiresGrad()) { // dW[out×in] += gᵀ · x
                kernels.gemm(true, false, outFeatures, in, rows, 1f, cuda(g), 0, outFeatures, xd, 0, in, grad(weight), 0, in, true);
            }
            if (bias != null && bias.requiresGrad()) { // db = column sums of g
                kernels.addColumnSums(cuda(g), rows, outFeatures, grad(bias));
            }
        }, inputs);
    }

    // ---- convolutions (Convolution) ----------------------------------------------------------------

    /**
     * The convolution g plus bias, x [N, C, H, W] → [N, O, OH, OW]. As on the cpu, its gradients are the
     * three shared products: dx = the adjoint of the convolution applied to dy, dw from dy and x's im2col
     * matrix, and db the sum of dy over images and pixels.
     */
    @Override
    public Tensor conv2d(Tensor x, Tensor w, Tensor bias, ConvGeometry g) {
        CudaArray y = device.allocate(g.batch() * g.outChannels() * g.outPlane());
        convolve(data(x), data(w), bias == null ? null : data(bias), g, y, false);
        int[] outShape = {g.batch(), g.outChannels(), g.outH(), g.outW()};
        return Tensor.fromDeviceOp("conv2d", y, outShape, dy -> {
            if (x.requiresGrad()) adjoint(cuda(dy), data(w), null, g, grad(x), true);
            if (w.requiresGrad()) weightGradient(cuda(dy), data(x), g, grad(w));
            if (bias != null && bias.requiresGrad()) {
                kernels.sumInto(cuda(dy), new int[] {g.batch(), g.outChannels(), g.outPlane()}, grad(bias), new int[] {g.outChannels(), 1}, 1f);
            }
        }, inputs(x, w, bias));
    }

    /**
     * The transposed convolution, the adjoint of the convolution g, plus bias: x [N, O, OH, OW] →
     * [N, C, H, W]. Its input gradient is the convolution g applied to dy; its weight gradient is the
     * convolution's with the two sides exchanged (x on the output side, dy the image).
     */
    @Override
    public Tensor convTranspose2d(Tensor x, Tensor w, Tensor bias, ConvGeometry g) {
        CudaArray y = device.allocate(g.batch() * g.channels() * g.imagePlane());
        adjoint(data(x), data(w), bias == null ? null : data(bias), g, y, false);
        int[] outShape = {g.batch(), g.channels(), g.height(), g.width()};
        return Tensor.fromDeviceOp("convTranspose2d", y, outShape, dy -> {
            if (x.requiresGrad()) convolve(cuda(dy), data(w), null, g, grad(x), true);
            if (w.requiresGrad()) weightGradient(data(x), cuda(dy), g, grad(w));
            if (bias != null && bias.requiresGrad()) {
                kernels.sumInto(cuda(dy), new int[] {g.batch(), g.channels(), g.imagePlane()}, grad(bias), new int[] {g.channels(), 1}, 1f);
            }
        }, inputs(x, w, bias));
    }

    /**
     * {@code out [N, O, OH, OW] (+)= conv(image) + bias}, image {@code [N, C, H, W]}: the convolution as
     * one matrix product {@code out' [O × N·P] = W [O × K] · col}, col the im2col matrix of the whole batch
     * (K = C·KH·KW, P = OH·OW), then out' (channels outermost) moved to NCHW with the bias added.
     */
    private void convolve(CudaArray image, CudaArray w, CudaArray bias, ConvGeometry g, CudaArray out, boolean accumulate) {
        int k = g.patchSize(), o = g.outChannels(), cols = g.batch() * g.outPlane();
        CudaArray col = device.allocate(k * cols), outT = device.allocate(o * cols);
        kernels.im2col(image, g, col);
        kernels.gemm(false, false, o, cols, k, 1f, w, 0, k, col, 0, cols, outT, 0, cols, false);
        kernels.swapLeading(outT, bias, o, g.batch(), g.outPlane(), out, accumulate);
        col.release(); // safe at once: anything that reuses them runs after these kernels
        outT.release();
    }

    /**
     * {@code image [N, C, H, W] (+)= convᵀ(out) + bias}: the adjoint of the convolution g applied to
     * {@code out [N, O, OH, OW]}, as {@code col = Wᵀ · out'} and col2im summing each pixel's entries.
     */
    private void adjoint(CudaArray out, CudaArray w, CudaArray bias, ConvGeometry g, CudaArray image, boolean accumulate) {
        int k = g.patchSize(), o = g.outChannels(), cols = g.batch() * g.outPlane();
        CudaArray outT = device.allocate(o * cols), col = device.allocate(k * cols);
        kernels.swapLeading(out, null, g.batch(), o, g.outPlane(), outT, false);
        kernels.gemm(true, false, k, cols, o, 1f, w, 0, k, outT, 0, cols, col, 0, cols, false);
        kernels.col2im(col, bias, g, image, accumulate);
        outT.release();
        col.release();
    }

    /**
     * {@code dw [O × K] += out' · colᵀ}, out {@code [N, O, OH, OW]} on the convolution's output side and col
     * the im2col matrix of {@code image [N, C, H, W]}: the weight gradient of a convolution (out = dy,
     * image = x) and of a transposed one (out = its input x, image = its output gradient dy).
     */
    private void weightGradient(CudaArray out, CudaArray image, ConvGeometry g, CudaArray dw) {
        int k = g.patchSize(), o = g.outChannels(), cols = g.batch() * g.outPlane();
        CudaArray outT = device.allocate(o * cols), col = device.allocate(k * cols);
        kernels.swapLeading(out, null, g.batch(), o, g.outPlane(), outT, false);
        kernels.im2col(image, g, col);
        kernels.gemm(false, true, o, k, cols, 1f, outT, 0, cols, col, 0, cols, dw, 0, k, true);
        outT.release();
        col.release();
    }

    private static Tensor[] inputs(Tensor x, Tensor w, Tensor bias) {
        return bias == null ? new Tensor[] {x, w} : new Tensor[] {x, w, bias};
    }

    // ---- resizing (Resize) -------------------------------------------------------------------------

    /** Bilinear resize of each plane; the gradient is the adjoint, each input pixel gathering from the outputs that read it. */
    @Override
    public Tensor bilinear(Tensor x, int outH, int outW) {
        int planes = x.size(0) * x.size(1), h = x.size(2), w = x.size(3);
        CudaArray y = device.allocate(planes * outH * outW);
        kernels.bilinear(data(x), planes, h, w, outH, outW, y);
        return Tensor.fromDeviceOp("bilinear", y, new int[] {x.size(0), x.size(1), outH, outW},
                dy -> kernels.bilinearBackward(cuda(dy), planes, h, w, outH, outW, grad(x)), x);
    }

    // ---- reductions (Reductions) -----------------------------------------------------------------

    @Override
    public Tensor sum(Tensor a) {
        return sumAll("sum", a, 1f);
    }

    @Override
    public Tensor mean(Tensor a) {
        return sumAll("mean", a, 1f / a.numel());
    }

    /** scale · (the sum of all elements), a 0-dimensional tensor; each element's gradient is scale · g. */
    private Tensor sumAll(String name, Tensor a, float scale) {
        CudaArray out = device.allocate(1);
        kernels.sum(data(a), out, scale);
        return Tensor.fromDeviceOp(name, out, new int[0], g -> kernels.axpy(grad(a), scale, cuda(g), 0, a.numel()), a);
    }

    /**
     * {@code scale} · the sum of {@code a} down to {@code kept}; each element's gradient is the gradient
     * of the sum it went into, times scale.
     */
    @Override
    public Tensor sumToShape(String op, Tensor a, int[] kept, int[] outShape, float scale) {
        int[] shape = a.shape();
        CudaArray out = device.allocate(Shape.numel(kept));
        kernels.fill(out, 0f);
        kernels.sumInto(data(a), shape, out, kept, scale);
        return Tensor.fromDeviceOp(op, out, outShape, g -> {
            CudaArray scaled = cuda(g);
            if (scale != 1f) {
                scaled = device.allocate(g.length());
                kernels.scale(scaled, scale, cuda(g));
            }
            kernels.binary(BinaryOp.ADD, grad(a), shape, scaled, kept, grad(a), shape, false); // grad += g spread back
            if (scaled != g) scaled.release();
        }, a);
    }

    // ---- element-wise functions (Pointwise, Activations) -----------------------------------------

    @Override
    public Tensor unary(String op, UnaryOp function, Tensor a) {
        CudaArray x = data(a);
        CudaArray y = device.allocate(a.numel());
        kernels.unary(function, y, x);
        return Tensor.fromDeviceOp(op, y, a.shape(), g -> {
            Grad da = gradToWrite(a);
            kernels.unaryBackward(function, da.array(), x, y, cuda(g), da.add());
        }, a);
    }

    /**
     * x for x > 0, slope·x otherwise: channel_affine over a single channel of scale 1, and its gradient
     * channel_combine gated by x itself (dy where x > 0, slope·dy elsewhere, whatever the slope's sign).
     */
    @Override
    public Tensor leakyRelu(String op, Tensor a, float slope) {
        int n = a.numel();
        CudaArray x = data(a);
        CudaArray y = device.allocate(n);
        CudaArray one = ones(1);
        kernels.channelAffine(x, 1, 1, n, one, null, slope, y);
        one.release();
        return Tensor.fromDeviceOp(op, y, a.shape(), g -> {
            CudaArray scale = ones(1);
            Grad da = gradToWrite(a);
            kernels.channelCombine(cuda(g), x, slope, x, 1, 1, n, scale, null, null, da.array(), da.add());
            scale.release();
        }, a);
    }

    private CudaArray ones(int n) {
        CudaArray a = device.allocate(n);
        kernels.fill(a, 1f);
        return a;
    }

    // ---- per channel (Normalization) -------------------------------------------------------------

    /** x · scale + shift per channel, then the leaky ReLU: dx = scale·g, dscale = Σ g·x, dshift = Σ g. */
    @Override
    public Tensor channelAffine(Tensor x, Tensor scale, Tensor shift, float leakySlope) {
        Channels ch = Channels.of(x);
        CudaArray y = device.allocate(x.numel());
        kernels.channelAffine(data(x), ch.n, ch.c, ch.hw, data(scale), shift == null ? null : data(shift), leakySlope, y);
        return channelAffineResult(x, scale, shift, leakySlope, y);
    }

    /** The tensor of channelAffine's result {@code y} (already computed), with its backward rule. */
    private Tensor channelAffineResult(Tensor x, Tensor scale, Tensor shift, float leakySlope, CudaArray y) {
        String op = leakySlope == NO_ACTIVATION ? "channelAffine" : "channelAffine+leakyRelu";
        Channels ch = Channels.of(x);
        Tensor[] inputs = shift == null ? new Tensor[] {x, scale} : new Tensor[] {x, scale, shift};
        return Tensor.fromDeviceOp(op, y, x.shape(), dy -> {
            CudaArray gate = leakySlope == NO_ACTIVATION ? cuda(dy) : y; // the activation's output says where it passed dy
            if (x.requiresGrad()) {
                Grad dx = gradToWrite(x);
                kernels.channelCombine(cuda(dy), gate, leakySlope, data(x), ch.n, ch.c, ch.hw, data(scale), null, null, dx.array(), dx.add());
            }
            boolean wantScale = scale.requiresGrad(), wantShift = shift != null && shift.requiresGrad();
            if (wantScale || wantShift) {
                CudaArray sumDy = device.allocate(ch.c), sumDyX = device.allocate(ch.c);
                kernels.channelGradientSums(cuda(dy), gate, leakySlope, data(x), null, ch.n, ch.c, ch.hw, sumDy, sumDyX);
                if (wantScale) sumIntoGrad(sumDyX, new int[] {ch.c}, scale, 1f);
                if (wantShift) sumIntoGrad(sumDy, new int[] {ch.c}, shift, 1f);
                sumDy.release();
                sumDyX.release();
            }
        }, inputs);
    }

    /**
     * Batch normalisation per channel, then the leaky ReLU: in training with the batch's statistics
     * (and the running ones updated in place), in eval with the running ones. The backward rule is
     * Normalization's analytic one: {@code dx = scale·g + b·x + k} per channel in training, {@code scale·g}
     * in eval, {@code dγ = Σ g·x̂}, {@code dβ = Σ g}.
     */
    @Override
    public Tensor batchNorm(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                            boolean training, float momentum, float eps, float leakySlope) {
        String op = leakySlope == NO_ACTIVATION ? "batchNorm" : "batchNorm+leakyRelu";
        if (x.dim() < 2) throw new IllegalArgumentException(op + ": input must be [N, C], [N, C, L] or [N, C, H, W], got " + Shape.str(x.shape()));
        Channels ch = Channels.of(x);
        int count = ch.n * ch.hw;
        if (!training && (runningMean == null || runningVar == null)) {
            throw new IllegalArgumentException(op + ": eval mode normalises with the running statistics, but runningMean or runningVar is null");
        }
        if (training && count < 2) {
            throw new IllegalArgumentException(op + ": training needs more than one value per channel to estimate a variance, got input "
                    + Shape.str(x.shape()));
        }
        ChannelStatistics s = statistics(x, gamma, beta, runningMean, runningVar, training, eps);
        if (training && runningMean != null && runningVar != null) {
            kernels.updateRunningStats(data(runningMean), data(runningVar), s.mean, s.var, momentum, count, ch.c);
        }
        CudaArray y = device.allocate(x.numel());
        kernels.channelAffine(data(x), ch.n, ch.c, ch.hw, s.scale, s.shift, leakySlope, y);
        s.release();
        Tensor[] inputs = Arrays.stream(new Tensor[] {x, gamma, beta}).filter(t -> t != null).toArray(Tensor[]::new);
        return Tensor.fromDeviceOp(op, y, x.shape(), dy -> {
            // The statistics again, from x (the same kernels give the same bits) or, in eval mode, from the
            // running ones as they are now: a training pass of this layer in between would have moved them.
            ChannelStatistics t = statistics(x, gamma, beta, runningMean, runningVar, training, eps);
            CudaArray gate = leakySlope == NO_ACTIVATION ? cuda(dy) : y;
            boolean wantX = x.requiresGrad();
            boolean wantGamma = gamma != null && gamma.requiresGrad(), wantBeta = beta != null && beta.requiresGrad();
            CudaArray sumDy = device.allocate(ch.c), sumDyCentered = device.allocate(ch.c);
            if (wantX && training || wantGamma || wantBeta) {
                kernels.channelGradientSums(cuda(dy), gate, leakySlope, data(x), t.mean, ch.n, ch.c, ch.hw, sumDy, sumDyCentered);
            }
            if (wantX && training) {
                CudaArray b = device.allocate(ch.c), k = device.allocate(ch.c);
                kernels.batchNormGradientCoefficients(sumDy, sumDyCentered, t.scale, t.invStd, t.mean, count, ch.c, b, k);
                Grad dx = gradToWrite(x);
                kernels.channelCombine(cuda(dy), gate, leakySlope, data(x), ch.n, ch.c, ch.hw, t.scale, b, k, dx.array(), dx.add());
                b.release();
                k.release();
            } else if (wantX) { // eval: mean and σ are constants
                Grad dx = gradToWrite(x);
                kernels.channelCombine(cuda(dy), gate, leakySlope, data(x), ch.n, ch.c, ch.hw, t.scale, null, null, dx.array(), dx.add());
            }
            int[] perChannel = {ch.c};
            if (wantGamma) kernels.binary(BinaryOp.MUL, sumDyCentered, perChannel, t.invStd, perChannel, grad(gamma), perChannel, true);
            if (wantBeta) sumIntoGrad(sumDy, perChannel, beta, 1f);
            sumDy.release();
            sumDyCentered.release();
            t.release();
        }, inputs);
    }

    /** x seen as [n, c, hw] around its channel dimension 1. */
    private record Channels(int n, int c, int hw) {
        static Channels of(Tensor x) {
            int n = x.size(0), c = x.size(1);
            return new Channels(n, c, n == 0 || c == 0 ? 0 : x.numel() / (n * c));
        }
    }

    /** A channel's mean and variance (the running ones in eval, not owned), 1/σ, and the output's scale and shift. */
    private record ChannelStatistics(CudaArray mean, CudaArray var, CudaArray invStd, CudaArray scale, CudaArray shift, boolean ownsMoments) {
        void release() {
            if (ownsMoments) {
                mean.release();
                var.release();
            }
            invStd.release();
            scale.release();
            shift.release();
        }
    }

    private ChannelStatistics statistics(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, boolean training, float eps) {
        Channels ch = Channels.of(x);
        CudaArray mean, var;
        if (training) {
            mean = device.allocate(ch.c);
            var = device.allocate(ch.c);
            kernels.channelMoments(data(x), ch.n, ch.c, ch.hw, mean, var);
        } else {
            mean = data(runningMean);
            var = data(runningVar);
        }
        CudaArray invStd = device.allocate(ch.c), scale = device.allocate(ch.c), shift = device.allocate(ch.c);
        kernels.batchNormCoefficients(mean, var, gamma == null ? null : data(gamma), beta == null ? null : data(beta), eps, ch.c,
                invStd, scale, shift);
        return new ChannelStatistics(mean, var, invStd, scale, shift, training);
    }

    /** ‖v_r‖ per row of v seen as [rows, rest]; ∂‖v_r‖/∂v_r = v_r / ‖v_r‖. */
    @Override
    public Tensor rowNorms(Tensor v) {
        int rows = v.size(0);
        int cols = v.numel() / Math.max(1, rows);
        CudaArray vd = data(v);
        CudaArray norms = device.allocate(rows);
        kernels.rowNorms(vd, rows, cols, norms);
        return Tensor.fromDeviceOp("weightNorm.rowNorms", norms, new int[] {rows},
                g -> kernels.rowNormsBackward(vd, norms, cuda(g), rows, cols, grad(v)), v);
    }

    // ---- along a dimension (Reductions) ----------------------------------------------------------

    /** log Σ exp(a) along dim; d lse / dx = softmax(x) = exp(x − lse). */
    @Override
    public Tensor logSumExp(Tensor a, int dim, boolean keepDim) {
        Along r = Along.of("logSumExp", a, dim);
        CudaArray x = data(a);
        CudaArray lse = device.allocate(r.rows());
        kernels.logSumExp(x, r.outer, r.n, r.inner, lse);
        return Tensor.fromDeviceOp("logSumExp", lse, r.resultShape(keepDim),
                g -> kernels.softmaxBackward(SoftmaxOf.LOG_SUM_EXP, x, lse, cuda(g), r.outer, r.n, r.inner, grad(a)), a);
    }

    /** softmax along dim; dx = y·g − y·Σ y·g. */
    @Override
    public Tensor softmax(Tensor a, int dim) {
        return softmax("softmax", SoftmaxOf.SOFTMAX, a, dim);
    }

    /** log softmax along dim; dx = g − softmax·Σ g. */
    @Override
    public Tensor logSoftmax(Tensor a, int dim) {
        return softmax("logSoftmax", SoftmaxOf.LOG_SOFTMAX, a, dim);
    }

    private Tensor softmax(String op, SoftmaxOf of, Tensor a, int dim) {
        Along r = Along.of(op, a, dim);
        CudaArray y = device.allocate(a.numel());
        kernels.softmax(data(a), r.outer, r.n, r.inner, of == SoftmaxOf.LOG_SOFTMAX, y);
        return Tensor.fromDeviceOp(op, y, a.shape(), g -> kernels.softmaxBackward(of, y, null, cuda(g), r.outer, r.n, r.inner, grad(a)), a);
    }

    /** The index of the maximum along dim, copied to the host (which waits for the device). */
    @Override
    public int[] argmax(Tensor a, int dim) {
        Along r = Along.of("argmax", a, dim);
        CudaArray index = device.allocate(r.rows());
        kernels.argmax(data(a), r.outer, r.n, r.inner, index);
        float[] host = new float[r.rows()];
        index.copyToHost(host);
        index.release();
        int[] indices = new int[host.length];
        for (int i = 0; i < host.length; i++) indices[i] = (int) host[i];
        return indices;
    }

    /** A tensor seen as [outer, n, inner] around dimension {@code dim}, as the engine's Reductions sees it. */
    private record Along(int[] shape, int dim, int outer, int n, int inner) {
        static Along of(String op, Tensor a, int dim) {
            int[] shape = a.shape();
            int d = Shape.dim(op, dim, shape.length);
            int outer = 1, inner = 1;
            for (int i = 0; i < d; i++) outer *= shape[i];
            for (int i = d + 1; i < shape.length; i++) inner *= shape[i];
            return new Along(shape, d, outer, shape[d], inner);
        }

        int rows() {
            return outer * inner;
        }

        int[] resultShape(boolean keepDim) {
            if (keepDim) {
                int[] s = shape.clone();
                s[dim] = 1;
                return s;
            }
            int[] s = new int[shape.length - 1];
            for (int i = 0, j = 0; i < shape.length; i++) if (i != dim) s[j++] = shape[i];
            return s;
        }
    }

    // ---- losses (Losses) -------------------------------------------------------------------------

    /**
     * Cross-entropy against int labels with label smoothing ε, averaged over the rows; the gradient is
     * (softmax(x) − target)·g/N. The labels go to the device as ints, in one copy (again in backward);
     * neither waits for the device ({@link CudaDevice#upload}).
     */
    @Override
    public Tensor crossEntropy(Tensor logits, int[] labels, float labelSmoothing) {
        int n = logits.size(0), k = logits.size(1);
        float onLabel = 1f - labelSmoothing; // target = uniform + onLabel at the label
        float uniform = labelSmoothing / k;
        int[] y = labels.clone();
        CudaArray x = data(logits);
        CudaArray labelsOnDevice = device.upload(y);
        CudaArray rowLosses = device.allocate(n);
        kernels.crossEntropy(x, labelsOnDevice, onLabel, uniform, n, k, rowLosses);
        CudaArray loss = device.allocate(1);
        kernels.sum(rowLosses, loss, 1f / n);
        rowLosses.release();
        labelsOnDevice.release();
        return Tensor.fromDeviceOp("crossEntropy", loss, new int[0], g -> {
            CudaArray labelsAgain = device.upload(y);
            kernels.crossEntropyBackward(x, labelsAgain, cuda(g), onLabel, uniform, n, k, grad(logits));
            labelsAgain.release();
        }, logits);
    }

    /** mean((a − b)²); d/da = 2(a − b)/count · g, d/db its negative. */
    @Override
    public Tensor mse(Tensor a, Tensor b) {
        int[] shape = a.shape();
        int count = a.numel();
        CudaArray squares = binary(BinaryOp.SUB, a, b, shape);
        kernels.binary(BinaryOp.MUL, squares, shape, squares, shape, squares, shape, false);
        CudaArray loss = device.allocate(1);
        kernels.sum(squares, loss, 1f / count);
        squares.release();
        return Tensor.fromDeviceOp("mse", loss, new int[0], g -> {
            CudaArray diffTimesG = binary(BinaryOp.SUB, a, b, shape);
            kernels.binary(BinaryOp.MUL, diffTimesG, shape, cuda(g), new int[0], diffTimesG, shape, false);
            if (a.requiresGrad()) kernels.axpy(grad(a), 2f / count, diffTimesG, 1, count);
            if (b.requiresGrad()) kernels.axpy(grad(b), -2f / count, diffTimesG, 1, count);
            diffTimesG.release();
        }, a, b);
    }

    // ---- noise (Stochastic) ----------------------------------------------------------------------

    /** a + std·z, z the engine's normal stream for {@code seed}; the gradient passes through unchanged. */
    @Override
    public Tensor gaussianNoise(Tensor a, float std, long seed) {
        CudaArray out = device.allocate(a.numel());
        kernels.gaussian(out, data(a), 0f, std, seed);
        return Tensor.fromDeviceOp("gaussianNoise", out, a.shape(), a::accumulateDeviceGrad, a);
    }

    // ---- joining and cutting (Shapes) ------------------------------------------------------------

    /** Joins along dim; each input's gradient is its own block of g. */
    @Override
    public Tensor concat(int dim, Tensor... ts) {
        int[] first = ts[0].shape();
        int outer = product(first, 0, dim), inner = product(first, dim + 1, first.length);
        int total = 0;
        int[] offsets = new int[ts.length]; // where each input starts along dim
        for (int i = 0; i < ts.length; i++) {
            offsets[i] = total;
            total += ts[i].size(dim);
        }
        int[] outShape = first.clone();
        outShape[dim] = total;
        int stride = total * inner;
        CudaArray out = device.allocate(outer * stride);
        for (int i = 0; i < ts.length; i++) {
            int run = ts[i].size(dim) * inner;
            kernels.copyRuns(data(ts[i]), 0, run, out, offsets[i] * inner, stride, outer, run, false);
        }
        return Tensor.fromDeviceOp("concat", out, outShape, g -> {
            for (int i = 0; i < ts.length; i++) {
                if (!ts[i].requiresGrad()) continue;
                int run = ts[i].size(dim) * inner;
                kernels.copyRuns(cuda(g), offsets[i] * inner, stride, grad(ts[i]), 0, run, outer, run, true);
            }
        }, ts);
    }

    /** Elements [start, start + length) along dim; the gradient goes back to the same place. */
    @Override
    public Tensor narrow(Tensor a, int dim, int start, int length) {
        int[] shape = a.shape();
        int outer = product(shape, 0, dim), inner = product(shape, dim + 1, shape.length);
        int[] outShape = shape.clone();
        outShape[dim] = length;
        int run = length * inner;
        int stride = shape[dim] * inner;
        CudaArray out = device.allocate(outer * run);
        kernels.copyRuns(data(a), start * inner, stride, out, 0, run, outer, run, false);
        return Tensor.fromDeviceOp("narrow", out, outShape,
                g -> kernels.copyRuns(cuda(g), 0, run, grad(a), start * inner, stride, outer, run, true), a);
    }

    /**
     * The rows {@code a[rows[0]], a[rows[1]], ...}: a batch gathered from a dataset kept on the device, in
     * one copy of the row numbers and one launch. Data needs no gradient, so there is no backward rule: a
     * source that requires one is refused rather than given a scatter nobody has checked.
     */
    @Override
    public Tensor indexSelect(Tensor a, int[] rows) {
        if (a.requiresGrad()) throw new UnsupportedOperationException("indexSelect on " + device.name() + ": gradients into the source are not implemented (it gathers data)");
        int row = product(a.shape(), 1, a.shape().length);
        int[] outShape = a.shape().clone();
        outShape[0] = rows.length;
        CudaArray picked = device.upload(rows);
        CudaArray out = device.allocate(rows.length * row);
        kernels.gatherRows(data(a), picked, rows.length, row, out);
        picked.release();
        return Tensor.fromDeviceOp("indexSelect", out, outShape, null);
    }

    /** Each image moved by its own offset: one copy of the offsets and one launch, as in the cpu op (no gradient). */
    @Override
    public Tensor shiftImages(Tensor images, int[] offsets, float background) {
        int[] shape = images.shape();
        CudaArray moves = device.upload(offsets);
        CudaArray out = device.allocate(images.numel());
        kernels.shiftImages(data(images), moves, shape[0], shape[1], shape[2], shape[3], background, out);
        moves.release();
        return Tensor.fromDeviceOp("shiftImages", out, shape.clone(), null);
    }

    /** Each image turned and scaled by its own map: one copy of the maps (each double as two ints) and one launch. */
    @Override
    public Tensor warpImages(Tensor images, double[] maps, float[] moves, float background) {
        int[] shape = images.shape();
        int[] words = new int[2 * maps.length];
        for (int i = 0; i < maps.length; i++) {
            long bits = Double.doubleToRawLongBits(maps[i]);
            words[2 * i] = (int) bits;               // low half first, as __hiloint2double reads them
            words[2 * i + 1] = (int) (bits >>> 32);
        }
        CudaArray uploaded = device.upload(words);
        CudaArray movesThere = moves == null ? null : device.upload(floatBits(moves));   // the kernel reads them as floats
        CudaArray out = device.allocate(images.numel());
        kernels.warpImages(data(images), uploaded, movesThere, shape[0], shape[1], shape[2], shape[3], background, out);
        uploaded.release();
        if (movesThere != null) movesThere.release();
        return Tensor.fromDeviceOp("warpImages", out, shape.clone(), null);
    }

    private static int[] floatBits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) bits[i] = Float.floatToRawIntBits(values[i]);
        return bits;
    }

    private static int product(int[] shape, int from, int to) {
        int p = 1;
        for (int i = from; i < to; i++) p *= shape[i];
        return p;
    }

    // ---- the optimiser and the parameter average -----------------------------------------------

    @Override
    public DeviceAdam adam() {
        return new MultiTensorAdam(device);
    }

    @Override
    public void lerp(DeviceArray average, DeviceArray value, float weight) {
        kernels.lerp(cuda(average), cuda(value), weight);
    }

    @Override
    public void copy(DeviceArray target, int offset, DeviceArray source) {
        int n = source.length();
        if (offset < 0 || offset + n > target.length()) {
            throw new IllegalArgumentException("copy: " + n + " floats into " + target.length() + " from element " + offset);
        }
        kernels.copyRuns(cuda(source), 0, n, cuda(target), offset, n, 1, n, false); // one run of n
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private CudaArray data(Tensor t) {
        return device.cuda(t.deviceData());
    }

    private CudaArray grad(Tensor t) {
        return device.cuda(t.deviceGradBuffer());
    }

    /**
     * t's gradient for a rule that writes every element of it: {@code add} when t already had one, else a
     * new buffer that is not zeroed, which the rule writes instead of adding into (the launch that would
     * zero it is saved), as the cpu's rules do with {@code gradBufferToOverwrite}.
     */
    private record Grad(CudaArray array, boolean add) {}

    private Grad gradToWrite(Tensor t) {
        boolean add = t.deviceGradData() != null;
        return new Grad(device.cuda(t.deviceGradBufferToOverwrite()), add);
    }

    /** {@code t.grad += scale·g} summed down to t's shape; written straight into a new gradient buffer when nothing is summed. */
    private void sumIntoGrad(CudaArray g, int[] gShape, Tensor t, float scale) {
        if (Shape.numel(gShape) == t.numel()) {
            Grad dt = gradToWrite(t);
            kernels.axpyOrScale(dt.array(), scale, g, dt.add());
        } else {
            kernels.sumInto(g, gShape, grad(t), t.shape(), scale);
        }
    }

    private CudaArray cuda(DeviceArray a) {
        return device.cuda(a);
    }
}
