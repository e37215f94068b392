package ssgan.cuda;

import ssgan.engine.kernels.BinaryOp;
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

    /** out[r][c] += bias[c] for an out of rows × cols. */
    public void addBiasRows(CudaArray out, CudaArray bias, int rows, int cols) {
        int n = rows * cols;
        if (n > 0) kernels.launch(Kernel.ADD_BIAS_ROWS, blocks(n), THREADS, out.address(), bias.address(), rows, cols);
    }

    /** target[c] += the sum of column c of g (rows × cols). */
    public void addColumnSums(CudaArray g, int rows, int cols, CudaArray target) {
        if (cols > 0) kernels.launch(Kernel.ADD_COLUMN_SUMS, blocks(cols), THREADS, g.address(), target.address(), rows, cols);
    }

    /**
     * {@code out[j] = x[j] + mean + std·z_j} (x null: {@code mean + std·z_j}), the z_j standard normal
     * samples of Philox-4x32-10 under {@code seed}, starting at counter {@code offset}. The same seed and
     * offset give the same samples; a following draw under the same seed should start at
     * {@code offset + countersFor(n)}.
     */
    public void gaussian(CudaArray out, CudaArray x, float mean, float std, long seed, long offset) {
        int n = out.length();
        if (x != null) sameLength(out, x);
        if (n == 0) return;
        kernels.launch(Kernel.GAUSSIAN, blocks((int) countersFor(n)), THREADS, out.address(), x == null ? 0L : x.address(), n,
                mean, std, (int) seed, (int) (seed >>> 32), offset);
    }

    /** How many Philox counters a draw of n samples uses: four samples per counter. */
    public static long countersFor(int n) {
        return (n + 3L) / 4;
    }

    void launchAdam(int blocks, int tensors, Object... args) {
        kernels.launch2d(Kernel.ADAM, blocks, tensors, THREADS, 1, args);
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
