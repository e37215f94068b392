package ssgan.engine.kernels;

import ssgan.engine.parallel.Parallel;

/**
 * The element-wise kernels the ops call: the chosen {@link ElementwiseKernel} over whole arrays, split
 * across threads in pieces of at least {@link #GRAIN} elements. Each element is computed independently,
 * so the split never changes a result.
 */
public final class Elementwise {
    /** Elements per parallel piece: below this, waking another thread costs more than it saves. */
    public static final int GRAIN = 32 * 1024;

    // A lambda, not VectorElementwise::new, so that the Vector API class is not even linked when absent.
    private static final ElementwiseKernel KERNEL = Simd.choose(() -> new VectorElementwise(), ScalarElementwise::new);

    private Elementwise() {}

    public static ElementwiseKernel kernel() {
        return KERNEL;
    }

    /** {@code out (+)= a op b} over n elements. */
    public static void binary(BinaryOp op, float[] a, float[] b, float[] out, int n, boolean accumulate) {
        Parallel.forRange(n, GRAIN, (chunk, s, e) -> KERNEL.binary(op, a, b, out, s, e, accumulate));
    }

    /** {@code out (+)= a op s} over n elements. */
    public static void binaryScalar(BinaryOp op, float[] a, float s, float[] out, int n, boolean accumulate) {
        Parallel.forRange(n, GRAIN, (chunk, st, e) -> KERNEL.binaryScalar(op, a, s, out, st, e, accumulate));
    }

    /** {@code y += alpha·x} over n elements. */
    public static void axpy(float alpha, float[] x, float[] y, int n) {
        binaryScalar(BinaryOp.MUL, x, alpha, y, n, true);
    }

    /** {@code out = s·x} over n elements. */
    public static void scale(float[] x, float s, float[] out, int n) {
        binaryScalar(BinaryOp.MUL, x, s, out, n, false);
    }

    /** {@code out[r][c] (+)= a[r][c] op row[c]} for a [rows, cols] matrix. */
    public static void binaryRows(BinaryOp op, float[] a, float[] row, float[] out, int rows, int cols, boolean accumulate) {
        Parallel.forRange(rows, Math.max(1, GRAIN / Math.max(1, cols)),
                (chunk, s, e) -> KERNEL.binaryRows(op, a, row, out, cols, s, e, accumulate));
    }

    /** {@code out[o][c][i] (+)= a[o][c][i] op perChannel[c]} for data seen as [outer, channels, inner]. */
    public static void binaryChannels(BinaryOp op, float[] a, float[] perChannel, float[] out,
                                      int outer, int channels, int inner, boolean accumulate) {
        Parallel.forRange(outer * channels, Math.max(1, GRAIN / Math.max(1, inner)),
                (chunk, s, e) -> KERNEL.binaryChannels(op, a, perChannel, channels, inner, out, s, e, accumulate));
    }

    public static void leakyRelu(float[] x, float slope, float[] out, int n) {
        Parallel.forRange(n, GRAIN, (chunk, s, e) -> KERNEL.leakyRelu(x, slope, out, s, e));
    }

    public static void leakyReluBackward(float[] x, float slope, float[] g, float[] gradIn, int n, boolean accumulate) {
        Parallel.forRange(n, GRAIN, (chunk, s, e) -> KERNEL.leakyReluBackward(x, slope, g, gradIn, s, e, accumulate));
    }

    /** {@code average += weight·(value − average)} over n elements: a moving average's step. */
    public static void lerp(float[] average, float[] value, float weight, int n) {
        Parallel.forRange(n, GRAIN, (chunk, s, e) -> KERNEL.lerp(average, value, weight, s, e));
    }

    /** Sets n elements to {@code value}, split across threads like the kernels. */
    public static void fill(float[] a, float value, int n) {
        Parallel.forRange(n, GRAIN, (chunk, s, e) -> java.util.Arrays.fill(a, s, e, value));
    }

    public static void unary(UnaryOp op, float[] x, float[] out, int n) {
        Parallel.forRange(n, GRAIN, (chunk, s, e) -> KERNEL.unary(op, x, out, s, e));
    }

    public static void unaryBackward(UnaryOp op, float[] x, float[] y, float[] g, float[] gradIn, int n) {
        Parallel.forRange(n, GRAIN, (chunk, s, e) -> KERNEL.unaryBackward(op, x, y, g, gradIn, s, e));
    }

    public static void pow(float[] x, float p, float[] out, int n) {
        Parallel.forRange(n, GRAIN, (chunk, s, e) -> KERNEL.pow(x, p, out, s, e));
    }

    public static void powBackward(float[] x, float p, float[] g, float[] gradIn, int n) {
        Parallel.forRange(n, GRAIN, (chunk, s, e) -> KERNEL.powBackward(x, p, g, gradIn, s, e));
    }

    public static void clamp(float[] x, float lo, float hi, float[] out, int n) {
        Parallel.forRange(n, GRAIN, (chunk, s, e) -> KERNEL.clamp(x, lo, hi, out, s, e));
    }

    public static void clampBackward(float[] x, float lo, float hi, float[] g, float[] gradIn, int n) {
        Parallel.forRange(n, GRAIN, (chunk, s, e) -> KERNEL.clampBackward(x, lo, hi, g, gradIn, s, e));
    }
}
