package ssgan.engine.ops;

import java.util.Arrays;
import ssgan.engine.device.DeviceOps;
import ssgan.engine.device.Devices;
import ssgan.engine.kernels.BinaryOp;
import ssgan.engine.kernels.Broadcast;
import ssgan.engine.kernels.Elementwise;
import ssgan.engine.tensor.Shape;
import ssgan.engine.tensor.Storage;
import ssgan.engine.tensor.Tensor;

/**
 * +, −, ×, ÷ with NumPy broadcasting, and their scalar forms.
 *
 * <p>Broadcasting in the forward pass means summing in the backward pass: an operand that was stretched
 * along a dimension receives the sum of the gradient along it ({@link Broadcast#sumInto}).
 */
public final class Arithmetic {
    private Arithmetic() {}

    // region add (copied into docs/TOUR.md; DocsJavaFenceTest checks the copy)
    public static Tensor add(Tensor a, Tensor b) {
        int[] shape = Shape.broadcast("add", a.shape(), b.shape());
        DeviceOps device = Devices.opsFor("add", a, b);
        if (device != null) return device.add(a, b);
        float[] out = Storage.take(Shape.numel(shape));
        Broadcast.apply(BinaryOp.ADD, a.data(), a.shape(), b.data(), b.shape(), out, shape, false);
        return Tensor.fromOp("add", out, shape, g -> {
            // d(a+b)/da = d(a+b)/db = 1; g itself can go to a (not also to b) when no broadcast happened.
            if (a.requiresGrad() && Arrays.equals(a.shape(), shape)) {
                a.passGradient(g);
            } else if (a.requiresGrad()) {
                Broadcast.sumInto(g, shape, a.gradBuffer(), a.shape());
            }
            if (b.requiresGrad()) Broadcast.sumInto(g, shape, b.gradBuffer(), b.shape());
        }, a, b);
    }
    // endregion

    public static Tensor sub(Tensor a, Tensor b) {
        int[] shape = Shape.broadcast("sub", a.shape(), b.shape());
        DeviceOps device = Devices.opsFor("sub", a, b);
        if (device != null) return device.sub(a, b);
        float[] out = Storage.take(Shape.numel(shape));
        Broadcast.apply(BinaryOp.SUB, a.data(), a.shape(), b.data(), b.shape(), out, shape, false);
        return Tensor.fromOp("sub", out, shape, g -> {
            if (a.requiresGrad()) Broadcast.sumInto(g, shape, a.gradBuffer(), a.shape());
            if (b.requiresGrad()) { // d(a−b)/db = −1
                float[] negG = Storage.take(g.length);
                Elementwise.scale(g, -1f, negG, g.length);
                Broadcast.sumInto(negG, shape, b.gradBuffer(), b.shape());
                Storage.give(negG);
            }
        }, a, b);
    }

    // region mul (copied into docs/book/01-tensors-and-autograd.md; DocsJavaFenceTest checks the copy)
    public static Tensor mul(Tensor a, Tensor b) {
        int[] shape = Shape.broadcast("mul", a.shape(), b.shape());
        DeviceOps device = Devices.opsFor("mul", a, b);
        if (device != null) return device.mul(a, b);
        float[] out = Storage.take(Shape.numel(shape));
        Broadcast.apply(BinaryOp.MUL, a.data(), a.shape(), b.data(), b.shape(), out, shape, false);
        return Tensor.fromOp("mul", out, shape, g -> {
            // d(a·b)/da = b, d(a·b)/db = a
            if (a.requiresGrad()) addGrad(a, BinaryOp.MUL, g, b, shape);
            if (b.requiresGrad()) addGrad(b, BinaryOp.MUL, g, a, shape);
        }, a, b);
    }
    // endregion

    public static Tensor div(Tensor a, Tensor b) {
        int[] shape = Shape.broadcast("div", a.shape(), b.shape());
        DeviceOps device = Devices.opsFor("div", a, b);
        if (device != null) return device.div(a, b);
        float[] out = Storage.take(Shape.numel(shape));
        Broadcast.apply(BinaryOp.DIV, a.data(), a.shape(), b.data(), b.shape(), out, shape, false);
        return Tensor.fromOp("div", out, shape, g -> {
            // d(a/b)/da = 1/b
            if (a.requiresGrad()) addGrad(a, BinaryOp.DIV, g, b, shape);
            // d(a/b)/db = −a/b² = −out/b
            if (b.requiresGrad()) {
                float[] negGOut = Storage.take(g.length);
                Elementwise.binary(BinaryOp.MUL, g, out, negGOut, g.length, false);
                Elementwise.scale(negGOut, -1f, negGOut, g.length);
                addGrad(b, BinaryOp.DIV, negGOut, b, shape);
                Storage.give(negGOut);
            }
        }, a, b);
    }

    public static Tensor neg(Tensor a) {
        return scaled("neg", a, -1f);
    }

    public static Tensor mulScalar(Tensor a, float s) {
        return scaled("mulScalar", a, s);
    }

    public static Tensor addScalar(Tensor a, float s) {
        if (a.isOnDevice()) return a.device().ops().addScalar(a, s);
        float[] out = Storage.take(a.numel());
        Elementwise.binaryScalar(BinaryOp.ADD, a.data(), s, out, out.length, false);
        return Tensor.fromOp("addScalar", out, a.shape(), a::passGradient, a);
    }

    private static Tensor scaled(String name, Tensor a, float s) {
        if (a.isOnDevice()) return a.device().ops().scale(name, a, s);
        float[] out = Storage.take(a.numel());
        Elementwise.scale(a.data(), s, out, out.length);
        return Tensor.fromOp(name, out, a.shape(), g -> Elementwise.axpy(s, g, a.gradBuffer(), g.length), a);
    }

    /**
     * {@code target.grad += sumToShape(g op other)}, where g has the (broadcast) output shape. When the
     * target has the output's shape, the product is added straight into its gradient, with no temporary.
     */
    private static void addGrad(Tensor target, BinaryOp op, float[] g, Tensor other, int[] outShape) {
        // region exercise-broadcast-backward (read docs/TOUR.md §3): target.grad += (g op other) summed down to the shape of target, where the forward broadcast it
        if (Arrays.equals(target.shape(), outShape)) {
            Broadcast.apply(op, g, outShape, other.data(), other.shape(), target.gradBuffer(), outShape, true);
        } else {
            float[] full = Storage.take(g.length);
            Broadcast.apply(op, g, outShape, other.data(), other.shape(), full, outShape, false);
            Broadcast.sumInto(full, outShape, target.gradBuffer(), target.shape());
            Storage.give(full);
        }
        // endregion exercise-broadcast-backward
    }
}
