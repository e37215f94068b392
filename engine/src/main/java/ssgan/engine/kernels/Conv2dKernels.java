package ssgan.engine.kernels;

import java.util.Arrays;
import ssgan.engine.parallel.Parallel;

/**
 * Convolution and transposed convolution as matrix products on plain NCHW arrays.
 *
 * <p>With {@code K = channels·KH·KW} and {@code P = outH·outW}, let {@code col[K × N·P]} be the im2col
 * matrix of the whole batch: row (c, ky, kx), column (n, output pixel), the input pixel that tap reads.
 * <pre>
 *   conv forward         Y'[O × N·P] = W[O × K] · col
 *   conv weight gradient dW[O × K]  += dY' · colᵀ
 *   conv input gradient  dx          = the adjoint of the forward (see {@link #adjoint})
 * </pre>
 * where {@code Y'} is the output with channels outermost; moving it to NCHW is a copy of contiguous
 * rows of P values. col is an {@link Im2ColMatrix} (an implicit GEMM): the GEMM reads the image through
 * it while it packs, so the matrix is never written out and read back. The input gradient is
 * classically {@code Wᵀ · dY'} followed by col2im, which sums the overlapping windows back into the
 * image; {@link SubPixelPhases} offer a second route, stride-1 convolutions of dY, each an implicit GEMM
 * whose result is final for its pixels. A transposed convolution is the input gradient of the
 * convolution described by the same {@link ConvGeometry}, so it reuses the same products with the roles
 * exchanged.
 *
 * <p>Every GEMM and every sum over the batch runs in a fixed order, so results are deterministic for a
 * thread count.
 */
public final class Conv2dKernels {
    private static final int CHANNEL_MAJOR = Workspace.CONV_CHANNEL_MAJOR;
    /**
     * Target size in floats of the column matrix of one group of images on the column route (4 MiB):
     * large enough for an efficient GEMM, small enough to stay near the caches.
     */
    private static final int COLUMN_BUDGET = 1 << 20;
    /**
     * Output planes of at least this many pixels take the GEMM's store straight into NCHW order. Smaller
     * ones cut a tile's rows (32 columns) into runs shorter than a vector, stored one float at a time,
     * which cost more than the move they save. Measured on the Zen 5, both routes alternating in one JVM
     * (medians of 30 pairs), direct against move: d2's forward (49 pixels) 0.96, g2's input gradient (16)
     * 0.97, d3's forward (25) 0.99, d4's forward (4) 1.11.
     */
    private static final int DIRECT_STORE_PLANE = 16;

    private Conv2dKernels() {}

    // ---- convolution ----------------------------------------------------------------------------

    /**
     * {@code y = conv(x, w) + bias}: x {@code [N, C, H, W]}, w {@code [O, C, KH, KW]}, bias {@code [O]}
     * or null, y {@code [N, O, OH, OW]} (overwritten, or added to with {@code accumulate}). One product for
     * the whole batch, or, where the weights are small beside an image's output, one per image.
     */
    public static void forward(float[] x, float[] w, float[] bias, ConvGeometry g, float[] y, boolean accumulate) {
        if (oneImageAtATime(g)) {
            forwardByImages(x, w, bias, g, y, accumulate);
        } else {
            forwardWholeBatch(x, w, bias, g, y, accumulate);
        }
    }

    /**
     * Whether the products go one image at a time: where the weights ({@code O × C·KH·KW}) are small beside
     * an image's output ({@code O × P}), that is {@code C·KH·KW ≤ P}, as in the layers with one image
     * channel (d1, g4). The rule of both {@link #forward} and {@link #adjoint}.
     */
    private static boolean oneImageAtATime(ConvGeometry g) {
        return g.patchSize() <= g.outPlane();
    }

