package ssgan.engine.kernels;

import ssgan.engine.parallel.Parallel;

/**
 * General matrix multiply on row-major arrays: {@code C = op(A) · op(B)}, or {@code C += op(A) · op(B)}
 * when {@code accumulate} is set. {@code op(X)} is X or its transpose, read in place (never copied
 * into a transposed array by the caller).
 *
 * <p>Shapes: op(A) is m×k, op(B) is k×n, C is m×n. A is stored m×k (lda ≥ k) or, transposed, k×m
 * (lda ≥ m); B is stored k×n (ldb ≥ n) or, transposed, n×k (ldb ≥ k); C has row stride ldc ≥ n.
 * Offsets locate each matrix inside a larger array (one image of a batch, one group of channels).
 */
public interface GemmKernel {
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              float[] a, int aOff, int lda,
              float[] b, int bOff, int ldb,
              float[] c, int cOff, int ldc,
              boolean accumulate);

    /**
     * {@code C (+)= op(A) · B} for a B that is produced on demand. This default writes B out in blocks of
     * columns (in parallel, a few MiB at a time) and multiplies each; a packing kernel overrides it to
     * read B while it packs, without the detour through memory.
     */
    default void gemm(boolean transA, int m, int n, int k, float[] a, int aOff, int lda,
                      ImplicitMatrix b, float[] c, int cOff, int ldc, boolean accumulate) {
        int budget = 1 << 20;  // floats of B written out at a time: 4 MiB
        int block = Math.max(1, Math.min(n, budget / Math.max(1, k)));
        float[] dense = Workspace.get(Workspace.IMPLICIT_BLOCK, k * block);
        for (int j0 = 0; j0 < n; j0 += block) {
            int col0 = j0, cols = Math.min(block, n - j0);
            Parallel.forRange(k, 1, (chunk, r0, r1) -> b.pack(r0, r1 - r0, col0, cols, cols, dense, r0 * cols));
            gemm(transA, false, m, cols, k, a, aOff, lda, dense, 0, cols, c, cOff + j0, ldc, accumulate);
        }
    }

    /**
     * {@link #gemm(boolean, int, int, int, float[], int, int, ImplicitMatrix, float[], int, int, boolean)}
     * into a C whose columns come in blocks of {@code block}, block b starting {@code b·blockStride} after
     * {@code cOff}: entry (i, j) is {@code c[cOff + (j / block)·blockStride + i·ldc + j % block]}. A
     * convolution's output, whose columns are (image, pixel), is so laid out in NCHW order: block = the
     * image's pixels, ldc the same, blockStride the image's size. This default multiplies block by block.
     */
    default void gemm(boolean transA, int m, int n, int k, float[] a, int aOff, int lda,
                      ImplicitMatrix b, float[] c, int cOff, int ldc, int block, int blockStride, boolean accumulate) {
        for (int j0 = 0; j0 < n; j0 += block) {
            int cols = Math.min(block, n - j0);
            gemm(transA, m, cols, k, a, aOff, lda, b.columns(j0, cols), c, cOff + j0 / block * blockStride, ldc, accumulate);
        }
    }
}
