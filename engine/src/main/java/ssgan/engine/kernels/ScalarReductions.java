package ssgan.engine.kernels;

/** The plain-Java reductions; sums accumulate in double, which makes them the accurate reference. */
public final class ScalarReductions implements ReductionKernel {
    @Override
    // region sum (copied into docs/book/02-vector-api.md; DocsJavaFenceTest checks the copy)
    public float sum(float[] x, int off, int n) {
        double s = 0;
        for (int i = off; i < off + n; i++) s += x[i];
        return (float) s;
    }
    // endregion

    @Override
    public float sumOfSquares(float[] x, int off, int n) {
        double s = 0;
        for (int i = off; i < off + n; i++) s += (double) x[i] * x[i];
        return (float) s;
    }

    @Override
    public float max(float[] x, int off, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = off; i < off + n; i++) m = Math.max(m, x[i]);
        return m;
    }

    @Override
    public float sumExp(float[] x, int off, int n, float shift) {
        double s = 0;
        for (int i = off; i < off + n; i++) s += StrictMath.exp(x[i] - shift);
        return (float) s;
    }

    @Override
    public void addColumnSums(float[] x, int rows, int cols, float[] out, int colFrom, int colTo) {
        for (int c = colFrom; c < colTo; c++) {
            double s = 0;
            for (int r = 0; r < rows; r++) s += x[r * cols + c];
            out[c] += (float) s;
        }
    }
}