    /**
     * {@link #forward} as one product: the weights times the batch's windows. The product's columns are
     * (image, pixel), so its block of P columns for image n is that image's [O × P] output in NCHW order:
     * the GEMM stores each tile straight there, and a bias is added in place: product + bias. To add to y,
     * or with small planes ({@link #DIRECT_STORE_PLANE}), the product goes to a workspace first and is moved
     * to NCHW order (so that y + (product + bias) rounds as it always has: the GEMM would add each k slice
     * of the product to y in turn). The same bits either way.
     */
    // region forward (copied into docs/book/04-convolution.md; DocsJavaFenceTest checks the copy)
    static void forwardWholeBatch(float[] x, float[] w, float[] bias, ConvGeometry g, float[] y, boolean accumulate) {
        int k = g.patchSize(), p = g.outPlane(), o = g.outChannels(), cols = g.batch() * p;
        ImplicitMatrix windows = Im2ColMatrix.windows(x, g, false);
        if (!accumulate && p >= DIRECT_STORE_PLANE) {
            Gemm.gemm(false, o, cols, k, w, 0, k, windows, y, 0, p, p, o * p, false);
            if (bias != null) Parallel.forRange(g.batch(), 1, (chunk, n0, n1) -> {
                for (int n = n0; n < n1; n++) addChannelBias(y, n * o * p, o, p, bias);
            });
            return;
        }
        float[] out = Workspace.get(CHANNEL_MAJOR, o * cols);
        Gemm.gemm(false, o, cols, k, w, 0, k, windows, out, 0, cols, false);
        fromChannelMajor(out, o, p, 0, g.batch(), bias, y, accumulate);
    }
    // endregion

    /**
     * {@link #forward} one image at a time, each thread on its own images. An image's product {@code [O × P]}
     * is its output in NCHW order, so the GEMM stores it straight to its place in y, and the bias is added
     * while the block is still in cache: product + bias, the same bits as the whole batch's route. (To add
     * to y, the product goes through this thread's small workspace first, so that y + (product + bias)
     * rounds as it always has.) Each product sums in the order of the batch's (the same k slices). It
     * pays where the weights are small beside an image's output ({@code C·KH·KW ≤ P}: one image channel,
     * as d1's forward and g4's input gradient): d1's forward 0.88–0.97 ms against 1.04–1.12 for the whole
     * batch, g4's backward 2.48–2.54 against 2.94–2.97 (two alternating JMH runs, Zen 5); storing
     * straight into y instead of moving the product there took 0.85–0.87 and 0.77 of that time
     * (both routes alternating in one JVM, medians of 30 pairs).
     */
    static void forwardByImages(float[] x, float[] w, float[] bias, ConvGeometry g, float[] y, boolean accumulate) {
        int k = g.patchSize(), p = g.outPlane(), o = g.outChannels();
        ImplicitMatrix windows = Im2ColMatrix.windows(x, g, false);
        Parallel.forRange(g.batch(), 1, (chunk, n0, n1) -> {
            for (int n = n0; n < n1; n++) {
                ImplicitMatrix image = windows.columns(n * p, p);
                if (accumulate) {
                    float[] out = Workspace.get(CHANNEL_MAJOR, o * p);
                    Gemm.gemm(false, o, p, k, w, 0, k, image, out, 0, p, false);
                    fromChannelMajor(out, o, p, n, n + 1, bias, y, true);
                } else {
                    Gemm.gemm(false, o, p, k, w, 0, k, image, y, n * o * p, p, false);
                    if (bias != null) addChannelBias(y, n * o * p, o, p, bias);
                }
            }
        });
    }

    /** {@code a[off + c·plane + i] += bias[c]} for the {@code channels} planes of one image. */
    private static void addChannelBias(float[] a, int off, int channels, int plane, float[] bias) {
        for (int c = 0; c < channels; c++) {
            float b = bias[c];
            for (int i = off + c * plane, end = i + plane; i < end; i++) a[i] += b;
        }
    }

