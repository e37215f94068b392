package ssgan.engine.kernels;

/**
 * The obviously-correct GEMM: three loops, one dot product per output element, sequential. It is the
 * reference for the tests and the fallback when the Vector API is absent.
 */
public final class ScalarGemm implements GemmKernel {
    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc,
                     boolean accumulate) {
        // region scalar-gemm (copied into docs/book/03-gemm.md; DocsJavaFenceTest checks the copy)
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float sum = 0f;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    sum += av * bv;
                }
                int ci = cOff + i * ldc + j;
                c[ci] = accumulate ? c[ci] + sum : sum;
            }
        }
        // endregion
    }
}
