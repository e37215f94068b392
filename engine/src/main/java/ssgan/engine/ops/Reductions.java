package ssgan.engine.ops;

import ssgan.engine.device.DeviceOps;
import ssgan.engine.device.Devices;
import ssgan.engine.kernels.AlongDim;
import ssgan.engine.kernels.BinaryOp;
import ssgan.engine.kernels.Broadcast;
import ssgan.engine.kernels.Elementwise;
import ssgan.engine.kernels.UnaryOp;
import ssgan.engine.tensor.Shape;
import ssgan.engine.tensor.Storage;
import ssgan.engine.tensor.Tensor;

/**
 * Sums, means, maxima and the softmax family.
 *
 * <p>A reduction along one dimension sees the input as [outer, n, inner] (n = the reduced size) and its
 * result as [outer, 1, inner]; broadcasting that result back over [outer, n, inner] is exactly what
 * every backward rule here needs.
 */
public final class Reductions {
    private Reductions() {}

    /** The sum of all elements, as a 0-dimensional tensor. */
    public static Tensor sum(Tensor a) {
        if (a.isOnDevice()) return a.device().ops().sum(a);
        return sumOver("sum", a, false, false, new int[0]);
    }

    /** The sum over {@code dims} (negative counts from the end; none means all), keeping them as size 1 when {@code keepDim}. */
    public static Tensor sum(Tensor a, boolean keepDim, int... dims) {
        return sumOver("sum", a, keepDim, false, dims);
    }

    /** The mean of all elements, as a 0-dimensional tensor. */
    public static Tensor mean(Tensor a) {
        if (a.isOnDevice()) return a.device().ops().mean(a);
        return sumOver("mean", a, false, true, new int[0]);
    }

    public static Tensor mean(Tensor a, boolean keepDim, int... dims) {
        return sumOver("mean", a, keepDim, true, dims);
    }

    private static Tensor sumOver(String name, Tensor a, boolean keepDim, boolean mean, int[] dims) {
        int[] shape = a.shape();
        boolean[] reduced = new boolean[shape.length];
        for (int d : dims) {
            int k = Shape.dim(name, d, shape.length);
            if (reduced[k]) throw new IllegalArgumentException(name + ": dimension " + d + " is listed twice");
            reduced[k] = true;
        }
        if (dims.length == 0) java.util.Arrays.fill(reduced, true);
        int[] kept = shape.clone();
        int count = 1;
        for (int d = 0; d < shape.length; d++) {
            if (reduced[d]) {
                kept[d] = 1;
                count *= shape[d];
            }
        }
        float scale = mean ? 1f / count : 1f;
        DeviceOps device = Devices.opsFor(name, a);
        if (device != null) return device.sumToShape(name, a, kept, keepDim ? kept : removeDims(shape, reduced), scale);
        float[] out = Storage.zeroed(Shape.numel(kept));   // sumInto adds
        Broadcast.sumInto(a.data(), shape, out, kept);
        if (mean) Elementwise.scale(out, scale, out, out.length);
        int[] outShape = keepDim ? kept : removeDims(shape, reduced);
        return Tensor.fromOp(name, out, outShape, g -> {
            // Each input element receives the gradient of the sum it went into (÷ count for a mean).
            // region exercise-mean-backward (read docs/TOUR.md §3): a.grad += g broadcast back over the summed dimensions, scaled by 1/count for a mean
            float[] gs = g;
            if (mean) {
                gs = Storage.take(g.length);
                Elementwise.scale(g, scale, gs, g.length);
            }
            float[] ga = a.gradBuffer();
            Broadcast.apply(BinaryOp.ADD, ga, shape, gs, kept, ga, shape, false);
            if (mean) Storage.give(gs);
            // endregion exercise-mean-backward
        }, a);
    }

    /** The maximum along {@code dim}. The gradient flows to the first maximal element only. */
    public static Tensor max(Tensor a, int dim, boolean keepDim) {
        Along r = Along.of("max", a, dim);
        float[] values = new float[r.outer * r.inner];
        int[] indices = new int[values.length];
        AlongDim.max(a.data(), r.outer, r.n, r.inner, values, indices);
        return Tensor.fromOp("max", values, r.resultShape(keepDim),
                g -> AlongDim.addAtIndices(g, indices, r.outer, r.n, r.inner, a.gradBuffer()), a);
    }

    /**
     * The index of the maximum along {@code dim} (ties: the first), for every position of the other
     * dimensions in row-major order. Not differentiable.
     */
    public static int[] argmax(Tensor a, int dim) {
        Along r = Along.of("argmax", a, dim);
        DeviceOps device = Devices.opsFor("argmax", a);
        if (device != null) return device.argmax(a, dim);
        int[] indices = new int[r.outer * r.inner];
        AlongDim.max(a.data(), r.outer, r.n, r.inner, null, indices);
        return indices;
    }