    /**
     * Gradients of {@link #forward} for the output gradient dy: {@code dx} (overwritten, or added to with
     * {@code accumulateDx}) and {@code dw += ∂L/∂w}. Either may be null to skip it. The bias gradient is
     * {@link #biasGradient}.
     */
    public static void backward(float[] x, float[] w, float[] dy, ConvGeometry g,
                                float[] dx, boolean accumulateDx, float[] dw) {
        // dy in channel-major order is the weight gradient's left operand and the column route's right one: moved once.
        float[] dyChannelMajor = dw == null ? null : weightGradient(dy, x, g, dw);
        if (dx != null) adjoint(dy, dyChannelMajor, w, null, g, dx, accumulateDx);
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
        adjoint(x, null, w, bias, g, y, false);
    }

    /**
     * Gradients of {@link #transposedForward} for the output gradient dy {@code [N, C, H, W]}: {@code dx}
     * (overwritten, or added to with {@code accumulateDx}) and {@code dw += ∂L/∂w}; either may be null.
     * The input gradient is the convolution {@code g} applied to dy.
     */
    public static void transposedBackward(float[] x, float[] w, float[] dy, ConvGeometry g,
                                          float[] dx, boolean accumulateDx, float[] dw) {
        if (dw != null) weightGradient(x, dy, g, dw);
        if (dx != null) forward(dy, w, null, g, dx, accumulateDx);
    }

    // ---- the two shared products ----------------------------------------------------------------

    /**
     * {@code dw += out' · colᵀ}, where {@code out [N, O, OH, OW]} is on the convolution's output side and
     * col unrolls {@code image [N, C, H, W]}: the weight gradient of a convolution (out = dy, image = x)
     * and of a transposed one (out = its input x, image = its output gradient dy).
     */
    private static float[] weightGradient(float[] out, float[] image, ConvGeometry g, float[] dw) {
        int k = g.patchSize(), p = g.outPlane(), o = g.outChannels(), cols = g.batch() * p;
        float[] outChannelMajor = channelMajor(out, g);
        Gemm.gemm(false, o, k, cols, outChannelMajor, 0, cols, Im2ColMatrix.windows(image, g, true), dw, 0, k, true);
        return outChannelMajor;
    }

    /** {@code out [N, O, OH, OW]} as {@code [O × N·P]}, in this thread's channel-major workspace. */
    private static float[] channelMajor(float[] out, ConvGeometry g) {
        float[] t = Workspace.get(CHANNEL_MAJOR, g.outChannels() * g.batch() * g.outPlane());
        toChannelMajor(out, g.outChannels(), g.outPlane(), 0, g.batch(), t);
        return t;
    }

    /**
     * {@code image (+)= convᵀ(out) + bias}: the adjoint of the convolution {@code g} applied to
     * {@code out [N, O, OH, OW]}, written into {@code image [N, C, H, W]}; {@code outChannelMajor} is out
     * already moved to {@code [O × N·P]}, or null. Two ways, chosen by which moves
     * less data: sub-pixel phases gather {@code O·KH·KW} values per output pixel into implicit GEMMs,
     * the column route writes and sums back {@code C·KH·KW}. Measured on the SSGAN layers, two threads,
     * alternating runs: g1's forward (O = 64, C = 256) takes 2.3 ms by phases against 3.5 ms by columns
     * (medians of three); d2's input gradient (O = 2C) took 7.3 ms by phases against 5.7, and d3's 12.5–13.5
     * against 6.6–8.3 (two runs each). Where one image's column matrix has no more rows than columns
     * ({@code C·KH·KW ≤ P}: one image channel, as g4's forward and d1's input gradient), the column route
     * goes one image at a time: g4's forward 1.1–1.3 ms against 2.2–2.3 (two alternating JMH runs, Zen 5).
     */
    // region adjoint (copied into docs/book/04-convolution.md; DocsJavaFenceTest checks the copy)
    private static void adjoint(float[] out, float[] outChannelMajor, float[] w, float[] bias, ConvGeometry g, float[] image,
                                boolean accumulate) {
        if (g.outChannels() < g.channels()) {
            adjointByPhases(out, w, bias, g, image, accumulate);
        } else if (oneImageAtATime(g)) {
            adjointByImages(out, w, bias, g, image, accumulate);
        } else {
            adjointByColumns(out, outChannelMajor, w, bias, g, image, accumulate);
        }
    }
    // endregion

