package ssgan.cuda;

import ssgan.engine.kernels.BinaryOp;
import ssgan.engine.kernels.ConvGeometry;
import ssgan.engine.kernels.UnaryOp;
import ssgan.engine.tensor.Shape;

/**
 * The Java face of each CUDA kernel (src/main/cuda): its arguments in the kernel's order and its grid.
 * Like the engine's {@code ssgan.engine.kernels}, it works on arrays and shapes; {@link CudaOps} builds the
 * tensor ops and their backward rules from it. Every launch is asynchronous: it returns at once, and the
 * device runs the kernels in launch order.
 */
public final class CudaKernels {
    /** Threads per block of the 1-D kernels; block_sum.cuh's BLOCK_SUM_THREADS. */
    static final int THREADS = 256;
    /**
     * The most blocks a 1-D launch uses: more than enough to fill a GPU, the grid-stride loops cover the
     * rest, and a loop index stays far from int overflow.
     */
    static final int MAX_BLOCKS = 4096;
    /** gemm.cu's TILE and THREADS. */
    static final int GEMM_TILE = 64;
    static final int GEMM_THREADS = 16;

    private final CudaDevice device;
    private final Kernels kernels;

    CudaKernels(CudaDevice device, Kernels kernels) {
        this.device = device;
        this.kernels = kernels;
    }

    /** x = value everywhere. */
    public void fill(CudaArray x, float value) {
        int n = x.length();
        if (n > 0) kernels.launch(Kernel.FILL, blocks(n), THREADS, x.address(), value, n);
    }

    /** y = a·x (y may be x). */
    public void scale(CudaArray y, float a, CudaArray x) {
        int n = sameLength(y, x);
        if (n > 0) kernels.launch(Kernel.SCALE, blocks(n), THREADS, y.address(), x.address(), a, n);
    }

    /** y = x + s. */
    public void addScalar(CudaArray y, CudaArray x, float s) {
        int n = sameLength(y, x);
        if (n > 0) kernels.launch(Kernel.ADD_SCALAR, blocks(n), THREADS, y.address(), x.address(), s, n);
    }

    /** y[i] += a·x[i·incx] for i in [0, n): incx 1 adds a·x, incx 0 adds the one value a·x[0] everywhere. */
    public void axpy(CudaArray y, float a, CudaArray x, int incx, int n) {
        if (n > 0) kernels.launch(Kernel.AXPY, blocks(n), THREADS, y.address(), x.address(), a, incx, n);
    }

    /** y += a·x, or y = a·x when not {@code accumulate} (a gradient buffer written for the first time). */
    public void axpyOrScale(CudaArray y, float a, CudaArray x, boolean accumulate) {
        if (accumulate) axpy(y, a, x, 1, sameLength(y, x));
        else scale(y, a, x);
    }

    /** a += t·(x − a), a moving average's step towards x. */
    public void lerp(CudaArray a, CudaArray x, float t) {
        int n = sameLength(a, x);
        if (n > 0) kernels.launch(Kernel.LERP, blocks(n), THREADS, a.address(), x.address(), t, n);
    }

    /**
     * {@code out (+)= a op b} (the op's ordinal is its number in binary_op.cuh), where {@code outShape} is the broadcast of {@code aShape} and {@code bShape}
     * (see {@code Shape.broadcast}); the engine's {@code Broadcast.apply}.
     */
    public void binary(BinaryOp op, CudaArray a, int[] aShape, CudaArray b, int[] bShape,
                       CudaArray out, int[] outShape, boolean accumulate) {
        int n = Shape.numel(outShape);
        if (n == 0) return;
        int acc = accumulate ? 1 : 0;
        if (Shape.numel(aShape) == n && Shape.numel(bShape) == n) { // nothing is stretched
            kernels.launch(Kernel.BINARY, blocks(n), THREADS, op.ordinal(), out.address(), a.address(), b.address(), n, acc);
        } else {
            BroadcastDims.Binary d = BroadcastDims.binary(op.name().toLowerCase(), aShape, bShape, outShape);
            kernels.launch(Kernel.BROADCAST_BINARY, blocks(n), THREADS, op.ordinal(), out.address(), a.address(), b.address(),
                    d.shape(), d.aStrides(), d.bStrides(), n, acc);
        }
    }

