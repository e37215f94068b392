package ssgan.engine.kernels;

import ssgan.engine.tensor.Shape;

/**
 * NumPy broadcasting over plain arrays: a binary op on two shapes, and its adjoint, summing a gradient
 * back down to a broadcast operand's shape.
 *
 * <p>Both first merge neighbouring dimensions that broadcast the same way, which maps almost every shape
 * a network uses onto one of a few fast kernels: same shape, a scalar, a row vector over rows
 * ([C] over [N, C]) or a value per channel ([1, C, 1, 1] over NCHW). Anything else takes a simple
 * strided loop over the output indices.
 */
public final class Broadcast {
    private Broadcast() {}

    /**
     * {@code out (+)= a op b}, where {@code outShape} is the broadcast of {@code aShape} and {@code bShape}
     * (see {@link Shape#broadcast}).
     */
    public static void apply(BinaryOp op, float[] a, int[] aShape, float[] b, int[] bShape,
                             float[] out, int[] outShape, boolean accumulate) {
        int n = Shape.numel(outShape);
        if (n == 0) return;
        int rank = outShape.length;
        int[] as = padLeft(aShape, rank);
        int[] bs = padLeft(bShape, rank);
        Runs ra = Runs.of(as, outShape);
        Runs rb = Runs.of(bs, outShape);
        if (ra.full() && rb.full()) {
            Elementwise.binary(op, a, b, out, n, accumulate);
        } else if (ra.full() && b.length == 1) {
            Elementwise.binaryScalar(op, a, b[0], out, n, accumulate);
        } else if (rb.full() && a.length == 1 && op.commutative()) {
            Elementwise.binaryScalar(op, b, a[0], out, n, accumulate);
        } else if (ra.full() && rb.isBlock()) {
            perChannel(op, a, b, out, rb, accumulate);
        } else if (rb.full() && ra.isBlock() && op.commutative()) {
            perChannel(op, b, a, out, ra, accumulate);
        } else {
            strided(op, a, broadcastStrides(as, outShape), b, broadcastStrides(bs, outShape), out, outShape, accumulate);
        }
    }

    /** The small operand {@code small} is one contiguous block [outer, channels, inner] with outer and inner broadcast. */
    private static void perChannel(BinaryOp op, float[] big, float[] small, float[] out, Runs r, boolean accumulate) {
        if (r.inner == 1) Elementwise.binaryRows(op, big, small, out, r.outer, r.channels, accumulate);
        else Elementwise.binaryChannels(op, big, small, out, r.outer, r.channels, r.inner, accumulate);
    }

    /**
     * Adds {@code g} (of shape {@code gShape}) into {@code target} (of shape {@code targetShape}), summing
     * over the dimensions along which {@code targetShape} was broadcast to {@code gShape}: the backward
     * of broadcasting, and also a sum over dimensions (target = the shape with those dimensions set to 1).
     */
    public static void sumInto(float[] g, int[] gShape, float[] target, int[] targetShape) {
        int n = Shape.numel(gShape);
        if (n == 0) return;
        int rank = gShape.length;
        if (targetShape.length > rank) {
            throw new IllegalArgumentException("sumInto: shape " + Shape.str(targetShape) + " has more dimensions than " + Shape.str(gShape));
        }
        int[] ts = padLeft(targetShape, rank);
        for (int d = 0; d < rank; d++) {
            if (ts[d] != 1 && ts[d] != gShape[d]) {
                throw new IllegalArgumentException("sumInto: shape " + Shape.str(targetShape) + " does not broadcast to " + Shape.str(gShape));
            }
        }
        Runs r = Runs.of(ts, gShape);
        if (r.full()) {
            Elementwise.axpy(1f, g, target, n);
        } else if (target.length == 1) {
            target[0] += Reduce.sum(g, 0, n);
        } else if (r.isBlock() && r.outer == 1) {
            Reduce.addRowSums(g, r.channels, r.inner, target);
        } else if (r.isBlock() && r.inner == 1) {
            Reduce.addColumnSums(g, r.outer, r.channels, target);
        } else if (r.isBlock()) {
            Reduce.addChannelSums(g, r.outer, r.channels, r.inner, target);
        } else {
            stridedSum(g, gShape, target, broadcastStrides(ts, gShape));
        }
    }

    /**
     * How an operand of shape {@code s} sits in the output shape after merging neighbouring dimensions:
     * {@code full()} when it has the output's shape; {@code isBlock()} when it is one contiguous run of
     * full dimensions (its {@code channels} elements) with only broadcast dimensions before it
     * ({@code outer} output elements) and after it ({@code inner}).
     */
    private static final class Runs {
        int outer = 1;
        int channels = 1;
        int inner = 1;
        int fullRuns;
        boolean anyBroadcast;

        static Runs of(int[] s, int[] out) {
            Runs r = new Runs();
            boolean previousFull = false;
            for (int d = 0; d < out.length; d++) {
                if (out[d] == 1) continue; // a size-1 output dimension moves no index
                boolean full = s[d] == out[d];
                if (full) {
                    if (!previousFull) r.fullRuns++;
                    r.channels *= out[d];
                } else {
                    r.anyBroadcast = true;
                    if (r.fullRuns == 0) r.outer *= out[d];
                    else r.inner *= out[d];
                }
                previousFull = full;
            }
            return r;
        }

        boolean full() {
            return !anyBroadcast;
        }

        boolean isBlock() {
            return fullRuns == 1;
        }
    }

    /** Right-aligns {@code s} to {@code rank} dimensions by prepending 1s. */
    static int[] padLeft(int[] s, int rank) {
        int[] p = new int[rank];
        java.util.Arrays.fill(p, 1);
        System.arraycopy(s, 0, p, rank - s.length, s.length);
        return p;
    }

    /** Row-major strides of {@code s}, with 0 along the dimensions it is broadcast over. */
    static int[] broadcastStrides(int[] s, int[] out) {
        int[] strides = Shape.strides(s);
        for (int d = 0; d < s.length; d++) {
            if (s[d] == 1 && out[d] != 1) strides[d] = 0;
        }
        return strides;
    }

    /** The general case: walk the output in order, moving each operand's offset by its (possibly 0) stride. */
    static void strided(BinaryOp op, float[] a, int[] aStrides, float[] b, int[] bStrides,
                        float[] out, int[] shape, boolean accumulate) {
        int rank = shape.length;
        int n = out.length;
        int[] index = new int[rank];
        int ai = 0;
        int bi = 0;
        for (int i = 0; i < n; i++) {
            float v = op.apply(a[ai], b[bi]);
            out[i] = accumulate ? out[i] + v : v;
            for (int d = rank - 1; d >= 0; d--) { // odometer increment
                index[d]++;
                ai += aStrides[d];
                bi += bStrides[d];
                if (index[d] < shape[d]) break;
                ai -= aStrides[d] * shape[d];
                bi -= bStrides[d] * shape[d];
                index[d] = 0;
            }
        }
    }

    /** The general case of {@link #sumInto}: walk {@code g} in order, adding into the target's (strided) element. */
    static void stridedSum(float[] g, int[] shape, float[] target, int[] targetStrides) {
        int rank = shape.length;
        int[] index = new int[rank];
        int ti = 0;
        for (int i = 0; i < g.length; i++) {
            target[ti] += g[i];
            for (int d = rank - 1; d >= 0; d--) {
                index[d]++;
                ti += targetStrides[d];
                if (index[d] < shape[d]) break;
                ti -= targetStrides[d] * shape[d];
                index[d] = 0;
            }
        }
    }
}