    /**
     * The adjoint phase by phase ({@link SubPixelPhases}). For phase φ with taps T_φ and pixels Q_φ:
     * <pre>
     *   A_φ[C × O·T_φ] = the weights of those taps, w[o, c, tap] at (c, o·T_φ + t)
     *   R_φ[C × N·Q_φ] = A_φ · (the phase's windows of out)       then moved to its pixels
     * </pre>
     */
    private static void adjointByPhases(float[] out, float[] w, float[] bias, ConvGeometry g, float[] image, boolean accumulate) {
        int batch = g.batch(), channels = g.channels(), o = g.outChannels(), kernelTaps = g.kernelH() * g.kernelW();
        for (SubPixelPhases.Phase phase : SubPixelPhases.of(g)) {
            int taps = phase.taps(), q = phase.positions(), k = o * taps, cols = batch * q;
            float[] result = Workspace.get(CHANNEL_MAJOR, channels * cols);
            if (taps == 0) {
                Arrays.fill(result, 0, channels * cols, 0f);
            } else {
                float[] a = Workspace.get(Workspace.PHASE_WEIGHTS, channels * k);
                int[] kernelTap = phase.kernelTaps();
                Parallel.forRange(channels, 1, (chunk, c0, c1) -> {
                    for (int c = c0; c < c1; c++) {
                        for (int oc = 0; oc < o; oc++) {
                            int src = (oc * channels + c) * kernelTaps, dst = c * k + oc * taps;
                            for (int t = 0; t < taps; t++) a[dst + t] = w[src + kernelTap[t]];
                        }
                    }
                });
                Im2ColMatrix windows = new Im2ColMatrix(out, batch, o, g.outPlane(), taps, q, phase.offsets(), false);
                Gemm.gemm(false, channels, cols, k, a, 0, k, windows, result, 0, cols, false);
            }
            scatter(result, phase.pixels(), channels, batch, g.imagePlane(), bias, image, accumulate);
        }
    }

    /**
     * The adjoint through a written-out column matrix: {@code col = Wᵀ · out'} for a group of images, then
     * every column entry added back into the pixel its window read (col2im). Each (image, channel) plane
     * is summed by one thread in a fixed order. out' is {@code outChannelMajor} when the caller has it (the
     * weight gradient made it from the same dy), else it is made here.
     */
    static void adjointByColumns(float[] out, float[] outChannelMajor, float[] w, float[] bias, ConvGeometry g, float[] image,
                                 boolean accumulate) {
        int k = g.patchSize(), p = g.outPlane(), o = g.outChannels(), group = groupSize(g), all = g.batch() * p;
        int[] offsets = Im2ColMatrix.windowOffsets(g);
        float[] col = Workspace.get(Workspace.COLUMNS, k * group * p);
        float[] outT = outChannelMajor != null ? outChannelMajor : channelMajor(out, g);
        for (int n0 = 0; n0 < g.batch(); n0 += group) {
            int first = n0, images = Math.min(g.batch(), n0 + group) - n0, cols = images * p;
            Gemm.gemm(true, false, k, cols, o, w, 0, k, outT, n0 * p, all, col, 0, cols, false);
            Parallel.forRange(g.channels() * images, 1, (chunk, start, end) -> {
                for (int item = start; item < end; item++) {
                    int c = item / images, n = first + item % images;
                    col2im(col, cols, (n - first) * p, g, offsets, c, n, bias, image, accumulate);
                }
            });
        }
    }

