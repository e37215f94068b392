package ssgan.engine.kernels;

import ssgan.engine.parallel.Parallel;

/**
 * Convolution and transposed convolution as matrix products (im2col + GEMM), on plain NCHW arrays.
 *
 * <p>With {@code K = channels·KH·KW} and {@code P = outH·outW}, a group of images is unrolled into
 * {@code col[K × images·P]} ({@link Im2Col}) and
 * <pre>
 *   conv forward         Y'[O × images·P]  = W[O × K] · col
 *   conv input gradient  dcol[K × images·P] = Wᵀ · dY'            then col2im (sum overlaps) into dx
 *   conv weight gradient dW[O × K]        += dY' · colᵀ
 * </pre>
 * where {@code Y'} is the output with channels outermost; moving it to NCHW is a copy of contiguous
 * rows of P values. A transposed convolution is the input gradient of the convolution described by the
 * same {@link ConvGeometry}, so it reuses the same three products with the roles exchanged.
 *
 * <p>Images are processed in groups whose column matrix stays near {@link #COLUMN_BUDGET} floats: large
 * enough for an efficient GEMM, small enough to stay in cache and to bound the workspace. Every GEMM
 * and every sum over the batch runs in a fixed order, so results are deterministic for a thread count.
 */
public final class Conv2dKernels {
    /** Target size in floats of one group's column matrix (4 MiB). */
    static final int COLUMN_BUDGET = 1 << 20;

    // Workspace slots: the column matrix and the channel-major output (or output gradient) of one group.
    private static final int COL = Workspace.CONV_COLUMNS, CHANNEL_MAJOR = Workspace.CONV_CHANNEL_MAJOR;

    private Conv2dKernels() {}

    /** Images per group for this geometry. */
    static int groupSize(ConvGeometry g) {
        long perImage = (long) g.patchSize() * g.outPlane();
        return (int) Math.max(1, Math.min(g.batch(), COLUMN_BUDGET / Math.max(1, perImage)));
    }

    // ---- convolution ----------------------------------------------------------------------------

    /**
     * {@code y = conv(x, w) + bias}: x {@code [N, C, H, W]}, w {@code [O, C, KH, KW]}, bias {@code [O]}
     * or null, y {@code [N, O, OH, OW]} (overwritten, or added to with {@code accumulate}).
     */
    public static void forward(float[] x, float[] w, float[] bias, ConvGeometry g, float[] y, boolean accumulate) {
        int k = g.patchSize(), p = g.outPlane(), o = g.outChannels(), group = groupSize(g);
        float[] col = Workspace.get(COL, k * group * p);
        float[] out = Workspace.get(CHANNEL_MAJOR, o * group * p);
        for (int n0 = 0; n0 < g.batch(); n0 += group) {
            int n1 = Math.min(g.batch(), n0 + group), cols = (n1 - n0) * p;
            Im2Col.im2col(x, g, n0, n1, col);
            Gemm.gemm(false, false, o, cols, k, w, 0, k, col, 0, cols, out, 0, cols, false);
            fromChannelMajor(out, o, p, n0, n1, bias, y, accumulate);
        }
    }

    /**
     * Gradients of {@link #forward} for the output gradient dy: {@code dx} (overwritten, or added to with
     * {@code accumulateDx}) and {@code dw += ∂L/∂w}. Either may be null to skip it. The bias gradient is
     * {@link #biasGradient}.
     */
    public static void backward(float[] x, float[] w, float[] dy, ConvGeometry g,
                                float[] dx, boolean accumulateDx, float[] dw) {
        int k = g.patchSize(), p = g.outPlane(), o = g.outChannels(), group = groupSize(g);
        float[] col = Workspace.get(COL, k * group * p);
        float[] dyChannelMajor = Workspace.get(CHANNEL_MAJOR, o * group * p);
        for (int n0 = 0; n0 < g.batch(); n0 += group) {
            int n1 = Math.min(g.batch(), n0 + group), cols = (n1 - n0) * p;
            toChannelMajor(dy, o, p, n0, n1, dyChannelMajor);
            if (dw != null) {
                Im2Col.im2col(x, g, n0, n1, col);
                Gemm.gemm(false, true, o, k, cols, dyChannelMajor, 0, cols, col, 0, cols, dw, 0, k, true);
            }
            if (dx != null) {
                Gemm.gemm(true, false, k, cols, o, w, 0, k, dyChannelMajor, 0, cols, col, 0, cols, false);
                Im2Col.col2im(col, g, n0, n1, dx, accumulateDx);
            }
        }
    }