    /**
     * {@code target += scale · g} summed down to {@code targetShape}, which broadcasts to {@code gShape}:
     * the backward of broadcasting (the engine's {@code Broadcast.sumInto}, with a factor).
     */
    public void sumInto(CudaArray g, int[] gShape, CudaArray target, int[] targetShape, float scale) {
        int n = Shape.numel(gShape);
        int targets = Shape.numel(targetShape);
        if (n == 0) return;
        if (targets == n) {
            axpy(target, scale, g, 1, n);
            return;
        }
        BroadcastDims.Sum d = BroadcastDims.sum("sumInto", gShape, targetShape);
        kernels.launch(Kernel.SUM_TO_SHAPE, Math.min(targets, MAX_BLOCKS), THREADS, g.address(), target.address(),
                d.kept(), d.reduced(), d.gStrides(), targets, d.count(), scale);
    }

    /** out[0] = scale · (the sum of x), in a fixed order: the same bits on every run. */
    public void sum(CudaArray x, CudaArray out, float scale) {
        int n = x.length();
        int blocks = blocks(n); // a function of n alone, so the order of the additions is too
        CudaArray partial = device.allocate(blocks);
        kernels.launch(Kernel.SUM_BLOCKS, blocks, THREADS, x.address(), partial.address(), n, 1f);
        kernels.launch(Kernel.SUM_BLOCKS, 1, THREADS, partial.address(), out.address(), blocks, scale);
        partial.release(); // safe at once: anything that reuses it runs after these two kernels
    }