    /**
     * The column route one image at a time, each thread on its own images: for an image, out' is its own
     * {@code [O × P]} block of {@code out}, so nothing is moved to channel-major order, and its column
     * matrix {@code [C·KH·KW × P]} stays in cache until col2im has read it. Each product sums its columns
     * in the order of {@link #adjointByColumns}' product (one k slice while O ≤ 512), so the results are
     * the same to the bit. It pays when the weights are small beside an image's output, as in g4's forward
     * (C = 1, O = 64, P = 256; the figures are in {@link #adjoint}'s comment).
     */
    static void adjointByImages(float[] out, float[] w, float[] bias, ConvGeometry g, float[] image, boolean accumulate) {
        int k = g.patchSize(), p = g.outPlane(), o = g.outChannels();
        int[] offsets = Im2ColMatrix.windowOffsets(g);
        Parallel.forRange(g.batch(), 1, (chunk, n0, n1) -> {
            float[] col = Workspace.get(Workspace.COLUMNS, k * p);
            for (int n = n0; n < n1; n++) {
                Gemm.gemm(true, false, k, p, o, w, 0, k, out, n * o * p, p, col, 0, p, false);
                for (int c = 0; c < g.channels(); c++) col2im(col, p, 0, g, offsets, c, n, bias, image, accumulate);
            }
        });
    }

    /**
     * col2im for one (image, channel) plane: {@code image[n, c] (+)= bias[c] + the column entries that read
     * each pixel}, where tap t of channel c is row {@code c·taps + t} of {@code col} (rows {@code cols}
     * long) and the image's entries start at column {@code at}. The entries are added tap by tap, so each
     * pixel's sum has a fixed order.
     */
    private static void col2im(float[] col, int cols, int at, ConvGeometry g, int[] offsets, int c, int n,
                               float[] bias, float[] image, boolean accumulate) {
        int taps = g.kernelH() * g.kernelW(), plane = g.imagePlane(), p = g.outPlane();
        int base = (n * g.channels() + c) * plane;
        float b = bias == null ? 0f : bias[c];
        if (!accumulate) {
            Arrays.fill(image, base, base + plane, b);
        } else if (b != 0f) {
            for (int i = 0; i < plane; i++) image[base + i] += b;
        }
        for (int tap = 0; tap < taps; tap++) {
            int src = (c * taps + tap) * cols + at, t = tap * p;
            for (int i = 0; i < p; i++) {
                int off = offsets[t + i];
                if (off >= 0) image[base + off] += col[src + i];
            }
        }
    }

    /** Images per group of the column route: its column matrix stays near {@link #COLUMN_BUDGET} floats. */
    private static int groupSize(ConvGeometry g) {
        long perImage = (long) g.patchSize() * g.outPlane();
        return (int) Math.max(1, Math.min(g.batch(), COLUMN_BUDGET / Math.max(1, perImage)));
    }

    /** {@code image[n, c, pixels[i]] (+)= r[c][n·Q + i] + bias[c]}: one phase's result into its pixels. */
    private static void scatter(float[] r, int[] pixels, int channels, int batch, int plane, float[] bias,
                                float[] image, boolean accumulate) {
        int q = pixels.length;
        Parallel.forRange(channels, 1, (chunk, c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                float b = bias == null ? 0f : bias[c];
                for (int n = 0; n < batch; n++) {
                    int src = (c * batch + n) * q, dst = (n * channels + c) * plane;
                    if (accumulate) {
                        for (int i = 0; i < q; i++) image[dst + pixels[i]] += r[src + i] + b;
                    } else {
                        for (int i = 0; i < q; i++) image[dst + pixels[i]] = r[src + i] + b;
                    }
                }
            }
        });
    }

    // ---- layout helpers -------------------------------------------------------------------------

    /** {@code t[c][(n − n0)·plane + i] = a[n, c, i]} for images {@code [n0, n1)}. */
    private static void toChannelMajor(float[] a, int channels, int plane, int n0, int n1, float[] t) {
        int images = n1 - n0;
        Parallel.forRange(channels, 1, (chunk, c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                for (int n = n0; n < n1; n++) {
                    System.arraycopy(a, (n * channels + c) * plane, t, (c * images + n - n0) * plane, plane);
                }
            }
        });
    }

    /**
     * {@code a[n, c, i] (+)= t[c][(n − n0)·plane + i] + bias[c]} for images {@code [n0, n1)}; the inverse move
     * of {@link #toChannelMajor}.
     */
    private static void fromChannelMajor(float[] t, int channels, int plane, int n0, int n1, float[] bias,
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
}
