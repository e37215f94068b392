package ssgan.engine.kernels;

/**
 * The plain-Java element-wise kernels: one obvious loop each. They are the reference the tests compare
 * the Vector API kernels with, the fallback when the Vector API is absent, and the tail loops of
 * {@link VectorElementwise}.
 */
public class ScalarElementwise implements ElementwiseKernel {
    @Override
    public void binary(BinaryOp op, float[] a, float[] b, float[] out, int from, int to, boolean accumulate) {
        for (int i = from; i < to; i++) {
            float v = op.apply(a[i], b[i]);
            out[i] = accumulate ? out[i] + v : v;
        }
    }

    @Override
    public void binaryScalar(BinaryOp op, float[] a, float s, float[] out, int from, int to, boolean accumulate) {
        for (int i = from; i < to; i++) {
            float v = op.apply(a[i], s);
            out[i] = accumulate ? out[i] + v : v;
        }
    }

    @Override
    public void binaryRows(BinaryOp op, float[] a, float[] row, float[] out, int cols, int rowFrom, int rowTo, boolean accumulate) {
        for (int r = rowFrom; r < rowTo; r++) {
            int base = r * cols;
            for (int c = 0; c < cols; c++) {
                float v = op.apply(a[base + c], row[c]);
                out[base + c] = accumulate ? out[base + c] + v : v;
            }
        }
    }

    @Override
    public void binaryChannels(BinaryOp op, float[] a, float[] perChannel, int channels, int inner, float[] out,
                               int blockFrom, int blockTo, boolean accumulate) {
        for (int j = blockFrom; j < blockTo; j++) {
            binaryScalar(op, a, perChannel[j % channels], out, j * inner, (j + 1) * inner, accumulate);
        }
    }

    // region leaky-relu (copied into docs/TOUR.md; DocsJavaFenceTest checks the copy)
    @Override
    public void leakyRelu(float[] x, float slope, float[] out, int from, int to) {
        for (int i = from; i < to; i++) out[i] = x[i] > 0 ? x[i] : slope * x[i];
    }
    // endregion

    @Override
    public void leakyReluBackward(float[] x, float slope, float[] g, float[] gradIn, int from, int to, boolean accumulate) {
        for (int i = from; i < to; i++) {
            float d = x[i] > 0 ? g[i] : slope * g[i];
            gradIn[i] = accumulate ? gradIn[i] + d : d;
        }
    }

    @Override
    public void lerp(float[] average, float[] value, float weight, int from, int to) {
        for (int i = from; i < to; i++) average[i] += weight * (value[i] - average[i]);
    }

    @Override
    public void unary(UnaryOp op, float[] x, float[] out, int from, int to) {
        for (int i = from; i < to; i++) out[i] = op.apply(x[i]);
    }

    @Override
    public void unaryBackward(UnaryOp op, float[] x, float[] y, float[] g, float[] gradIn, int from, int to) {
        for (int i = from; i < to; i++) gradIn[i] += op.derivative(x[i], y[i]) * g[i];
    }

    @Override
    public void pow(float[] x, float p, float[] out, int from, int to) {
        for (int i = from; i < to; i++) out[i] = (float) StrictMath.pow(x[i], p);
    }

    @Override
    public void powBackward(float[] x, float p, float[] g, float[] gradIn, int from, int to) {
        // region exercise-pow-backward (read docs/TOUR.md §5): add d(x^p)/dx · g into gradIn over [from, to)
        for (int i = from; i < to; i++) gradIn[i] += (float) (p * StrictMath.pow(x[i], p - 1.0)) * g[i];
        // endregion exercise-pow-backward
    }

    @Override
    public void clamp(float[] x, float lo, float hi, float[] out, int from, int to) {
        for (int i = from; i < to; i++) out[i] = Math.min(Math.max(x[i], lo), hi);
    }

    @Override
    public void clampBackward(float[] x, float lo, float hi, float[] g, float[] gradIn, int from, int to) {
        for (int i = from; i < to; i++) {
            if (x[i] >= lo && x[i] <= hi) gradIn[i] += g[i];
        }
    }
}
