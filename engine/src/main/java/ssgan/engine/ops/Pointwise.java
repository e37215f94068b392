package ssgan.engine.ops;

import ssgan.engine.device.DeviceOps;
import ssgan.engine.device.Devices;
import ssgan.engine.kernels.Elementwise;
import ssgan.engine.kernels.UnaryOp;
import ssgan.engine.tensor.Storage;
import ssgan.engine.tensor.Tensor;

/** Element-wise math functions. The derivative of each lives beside its value in {@link UnaryOp}. */
public final class Pointwise {
    private Pointwise() {}

    public static Tensor exp(Tensor a) {
        return unary("exp", UnaryOp.EXP, a);
    }

    public static Tensor log(Tensor a) {
        return unary("log", UnaryOp.LOG, a);
    }

    public static Tensor sqrt(Tensor a) {
        return unary("sqrt", UnaryOp.SQRT, a);
    }

    /** |a|; the gradient at exactly 0 is 0, as in PyTorch. */
    public static Tensor abs(Tensor a) {
        return unary("abs", UnaryOp.ABS, a);
    }

    /** {@code a^p} element-wise; d/da = p·a^(p−1). */
    public static Tensor pow(Tensor a, float p) {
        float[] x = a.data();
        float[] out = Storage.take(x.length);
        Elementwise.pow(x, p, out, x.length);
        return Tensor.fromOp("pow", out, a.shape(), g -> Elementwise.powBackward(x, p, g, a.gradBuffer(), g.length), a);
    }

    /** Limits every element to [lo, hi]; the gradient passes only where the value was inside. */
    public static Tensor clamp(Tensor a, float lo, float hi) {
        if (!(lo <= hi)) throw new IllegalArgumentException("clamp: lower bound " + lo + " is above upper bound " + hi);
        float[] x = a.data();
        float[] out = Storage.take(x.length);
        Elementwise.clamp(x, lo, hi, out, x.length);
        return Tensor.fromOp("clamp", out, a.shape(), g -> Elementwise.clampBackward(x, lo, hi, g, a.gradBuffer(), g.length), a);
    }

    /** Any {@link UnaryOp} as a differentiable op: forward f(x), backward f'(x)·g. */
    static Tensor unary(String name, UnaryOp op, Tensor a) {
        DeviceOps device = Devices.opsFor(name, a);
        if (device != null) return device.unary(name, op, a);
        float[] x = a.data();
        float[] out = Storage.take(x.length);
        Elementwise.unary(op, x, out, x.length);
        return Tensor.fromOp(name, out, a.shape(), g -> Elementwise.unaryBackward(op, x, out, g, a.gradBuffer(), g.length), a);
    }
}