    /** {@code db[c] += Σ over images and pixels of dy[n, c, ·]} for dy {@code [batch, channels, plane]}. */
    public static void biasGradient(float[] dy, int batch, int channels, int plane, float[] db) {
        Parallel.forRange(channels, 1, (chunk, c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                float sum = 0f;
                for (int n = 0; n < batch; n++) {
                    int base = (n * channels + c) * plane;
                    for (int i = 0; i < plane; i++) sum += dy[base + i];
                }
                db[c] += sum;
            }
        });
    }

    // ---- transposed convolution -----------------------------------------------------------------

    /**
     * The transposed convolution of {@code x [N, O, OH, OW]} with {@code w [O, C, KH, KW]}: the adjoint of
     * the convolution {@code g}, giving {@code y [N, C, H, W]} (overwritten) plus {@code bias [C]} or null.
     */
    public static void transposedForward(float[] x, float[] w, float[] bias, ConvGeometry g, float[] y) {
        int k = g.patchSize(), p = g.outPlane(), o = g.outChannels(), group = groupSize(g);
        float[] col = Workspace.get(COL, k * group * p);
        float[] xChannelMajor = Workspace.get(CHANNEL_MAJOR, o * group * p);
        for (int n0 = 0; n0 < g.batch(); n0 += group) {
            int n1 = Math.min(g.batch(), n0 + group), cols = (n1 - n0) * p;
            toChannelMajor(x, o, p, n0, n1, xChannelMajor);
            Gemm.gemm(true, false, k, cols, o, w, 0, k, xChannelMajor, 0, cols, col, 0, cols, false);
            Im2Col.col2im(col, g, n0, n1, y, false);
        }
        if (bias != null) addBias(y, g.batch(), g.channels(), g.imagePlane(), bias);
    }

    /**
     * Gradients of {@link #transposedForward} for the output gradient dy {@code [N, C, H, W]}: {@code dx}
     * (overwritten, or added to with {@code accumulateDx}) and {@code dw += ∂L/∂w}; either may be null.
     * Both need the unrolled dy, which is built once per group.
     */
    public static void transposedBackward(float[] x, float[] w, float[] dy, ConvGeometry g,
                                          float[] dx, boolean accumulateDx, float[] dw) {
        int k = g.patchSize(), p = g.outPlane(), o = g.outChannels(), group = groupSize(g);
        float[] col = Workspace.get(COL, k * group * p);
        float[] channelMajor = Workspace.get(CHANNEL_MAJOR, o * group * p);
        for (int n0 = 0; n0 < g.batch(); n0 += group) {
            int n1 = Math.min(g.batch(), n0 + group), cols = (n1 - n0) * p;
            Im2Col.im2col(dy, g, n0, n1, col);
            if (dw != null) {
                toChannelMajor(x, o, p, n0, n1, channelMajor);
                Gemm.gemm(false, true, o, k, cols, channelMajor, 0, cols, col, 0, cols, dw, 0, k, true);
            }
            if (dx != null) {
                Gemm.gemm(false, false, o, cols, k, w, 0, k, col, 0, cols, channelMajor, 0, cols, false);
                fromChannelMajor(channelMajor, o, p, n0, n1, null, dx, accumulateDx);
            }
        }
    }

    // ---- layout helpers -------------------------------------------------------------------------

    /** {@code t[c][(n − n0)·plane + i] = a[n, c, i]} for images {@code [n0, n1)}. */
    static void toChannelMajor(float[] a, int channels, int plane, int n0, int n1, float[] t) {
        int images = n1 - n0;
        Parallel.forRange(channels, 1, (chunk, c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                for (int n = n0; n < n1; n++) {
                    System.arraycopy(a, (n * channels + c) * plane, t, (c * images + n - n0) * plane, plane);
                }
            }
        });
    }

    /** {@code a[n, c, i] (+)= t[c][(n − n0)·plane + i] + bias[c]}; the inverse move of {@link #toChannelMajor}. */
    static void fromChannelMajor(float[] t, int channels, int plane, int n0, int n1, float[] bias,
                                 float[] a, boolean accumulate) {
        int images = n1 - n0;
        Parallel.forRange(channels, 1, (chunk, c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                float b = bias == null ? 0f : bias[c];
                for (int n = n0; n < n1; n++) {
                    int src = (c * images + n - n0) * plane, dst = (n * channels + c) * plane;
                    if (accumulate) {
                        for (int i = 0; i < plane; i++) a[dst + i] += t[src + i] + b;
                    } else {
                        for (int i = 0; i < plane; i++) a[dst + i] = t[src + i] + b;
                    }
                }
            }
        });
    }

    private static void addBias(float[] y, int batch, int channels, int plane, float[] bias) {
        Parallel.forRange(batch * channels, 1, (chunk, start, end) -> {
            for (int item = start; item < end; item++) {
                float b = bias[item % channels];
                int base = item * plane;
                for (int i = 0; i < plane; i++) y[base + i] += b;
            }
        });
    }
}