    // region log-sum-exp (copied into docs/book/07-semi-supervised-gan.md; DocsJavaFenceTest checks the copy)
    /** log Σ exp(a) along {@code dim}, computed as m + log Σ exp(a − m) with m the maximum: no overflow. */
    public static Tensor logSumExp(Tensor a, int dim, boolean keepDim) {
        Along r = Along.of("logSumExp", a, dim);
        DeviceOps device = Devices.opsFor("logSumExp", a);
        if (device != null) return device.logSumExp(a, dim, keepDim);
        float[] x = a.data();
        float[] lse = new float[r.outer * r.inner];
        AlongDim.logSumExp(x, r.outer, r.n, r.inner, lse);
        return Tensor.fromOp("logSumExp", lse, r.resultShape(keepDim), g -> {
            // d lse / dx = softmax(x) = exp(x − lse)
            float[] p = r.minusBroadcast(x, lse);
            Elementwise.unary(UnaryOp.EXP, p, p, p.length);
            Broadcast.apply(BinaryOp.MUL, p, r.full(), g, r.reduced(), a.gradBuffer(), r.full(), true);
            Storage.give(p);
        }, a);
    }
    // endregion

    /** log softmax(a) along {@code dim} = a − logSumExp(a). */
    public static Tensor logSoftmax(Tensor a, int dim) {
        Along r = Along.of("logSoftmax", a, dim);
        DeviceOps device = Devices.opsFor("logSoftmax", a);
        if (device != null) return device.logSoftmax(a, dim);
        float[] x = a.data();
        float[] lse = new float[r.outer * r.inner];
        AlongDim.logSumExp(x, r.outer, r.n, r.inner, lse);
        float[] y = r.minusBroadcast(x, lse);
        return Tensor.fromOp("logSoftmax", y, a.shape(), g -> {
            // dx = g − softmax · Σ g   (the sum along dim)
            float[] sumG = new float[lse.length];
            Broadcast.sumInto(g, r.full(), sumG, r.reduced());
            float[] p = Storage.take(y.length);
            Elementwise.unary(UnaryOp.EXP, y, p, p.length);
            Broadcast.apply(BinaryOp.MUL, p, r.full(), sumG, r.reduced(), p, r.full(), false);
            Elementwise.binary(BinaryOp.SUB, g, p, a.gradBuffer(), g.length, true);
            Storage.give(p);
        }, a);
    }

    /** softmax(a) along {@code dim} = exp(a − logSumExp(a)): stable for large values. */
    public static Tensor softmax(Tensor a, int dim) {
        Along r = Along.of("softmax", a, dim);
        DeviceOps device = Devices.opsFor("softmax", a);
        if (device != null) return device.softmax(a, dim);
        float[] x = a.data();
        float[] lse = new float[r.outer * r.inner];
        AlongDim.logSumExp(x, r.outer, r.n, r.inner, lse);
        float[] y = r.minusBroadcast(x, lse);
        Elementwise.unary(UnaryOp.EXP, y, y, y.length);
        return Tensor.fromOp("softmax", y, a.shape(), g -> {
            // dx = y·g − y · Σ (y·g)
            float[] yg = Storage.take(y.length);
            Elementwise.binary(BinaryOp.MUL, y, g, yg, y.length, false);
            float[] sumYg = new float[lse.length];
            Broadcast.sumInto(yg, r.full(), sumYg, r.reduced());
            float[] ySum = Storage.take(y.length);
            Broadcast.apply(BinaryOp.MUL, y, r.full(), sumYg, r.reduced(), ySum, r.full(), false);
            Elementwise.binary(BinaryOp.SUB, yg, ySum, a.gradBuffer(), y.length, true);
            Storage.give(yg);
            Storage.give(ySum);
        }, a);
    }

    private static int[] removeDims(int[] shape, boolean[] removed) {
        int n = 0;
        for (boolean r : removed) if (!r) n++;
        int[] out = new int[n];
        for (int d = 0, j = 0; d < shape.length; d++) if (!removed[d]) out[j++] = shape[d];
        return out;
    }

    /** A tensor seen as [outer, n, inner] around the reduced dimension {@code dim}. */
    private record Along(int[] shape, int dim, int outer, int n, int inner) {
        static Along of(String op, Tensor a, int dim) {
            int[] shape = a.shape();
            if (shape.length == 0) throw new IllegalArgumentException(op + ": needs at least one dimension, got a scalar");
            int d = Shape.dim(op, dim, shape.length);
            if (shape[d] == 0) throw new IllegalArgumentException(op + ": dimension " + dim + " of shape " + Shape.str(shape) + " is empty");
            int outer = 1;
            int inner = 1;
            for (int i = 0; i < d; i++) outer *= shape[i];
            for (int i = d + 1; i < shape.length; i++) inner *= shape[i];
            return new Along(shape, d, outer, shape[d], inner);
        }

        int[] full() {
            return new int[] {outer, n, inner};
        }

        int[] reduced() {
            return new int[] {outer, 1, inner};
        }

        int[] resultShape(boolean keepDim) {
            if (keepDim) {
                int[] s = shape.clone();
                s[dim] = 1;
                return s;
            }
            boolean[] removed = new boolean[shape.length];
            removed[dim] = true;
            return removeDims(shape, removed);
        }

        /** x − r, with r ([outer, inner]) broadcast along the reduced dimension. */
        float[] minusBroadcast(float[] x, float[] r) {
            float[] out = Storage.take(x.length);
            Broadcast.apply(BinaryOp.SUB, x, full(), r, reduced(), out, full(), false);
            return out;
        }
    }
}