    /**
     * {@code C (+)= alpha·op(A)·op(B)} for op(A) [m×k] and op(B) [k×n], row-major with leading dimensions,
     * each matrix starting at an element offset into its array: the engine's {@code Gemm.gemm}.
     */
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     CudaArray a, int aOff, int lda, CudaArray b, int bOff, int ldb,
                     CudaArray c, int cOff, int ldc, boolean accumulate) {
        if (m == 0 || n == 0) return;
        kernels.launch2d(Kernel.SGEMM, ceilDiv(n, GEMM_TILE), ceilDiv(m, GEMM_TILE), GEMM_THREADS, GEMM_THREADS,
                transA ? 1 : 0, transB ? 1 : 0, m, n, k, alpha, a.address(aOff), lda, b.address(bOff), ldb,
                c.address(cOff), ldc, accumulate ? 1 : 0);
    }

    /**
     * A linear layer's forward: t = x[rows×in]·w[units×in]ᵀ into {@code product} (unless null), and
     * y = leaky(t·scale + shift) per unit into {@code y} (scale null: 1, shift null: 0, slope 1: no activation).
     */
    public void linearForward(int rows, int units, int in, CudaArray x, CudaArray w, CudaArray scale, CudaArray shift, float slope,
                              CudaArray product, CudaArray y) {
        if (rows == 0 || units == 0) return;
        kernels.launch2d(Kernel.LINEAR_FORWARD, ceilDiv(units, GEMM_TILE), ceilDiv(rows, GEMM_TILE), GEMM_THREADS, GEMM_THREADS,
                rows, units, in, x.address(), w.address(), addressOrNull(scale), addressOrNull(shift), slope,
                addressOrNull(product), y.address());
    }

    /** target[c] += the sum of column c of g (rows × cols). */
    public void addColumnSums(CudaArray g, int rows, int cols, CudaArray target) {
        if (cols > 0) kernels.launch(Kernel.ADD_COLUMN_SUMS, blocks(cols), THREADS, g.address(), target.address(), rows, cols);
    }

    /** y = f(x) element-wise, f the op (unary_op.cuh numbers them by ordinal). */
    public void unary(UnaryOp op, CudaArray y, CudaArray x) {
        int n = sameLength(y, x);
        if (n > 0) kernels.launch(Kernel.UNARY, blocks(n), THREADS, op.ordinal(), y.address(), x.address(), n);
    }

    /** gradX += f'(x)·g, the derivative worked out from x and from the forward's output y. */
    public void unaryBackward(UnaryOp op, CudaArray gradX, CudaArray x, CudaArray y, CudaArray g, boolean accumulate) {
        int n = sameLength(gradX, x);
        if (n > 0) {
            kernels.launch(Kernel.UNARY_BACKWARD, blocks(n), THREADS, op.ordinal(), gradX.address(), x.address(), y.address(), g.address(), n,
                    accumulate ? 1 : 0);
        }
    }

    /**
     * {@code dst[dstOff + r·dstStride + j] (+)= src[srcOff + r·srcStride + j]} for r &lt; runs, j &lt; run:
     * the engine's {@code Layout.copyRuns}.
     */
    public void copyRuns(CudaArray src, int srcOff, int srcStride, CudaArray dst, int dstOff, int dstStride, int runs, int run, boolean accumulate) {
        int n = runs * run;
        if (n > 0) {
            kernels.launch(Kernel.COPY_RUNS, blocks(n), THREADS, dst.address(dstOff), dstStride, src.address(srcOff), srcStride,
                    runs, run, accumulate ? 1 : 0);
        }
    }

    /** dst's row r = src's row rows[r], each {@code row} floats long; rows holds ints ({@link CudaDevice#upload(int[])}). */
    public void gatherRows(CudaArray src, CudaArray rows, int n, int row, CudaArray dst) {
        if (n * row > 0) kernels.launch(Kernel.GATHER_ROWS, blocks(n * row), THREADS, dst.address(), src.address(), rows.address(), n, row);
    }

    /**
     * dst = src's images {@code [n, planes, h, w]}, image i moved by (offsets[2i], offsets[2i + 1]) whole
     * pixels, background where that falls outside; offsets holds ints ({@link CudaDevice#upload(int[])}).
     */
    public void shiftImages(CudaArray src, CudaArray offsets, int n, int planes, int h, int w, float background, CudaArray dst) {
        int count = n * planes * h * w;
        if (count > 0) {
            kernels.launch(Kernel.SHIFT_IMAGES, blocks(count), THREADS, dst.address(), src.address(), offsets.address(), n, planes, h, w, background);
        }
    }

    /**
     * dst = src's images {@code [n, planes, h, w]}, image i turned and scaled by its map (four doubles, each
     * as its low and high int in {@code maps}: see {@code Shapes.warpImages}) and bent by its moves (none
     * when {@code moves} is null), background outside.
     */
    public void warpImages(CudaArray src, CudaArray maps, CudaArray moves, int n, int planes, int h, int w, float background, CudaArray dst) {
        int count = n * planes * h * w;
        if (count > 0) {
            kernels.launch(Kernel.WARP_IMAGES, blocks(count), THREADS, dst.address(), src.address(), maps.address(),
                    moves == null ? 0L : moves.address(), n, planes, h, w, background);
        }
    }

    // ---- around the products of a convolution (convolution.cu) ------------------------------------

    /**
     * The im2col matrix {@code col [C·KH·KW × N·OH·OW]} of {@code image [N, C, H, W]} for the convolution
     * g: row (c, ky, kx), column (n, oy, ox), the input pixel that tap reads there (0 in the padding).
     */
    public void im2col(CudaArray image, ConvGeometry g, CudaArray col) {
        int n = g.patchSize() * g.batch() * g.outPlane();
        if (n > 0) kernels.launch(Kernel.IM2COL, blocks(n), THREADS, image.address(), col.address(), geometry(g));
    }

    /**
     * {@code image [N, C, H, W] (+)= col2im(col) + bias}: each pixel the sum of col's entries that read it
     * (the adjoint of {@link #im2col}); bias {@code [C]} may be null.
     */
    public void col2im(CudaArray col, CudaArray bias, ConvGeometry g, CudaArray image, boolean accumulate) {
        int n = g.batch() * g.channels() * g.imagePlane();
        if (n > 0) {
            kernels.launch(Kernel.COL2IM, blocks(n), THREADS, col.address(), addressOrNull(bias), image.address(), geometry(g),
                    accumulate ? 1 : 0);
        }
    }

    /**
     * {@code out[j][i][e] (+)= in[i][j][e] + bias[i]} for {@code in [a, b, plane]}: an image batch
     * {@code [N, C, P]} to channels outermost {@code [C, N, P]} and back; bias {@code [a]} may be null.
     */
    public void swapLeading(CudaArray in, CudaArray bias, int a, int b, int plane, CudaArray out, boolean accumulate) {
        int n = a * b * plane;
        if (n > 0) {
            kernels.launch(Kernel.SWAP_LEADING, blocks(n), THREADS, in.address(), addressOrNull(bias), out.address(), a, b, plane,
                    accumulate ? 1 : 0);
        }
    }

    /** convolution.cu's struct ConvGeometry: the record's fields in its order. */
    private static int[] geometry(ConvGeometry g) {
        return new int[] {g.batch(), g.channels(), g.height(), g.width(), g.outChannels(), g.kernelH(), g.kernelW(),
            g.strideH(), g.strideW(), g.padTop(), g.padLeft(), g.outH(), g.outW()};
    }

    // ---- image resizing (resize.cu) ----------------------------------------------------------------

    /** y = x resized bilinearly, {@code planes} planes of {@code h × w} into {@code oh × ow} (the engine's BilinearResize.forward). */
    public void bilinear(CudaArray x, int planes, int h, int w, int oh, int ow, CudaArray y) {
        int n = planes * oh * ow;
        if (n > 0) kernels.launch(Kernel.BILINEAR, blocks(n), THREADS, x.address(), y.address(), planes, h, w, oh, ow);
    }

    /** dx += the adjoint of {@link #bilinear} applied to dy, each input pixel gathering from the outputs that read it. */
    public void bilinearBackward(CudaArray dy, int planes, int h, int w, int oh, int ow, CudaArray dx) {
        int n = planes * h * w;
        if (n > 0) kernels.launch(Kernel.BILINEAR_BACKWARD, blocks(n), THREADS, dy.address(), dx.address(), planes, h, w, oh, ow);
    }

    // ---- per channel of x [n, c, hw] (normalization.cu) ------------------------------------------

    /** Each channel's mean and biased variance. */
    public void channelMoments(CudaArray x, int n, int c, int hw, CudaArray mean, CudaArray var) {
        if (c > 0) kernels.launch(Kernel.CHANNEL_MOMENTS, perChannel(c), THREADS, x.address(), n, c, hw, mean.address(), var.address());
    }

    /** invStd = 1/sqrt(var + eps), scale = γ·invStd, shift = β − mean·scale per channel; γ and β may be null. */
    public void batchNormCoefficients(CudaArray mean, CudaArray var, CudaArray gamma, CudaArray beta, float eps, int c,
                                      CudaArray invStd, CudaArray scale, CudaArray shift) {
        if (c > 0) {
            kernels.launch(Kernel.BATCH_NORM_COEFFICIENTS, blocks(c), THREADS, mean.address(), var.address(), addressOrNull(gamma),
                    addressOrNull(beta), eps, c, invStd.address(), scale.address(), shift.address());
        }
    }

    /** running = (1 − momentum)·running + momentum·batch, with the unbiased variance for runningVar. */
    public void updateRunningStats(CudaArray runningMean, CudaArray runningVar, CudaArray mean, CudaArray var, float momentum, int count, int c) {
        if (c > 0) {
            kernels.launch(Kernel.UPDATE_RUNNING_STATS, blocks(c), THREADS, runningMean.address(), runningVar.address(), mean.address(),
                    var.address(), momentum, count, c);
        }
    }

    /** y = x·scale + shift per channel (shift may be null), then a leaky ReLU of the slope (1: none). */
    public void channelAffine(CudaArray x, int n, int c, int hw, CudaArray scale, CudaArray shift, float slope, CudaArray y) {
        int total = n * c * hw;
        if (total > 0) {
            kernels.launch(Kernel.CHANNEL_AFFINE, blocks(total), THREADS, x.address(), scale.address(), addressOrNull(shift), slope,
                    y.address(), c, hw, total);
        }
    }

    /**
     * sumDy = Σ g and sumDyCentered = Σ g·(x − center) per channel, g the gradient dy read through the
     * activation whose output is {@code gate} (dy itself for none); center may be null (0).
     */
    public void channelGradientSums(CudaArray dy, CudaArray gate, float slope, CudaArray x, CudaArray center, int n, int c, int hw,
                                    CudaArray sumDy, CudaArray sumDyCentered) {
        if (c > 0) {
            kernels.launch(Kernel.CHANNEL_GRADIENT_SUMS, perChannel(c), THREADS, dy.address(), gate.address(), slope, x.address(),
                    addressOrNull(center), n, c, hw, sumDy.address(), sumDyCentered.address());
        }
    }

    /** The per-channel b and k of batch norm's training gradient dx = scale·g + b·x + k. */
    public void batchNormGradientCoefficients(CudaArray sumDy, CudaArray sumDyCentered, CudaArray scale, CudaArray invStd, CudaArray mean,
                                              int count, int c, CudaArray b, CudaArray k) {
        if (c > 0) {
            kernels.launch(Kernel.BATCH_NORM_GRADIENT_COEFFICIENTS, blocks(c), THREADS, sumDy.address(), sumDyCentered.address(),
                    scale.address(), invStd.address(), mean.address(), count, c, b.address(), k.address());
        }
    }

    /** dx += a·g + b·x + k per channel, g as in {@link #channelGradientSums}; b and k may be null (0). */
    public void channelCombine(CudaArray dy, CudaArray gate, float slope, CudaArray x, int n, int c, int hw,
                               CudaArray a, CudaArray b, CudaArray k, CudaArray dx, boolean accumulate) {
        int total = n * c * hw;
        if (total > 0) {
            kernels.launch(Kernel.CHANNEL_COMBINE, blocks(total), THREADS, dy.address(), gate.address(), slope, x.address(), a.address(),
                    addressOrNull(b), addressOrNull(k), dx.address(), c, hw, total, accumulate ? 1 : 0);
        }
    }

    /** norms[r] = ‖v[r]‖ for each row of v [rows × cols]. */
    public void rowNorms(CudaArray v, int rows, int cols, CudaArray norms) {
        if (rows > 0) kernels.launch(Kernel.ROW_NORMS, perChannel(rows), THREADS, v.address(), norms.address(), rows, cols);
    }

    /** dv[r] += g[r]/norms[r] · v[r] (nothing for a zero row). */
    public void rowNormsBackward(CudaArray v, CudaArray norms, CudaArray g, int rows, int cols, CudaArray dv) {
        int n = rows * cols;
        if (n > 0) kernels.launch(Kernel.ROW_NORMS_BACKWARD, blocks(n), THREADS, v.address(), norms.address(), g.address(), dv.address(), rows, cols);
    }

    // ---- along a dimension of x [outer, n, inner] (along_dim.cu) ---------------------------------

    /** Whose backward {@link #softmaxBackward} runs; along_dim.cu numbers them by ordinal. */
    public enum SoftmaxOf { LOG_SUM_EXP, SOFTMAX, LOG_SOFTMAX }

    /** lse = log Σ exp(x) along the dimension, one value per row. */
    public void logSumExp(CudaArray x, int outer, int n, int inner, CudaArray lse) {
        int rows = outer * inner;
        if (rows > 0) kernels.launch(Kernel.LOG_SUM_EXP, blocks(rows), THREADS, x.address(), lse.address(), outer, n, inner);
    }

    /** y = softmax(x) along the dimension, or log softmax when {@code log}. */
    public void softmax(CudaArray x, int outer, int n, int inner, boolean log, CudaArray y) {
        int rows = outer * inner;
        if (rows > 0) kernels.launch(Kernel.SOFTMAX, blocks(rows), THREADS, x.address(), y.address(), outer, n, inner, log ? 0 : 1);
    }

    /**
     * dx += the backward of {@code of}: for LOG_SUM_EXP, v is x and lse and g hold one value per row;
     * otherwise v is the forward's output y, g has its shape and lse is not read (null).
     */
    public void softmaxBackward(SoftmaxOf of, CudaArray v, CudaArray lse, CudaArray g, int outer, int n, int inner, CudaArray dx) {
        int rows = outer * inner;
        if (rows > 0) {
            kernels.launch(Kernel.SOFTMAX_BACKWARD, blocks(rows), THREADS, of.ordinal(), v.address(), addressOrNull(lse), g.address(),
                    dx.address(), outer, n, inner);
        }
    }

    /** The index of each row's maximum, as a float. */
    public void argmax(CudaArray x, int outer, int n, int inner, CudaArray index) {
        int rows = outer * inner;
        if (rows > 0) kernels.launch(Kernel.ARGMAX, blocks(rows), THREADS, x.address(), index.address(), outer, n, inner);
    }

    /** loss[r] = each row's cross-entropy against the smoothed one-hot target; labels hold ints ({@link CudaDevice#upload(int[])}). */
    public void crossEntropy(CudaArray x, CudaArray labels, float onLabel, float uniform, int rows, int k, CudaArray loss) {
        if (rows > 0) kernels.launch(Kernel.CROSS_ENTROPY, blocks(rows), THREADS, x.address(), labels.address(), onLabel, uniform, rows, k, loss.address());
    }

    /** dx += (softmax(x) − target) · g[0] / rows. */
    public void crossEntropyBackward(CudaArray x, CudaArray labels, CudaArray g, float onLabel, float uniform, int rows, int k, CudaArray dx) {
        if (rows > 0) {
            kernels.launch(Kernel.CROSS_ENTROPY_BACKWARD, blocks(rows), THREADS, x.address(), labels.address(), g.address(), onLabel, uniform,
                    rows, k, dx.address());
        }
    }

    /**
     * {@code out[j] = x[j] + (mean + std·z(j))} (x null: {@code mean + std·z(j)}), z the engine's stream of
     * normal samples for {@code seed} ({@code GaussianKernel}): {@code Rng.addGaussian} and
     * {@code fillGaussian} with the seed they draw.
     */
    public void gaussian(CudaArray out, CudaArray x, float mean, float std, long seed) {
        int n = out.length();
        if (x != null) sameLength(out, x);
        if (n > 0) kernels.launch(Kernel.GAUSSIAN, blocks((n + 1) / 2), THREADS, out.address(), addressOrNull(x), n, mean, std, seed);
    }

    void launchAdam(int blocks, int tensors, Object... args) {
        kernels.launch2d(Kernel.ADAM, blocks, tensors, THREADS, 1, args);
    }

    /** Blocks for a kernel that gives each channel (or row) a block of its own: as many as there are, at most MAX_BLOCKS. */
    static int perChannel(int c) {
        return Math.min(c, MAX_BLOCKS);
    }

    private static long addressOrNull(CudaArray a) {
        return a == null ? 0L : a.address();
    }

    /** Blocks for n elements, one per thread: ceil(n / THREADS), at least 1 and at most MAX_BLOCKS. */
    static int blocks(int n) {
        return Math.max(1, Math.min(ceilDiv(n, THREADS), MAX_BLOCKS));
    }

    private static int ceilDiv(int n, int d) {
        return (int) ((n + (long) d - 1) / d);
    }

    private static int sameLength(CudaArray y, CudaArray x) {
        if (y.length() != x.length()) throw new IllegalArgumentException("arrays of " + y.length() + " and " + x.length() + " floats");
        return y.length();
    }
}
