package ssgan.engine.kernels;

import java.util.function.DoubleBinaryOperator;
import ssgan.engine.tensor.Shape;

/** Test reference: NumPy broadcasting written the slow, obvious way, in double precision. */
public final class NaiveBroadcast {
    private NaiveBroadcast() {}

    /** The flat index into an operand of shape {@code s} for output multi-index {@code idx} (right-aligned, size-1 dims pinned to 0). */
    public static int sourceIndex(int[] idx, int[] s) {
        int off = 0;
        int shift = idx.length - s.length;
        for (int d = 0; d < s.length; d++) {
            int i = s[d] == 1 ? 0 : idx[d + shift];
            off = off * s[d] + i;
        }
        return off;
    }

    /** The multi-index of flat position {@code flat} in {@code shape}. */
    public static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }

    public static double[] apply(DoubleBinaryOperator op, float[] a, int[] as, float[] b, int[] bs, int[] out) {
        double[] r = new double[Shape.numel(out)];
        for (int i = 0; i < r.length; i++) {
            int[] idx = unravel(i, out);
            r[i] = op.applyAsDouble(a[sourceIndex(idx, as)], b[sourceIndex(idx, bs)]);
        }
        return r;
    }

    /** Sums g (shape gs) down to shape ts. */
    public static double[] sumTo(float[] g, int[] gs, int[] ts) {
        double[] r = new double[Shape.numel(ts)];
        for (int i = 0; i < g.length; i++) r[sourceIndex(unravel(i, gs), ts)] += g[i];
        return r;
    }

    public static DoubleBinaryOperator reference(BinaryOp op) {
        return switch (op) {
            case ADD -> (x, y) -> x + y;
            case SUB -> (x, y) -> x - y;
            case MUL -> (x, y) -> x * y;
            case DIV -> (x, y) -> x / y;
        };
    }
}
