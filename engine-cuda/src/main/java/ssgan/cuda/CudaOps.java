package ssgan.cuda;

import java.util.Arrays;
import ssgan.engine.device.DeviceArray;
import ssgan.engine.device.DeviceOps;
import ssgan.engine.kernels.BinaryOp;
import ssgan.engine.tensor.Shape;
import ssgan.engine.tensor.Tensor;

/**
 * The engine's ops on a GPU, each a forward launch and its backward rule side by side, mirroring its CPU
 * namesake in {@code ssgan.engine.ops} (Arithmetic, MatMul, Reductions) rule for rule. The engine op that
 * dispatches here has already checked the arguments and that they all live on this device.
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
            if (a.requiresGrad()) kernels.sumInto(cuda(g), shape, grad(a), a.shape(), 1f);
            if (b.requiresGrad()) kernels.sumInto(cuda(g), shape, grad(b), b.shape(), 1f);
        }, a, b);
    }

    @Override
    public Tensor sub(Tensor a, Tensor b) {
        int[] shape = Shape.broadcast("sub", a.shape(), b.shape());
        return Tensor.fromDeviceOp("sub", binary(BinaryOp.SUB, a, b, shape), shape, g -> {
            if (a.requiresGrad()) kernels.sumInto(cuda(g), shape, grad(a), a.shape(), 1f);
            if (b.requiresGrad()) kernels.sumInto(cuda(g), shape, grad(b), b.shape(), -1f); // d(a−b)/db = −1
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
        return Tensor.fromDeviceOp(op, out, a.shape(), g -> kernels.axpy(grad(a), s, cuda(g), 1, g.length()), a);
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
     * target has the output's shape, the result is added straight into its gradient, with no temporary.
     */
    private void addGrad(Tensor target, BinaryOp op, CudaArray g, Tensor other, int[] outShape) {
        if (Arrays.equals(target.shape(), outShape)) {
            kernels.binary(op, g, outShape, data(other), other.shape(), grad(target), outShape, true);
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

    /** x [..., in] · weight [out, in]ᵀ + bias [out] (or no bias), of shape [..., out]. */
    @Override
    public Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        int[] xs = x.shape();
        int in = weight.size(1);
        int outFeatures = weight.size(0);
        int rows = in == 0 ? 0 : x.numel() / in;
        CudaArray xd = data(x);
        CudaArray wd = data(weight);
        CudaArray out = device.allocate(rows * outFeatures);
        kernels.gemm(false, true, rows, outFeatures, in, 1f, xd, 0, in, wd, 0, in, out, 0, outFeatures, false);
        if (bias != null) kernels.addBiasRows(out, data(bias), rows, outFeatures);
        int[] outShape = xs.clone();
        outShape[xs.length - 1] = outFeatures;
        Tensor[] inputs = bias == null ? new Tensor[] {x, weight} : new Tensor[] {x, weight, bias};
        return Tensor.fromDeviceOp("linear", out, outShape, g -> {
            if (x.requiresGrad()) { // dx[rows×in] += g[rows×out] · W[out×in]
                kernels.gemm(false, false, rows, in, outFeatures, 1f, cuda(g), 0, outFeatures, wd, 0, in, grad(x), 0, in, true);
            }
            if (weight.requiresGrad()) { // dW[out×in] += gᵀ · x
                kernels.gemm(true, false, outFeatures, in, rows, 1f, cuda(g), 0, outFeatures, xd, 0, in, grad(weight), 0, in, true);
            }
            if (bias != null && bias.requiresGrad()) { // db = column sums of g
                kernels.addColumnSums(cuda(g), rows, outFeatures, grad(bias));
            }
        }, inputs);
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

    // ---- helpers ---------------------------------------------------------------------------------

    private CudaArray data(Tensor t) {
        return device.cuda(t.deviceData());
    }

    private CudaArray grad(Tensor t) {
        return device.cuda(t.deviceGradBuffer());
    }

    private CudaArray cuda(DeviceArray a) {
        return device.cuda(a);
    }
}
