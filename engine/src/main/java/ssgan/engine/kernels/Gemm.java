package ssgan.engine.kernels;

/**
 * The engine's matrix multiply: {@link VectorGemm} (cache-blocked, multi-threaded, Vector API) when the
 * Vector API is available, else {@link ScalarGemm}. See {@link GemmKernel} for the argument convention.
 */
public final class Gemm {
    private static final GemmKernel KERNEL = Simd.choose(() -> new VectorGemm(), ScalarGemm::new);

    private Gemm() {}

    public static GemmKernel kernel() {
        return KERNEL;
    }

    public static void gemm(boolean transA, boolean transB, int m, int n, int k,
                            float[] a, int aOff, int lda,
                            float[] b, int bOff, int ldb,
                            float[] c, int cOff, int ldc,
                            boolean accumulate) {
        KERNEL.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    /** {@code C (+)= op(A) · B} for a B produced on demand; see {@link ImplicitMatrix}. */
    public static void gemm(boolean transA, int m, int n, int k, float[] a, int aOff, int lda,
                            ImplicitMatrix b, float[] c, int cOff, int ldc, boolean accumulate) {
        if (b.rows() != k || b.columns() != n) {
            throw new IllegalArgumentException("gemm: B must be " + k + "×" + n + " (k×n), got " + b.rows() + "×" + b.columns());
        }
        KERNEL.gemm(transA, m, n, k, a, aOff, lda, b, c, cOff, ldc, accumulate);
    }

    /** The same into a C laid out in blocks of columns; see {@link GemmKernel}. */
    public static void gemm(boolean transA, int m, int n, int k, float[] a, int aOff, int lda,
                            ImplicitMatrix b, float[] c, int cOff, int ldc, int block, int blockStride, boolean accumulate) {
        if (b.rows() != k || b.columns() != n) {
            throw new IllegalArgumentException("gemm: B must be " + k + "×" + n + " (k×n), got " + b.rows() + "×" + b.columns());
        }
        if (block < 1) throw new IllegalArgumentException("gemm: block must be at least 1, got " + block);
        KERNEL.gemm(transA, m, n, k, a, aOff, lda, b, c, cOff, ldc, block, blockStride, accumulate);
    }

    /** Dense C[m×n] = A[m×k] · B[k×n] with tight leading dimensions. */
    public static void gemm(int m, int n, int k, float[] a, float[] b, float[] c) {
        gemm(false, false, m, n, k, a, 0, k, b, 0, n, c, 0, n, false);
    }
}
