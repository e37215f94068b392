package ssgan.engine.kernels;

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
}
