package ssgan.engine.kernels;

/**
 * Reductions over one contiguous segment {@code x[off, off+n)}, and column sums of a matrix. Two
 * implementations: {@link ScalarReductions} (the reference) and {@link VectorReductions}; the
 * {@link Reduce} facade splits large inputs into fixed blocks so results never depend on timing.
 */
public interface ReductionKernel {
    /** Σ x. */
    float sum(float[] x, int off, int n);

    /** Σ x². */
    float sumOfSquares(float[] x, int off, int n);

    /** max x (n ≥ 1). */
    float max(float[] x, int off, int n);

    /** Σ exp(x − shift): the inner sum of a stable log-sum-exp, with shift = max x. */
    float sumExp(float[] x, int off, int n, float shift);

    /**
     * Adds the column sums of a row-major [rows, cols] matrix into {@code out}, for columns
     * [colFrom, colTo): {@code out[c] += Σ_r x[r][c]} (the gradient of a bias).
     */
    void addColumnSums(float[] x, int rows, int cols, float[] out, int colFrom, int colTo);
}
