package ssgan.engine.kernels;

/**
 * Element-wise kernels over plain arrays, for one contiguous range of indices (the caller splits work
 * across threads, see {@link Elementwise}). Two implementations: {@link ScalarElementwise}, the plain
 * reference, and {@link VectorElementwise}, the Vector API version of the hot ones.
 *
 * <p>Binary kernels write {@code out = a op b}, or add to it ({@code out += a op b}) when
 * {@code accumulate} is set: backward rules use that to add gradients without a temporary array.
 * Methods named {@code ...Backward} always add into {@code gradIn}.
 */
public interface ElementwiseKernel {
    /** {@code out[i] (+)= a[i] op b[i]} for i in [from, to). */
    void binary(BinaryOp op, float[] a, float[] b, float[] out, int from, int to, boolean accumulate);

    /** {@code out[i] (+)= a[i] op s} for i in [from, to). */
    void binaryScalar(BinaryOp op, float[] a, float s, float[] out, int from, int to, boolean accumulate);

    /**
     * A row vector over the rows of a matrix: {@code out[r][c] (+)= a[r][c] op row[c]} for rows
     * [rowFrom, rowTo) of a row-major [rows, cols] matrix (a bias [C] added to activations [N, C]).
     */
    void binaryRows(BinaryOp op, float[] a, float[] row, float[] out, int cols, int rowFrom, int rowTo, boolean accumulate);

    /**
     * One value per channel over NCHW-like data: {@code a} is seen as blocks of {@code inner} contiguous
     * elements, block j belongs to channel {@code j % channels}, and
     * {@code out[j][i] (+)= a[j][i] op perChannel[j % channels]} for blocks [blockFrom, blockTo).
     */
    void binaryChannels(BinaryOp op, float[] a, float[] perChannel, int channels, int inner, float[] out,
                        int blockFrom, int blockTo, boolean accumulate);

    /** {@code out[i] = x[i] > 0 ? x[i] : slope·x[i]}; slope 0 is the ReLU. */
    void leakyRelu(float[] x, float slope, float[] out, int from, int to);

    /** {@code gradIn[i] (+)= x[i] > 0 ? g[i] : slope·g[i]}: added with {@code accumulate}, else written. */
    void leakyReluBackward(float[] x, float slope, float[] g, float[] gradIn, int from, int to, boolean accumulate);

    /** {@code out[i] = f(x[i])}. {@code out} may be {@code x} itself. */
    void unary(UnaryOp op, float[] x, float[] out, int from, int to);

    /**
     * {@code average[i] += weight·(value[i] − average[i])}, rounded after each of the three operations (no
     * fused multiply-add), so that both twins give the same bits: a step of a moving average.
     */
    void lerp(float[] average, float[] value, float weight, int from, int to);

    /** {@code gradIn[i] += f'(x[i]) · g[i]}, where {@code y = f(x)} is the forward output. */
    void unaryBackward(UnaryOp op, float[] x, float[] y, float[] g, float[] gradIn, int from, int to);

    /** {@code out[i] = x[i]^p}. */
    void pow(float[] x, float p, float[] out, int from, int to);

    /** {@code gradIn[i] += p · x[i]^(p-1) · g[i]}. */
    void powBackward(float[] x, float p, float[] g, float[] gradIn, int from, int to);

    /** {@code out[i] = min(max(x[i], lo), hi)}. */
    void clamp(float[] x, float lo, float hi, float[] out, int from, int to);

    /** {@code gradIn[i] += g[i]} where lo ≤ x[i] ≤ hi (the gradient passes where clamp is the identity). */
    void clampBackward(float[] x, float lo, float hi, float[] g, float[] gradIn, int from, int to);
}
