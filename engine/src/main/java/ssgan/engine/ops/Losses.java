package ssgan.engine.ops;

import ssgan.engine.device.DeviceOps;
import ssgan.engine.device.Devices;
import ssgan.engine.kernels.BinaryOp;
import ssgan.engine.kernels.Broadcast;
import ssgan.engine.kernels.Elementwise;
import ssgan.engine.kernels.Reduce;
import ssgan.engine.kernels.UnaryOp;
import ssgan.engine.tensor.Shape;
import ssgan.engine.tensor.Storage;
import ssgan.engine.tensor.Tensor;

/** Loss functions, each averaged over the batch and fused with its gradient (no intermediate graph). */
public final class Losses {
    private Losses() {}

    /**
     * Cross-entropy of logits [N, K] against integer class labels, averaged over the N examples, with
     * PyTorch's label smoothing ε: the target distribution is (1−ε)·onehot(label) + ε/K.
     *
     * <p>Per example, loss = Σ_k target_k·(lse − x_k) = lse − Σ_k target_k·x_k with lse = log Σ exp(x),
     * and d loss / dx = softmax(x) − target.
     */
    public static Tensor crossEntropy(Tensor logits, int[] labels, float labelSmoothing) {
        int[] shape = logits.shape();
        if (shape.length != 2) {
            throw new IllegalArgumentException("crossEntropy: logits must be [N, K], got " + Shape.str(shape));
        }
        int n = shape[0];
        int k = shape[1];
        if (labels.length != n) {
            throw new IllegalArgumentException("crossEntropy: " + labels.length + " labels for logits " + Shape.str(shape) + " (need one per row)");
        }
        if (n == 0) throw new IllegalArgumentException("crossEntropy: empty batch, logits " + Shape.str(shape));
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= k) {
                throw new IllegalArgumentException("crossEntropy: label " + labels[i] + " at position " + i
                        + " is out of range for " + k + " classes (valid: 0.." + (k - 1) + ")");
            }
        }
        if (!(labelSmoothing >= 0f && labelSmoothing <= 1f)) {
            throw new IllegalArgumentException("crossEntropy: label smoothing must be in [0, 1], got " + labelSmoothing);
        }
        DeviceOps device = Devices.opsFor("crossEntropy", logits);
        if (device != null) return device.crossEntropy(logits, labels, labelSmoothing);
        float onLabel = 1f - labelSmoothing; // target = uniform + onLabel at the label
        float uniform = labelSmoothing / k;
        float[] x = logits.data();
        int[] y = labels.clone();
        float[] lse = new float[n];
        Reduce.rowLogSumExp(x, n, k, lse);
        double total = 0;
        for (int i = 0; i < n; i++) {
            double targetDotX = onLabel * x[i * k + y[i]] + (uniform == 0f ? 0 : uniform * Reduce.sum(x, i * k, k));
            total += lse[i] - targetDotX;
        }
        float[] loss = {(float) (total / n)};
        return Tensor.fromOp("crossEntropy", loss, new int[0], g -> {
            // (softmax − target) · g / N
            // region exercise-cross-entropy-backward (read docs/TOUR.md §3): logits.grad += (softmax(x) − target) · g / N, target = (1−ε)·onehot + ε/K
            float[] p = Storage.take(x.length);
            Broadcast.apply(BinaryOp.SUB, x, shape, lse, new int[] {n, 1}, p, shape, false);
            Elementwise.unary(UnaryOp.EXP, p, p, p.length);
            Elementwise.binaryScalar(BinaryOp.SUB, p, uniform, p, p.length, false);
            for (int i = 0; i < n; i++) p[i * k + y[i]] -= onLabel;
            Elementwise.axpy(g[0] / n, p, logits.gradBuffer(), p.length);
            Storage.give(p);
            // endregion exercise-cross-entropy-backward
        }, logits);
    }

    /** Mean squared error: mean((a − b)²); a and b must have the same shape. */
    public static Tensor mse(Tensor a, Tensor b) {
        int[] shape = a.shape();
        if (!java.util.Arrays.equals(shape, b.shape())) {
            throw new IllegalArgumentException("mse: shapes " + Shape.str(shape) + " and " + Shape.str(b.shape()) + " differ");
        }
        DeviceOps device = Devices.opsFor("mse", a, b);
        if (device != null) return device.mse(a, b);
        int count = a.numel();
        float[] diff = Storage.take(count);   // kept for the backward rule, which gives it back
        Elementwise.binary(BinaryOp.SUB, a.data(), b.data(), diff, count, false);
        float[] loss = {Reduce.sumOfSquares(diff, 0, count) / count};
        return Tensor.fromOp("mse", loss, new int[0], g -> {
            float c = 2f * g[0] / count; // d/da mean((a−b)²) = 2(a−b)/count
            if (a.requiresGrad()) Elementwise.axpy(c, diff, a.gradBuffer(), count);
            if (b.requiresGrad()) Elementwise.axpy(-c, diff, b.gradBuffer(), count);
            Storage.give(diff);
        }, a, b);
    }
}
