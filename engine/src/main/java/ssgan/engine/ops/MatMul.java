package ssgan.engine.ops;

import ssgan.engine.device.DeviceOps;
import ssgan.engine.device.Devices;
import ssgan.engine.kernels.BinaryOp;
import ssgan.engine.kernels.Elementwise;
import ssgan.engine.kernels.Gemm;
import ssgan.engine.kernels.Reduce;
import ssgan.engine.profile.OpProfile;
import ssgan.engine.tensor.Shape;
import ssgan.engine.tensor.Storage;
import ssgan.engine.tensor.Tensor;

/**
 * Matrix products. Every backward product reads its operands in place through the GEMM's transpose
 * flags: for C = A·B, dA = dC·Bᵀ and dB = Aᵀ·dC, and no transposed copy is ever made.
 */
public final class MatMul {
    private MatMul() {}

    /**
     * A·B for A [M, K] and B [K, N] → [M, N]; batched for A [B, M, K] and B [B, K, N] → [B, M, N];
     * and A [B, M, K] with a shared B [K, N] → [B, M, N].
     */
    public static Tensor matmul(Tensor a, Tensor b) {
        int[] as = a.shape();
        int[] bs = b.shape();
        if (as.length == 3 && bs.length == 2) { // one matrix for the whole batch: fold the batch into the rows
            return matmul(a.reshape(as[0] * as[1], as[2]), b).reshape(as[0], as[1], bs[1]);
        }
        boolean ok = (as.length == 2 && bs.length == 2) || (as.length == 3 && bs.length == 3 && as[0] == bs[0]);
        if (!ok || as[as.length - 1] != bs[bs.length - 2]) {
            throw new IllegalArgumentException("matmul: shapes " + Shape.str(as) + " and " + Shape.str(bs)
                    + " do not match: need [M, K]·[K, N] or [B, M, K]·[B, K, N] (or [B, M, K]·[K, N])");
        }
        DeviceOps device = Devices.opsFor("matmul", a, b);
        if (device != null) return device.matmul(a, b);
        int batch = as.length == 3 ? as[0] : 1;
        int m = as[as.length - 2];
        int k = as[as.length - 1];
        int n = bs[bs.length - 1];
        float[] x = a.data();
        float[] y = b.data();
        long start = OpProfile.start();
        float[] out = Storage.take(batch * m * n);
        for (int i = 0; i < batch; i++) {
            Gemm.gemm(false, false, m, n, k, x, i * m * k, k, y, i * k * n, n, out, i * m * n, n, false);
        }
        OpProfile.record("matmul", false, start);
        int[] outShape = as.length == 3 ? new int[] {batch, m, n} : new int[] {m, n};
        return Tensor.fromOp("matmul", out, outShape, g -> {
            boolean addToA = a.gradData() != null;   // no buffer yet: each slice is written, not added
            for (int i = 0; i < batch; i++) {
                if (a.requiresGrad()) { // dA[m×k] += dC[m×n] · Bᵀ
                    Gemm.gemm(false, true, m, k, n, g, i * m * n, n, y, i * k * n, n, a.gradBufferToOverwrite(), i * m * k, k, addToA);
                }
                if (b.requiresGrad()) { // dB[k×n] += Aᵀ · dC[m×n]
                    Gemm.gemm(true, false, k, n, m, x, i * m * k, k, g, i * m * n, n, b.gradBuffer(), i * k * n, n, true);
                }
            }
        }, a, b);
    }

    /**
     * The fully connected layer, PyTorch layout: x [..., in], weight [out, in], bias [out] or null →
     * x·weightᵀ + bias, of shape [..., out]. Leading dimensions of x are treated as one batch dimension.
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        int[] xs = x.shape();
        int[] ws = weight.shape();
        checkLinear("linear", xs, ws);
        int in = ws[1];
        int outFeatures = ws[0];
        if (bias != null && (bias.dim() != 1 || bias.size(0) != outFeatures)) {
            throw new IllegalArgumentException("linear: bias " + Shape.str(bias.shape()) + " does not match weight "
                    + Shape.str(ws) + ": need bias [" + outFeatures + "]");
        }
        DeviceOps device = Devices.opsFor("linear", x, weight, bias);
        if (device != null) return device.linear(x, weight, bias);
        int rows = in == 0 ? 0 : x.numel() / in;
        float[] xd = x.data();
        float[] wd = weight.data();
        long start = OpProfile.start();
        float[] out = Storage.take(rows * outFeatures);
        Gemm.gemm(false, true, rows, outFeatures, in, xd, 0, in, wd, 0, in, out, 0, outFeatures, false);
        if (bias != null) Elementwise.binaryRows(BinaryOp.ADD, out, bias.data(), out, rows, outFeatures, false);
        OpProfile.record("linear", false, start);
        int[] outShape = xs.clone();
        outShape[xs.length - 1] = outFeatures;
        Tensor[] inputs = bias == null ? new Tensor[] {x, weight} : new Tensor[] {x, weight, bias};
        return Tensor.fromOp("linear", out, outShape, g -> {
            if (x.requiresGrad()) { // dx[rows×in] += g[rows×out] · W[out×in] (written, not added, into a new buffer)
                boolean add = x.gradData() != null;
                Gemm.gemm(false, false, rows, in, outFeatures, g, 0, outFeatures, wd, 0, in, x.gradBufferToOverwrite(), 0, in, add);
            }
            if (weight.requiresGrad()) { // dW[out×in] += gᵀ · x
                Gemm.gemm(true, false, outFeatures, in, rows, g, 0, outFeatures, xd, 0, in, weight.gradBuffer(), 0, in, true);
            }
            if (bias != null && bias.requiresGrad()) { // db = column sums of g
                Reduce.addColumnSums(g, rows, outFeatures, bias.gradBuffer());
            }
        }, inputs);
    }

    /**
     * {@code channelAffine(linear(x, weight, null), scale, shift, leakySlope)} for x [rows, in]: a
     * weight-normalised layer's product, then its per-unit scale, bias and activation. The same numbers
     * and the same backward as the two ops one after the other, which is what the cpu runs; a device may
     * do both in one pass (the GPU does: one kernel writes the product, kept for the backward, and the
     * output).
     */
    public static Tensor linearAffine(Tensor x, Tensor weight, Tensor scale, Tensor shift, float leakySlope) {
        if (x.dim() != 2) {
            throw new IllegalArgumentException("linearAffine: input must be [rows, in], got " + Shape.str(x.shape()));
        }
        checkLinear("linearAffine", x.shape(), weight.shape());
        DeviceOps device = Devices.opsFor("linearAffine", x, weight, scale, shift);
        if (device == null) return Normalization.channelAffine(linear(x, weight, null), scale, shift, leakySlope);
        Normalization.checkAffine("linearAffine", new int[] {x.size(0), weight.size(0)}, scale, shift, leakySlope);
        return device.linearAffine(x, weight, scale, shift, leakySlope);
    }

    private static void checkLinear(String op, int[] xs, int[] ws) {
        if (xs.length < 1 || ws.length != 2 || xs[xs.length - 1] != ws[1]) {
            throw new IllegalArgumentException(op + ": input " + Shape.str(xs) + " and weight " + Shape.str(ws)
                    + " do not match: need input [..., in] and weight [out, in]");
        }
    }
}
