package ssgan.engine.kernels;

/**
 * The plain batch-norm loops: one channel at a time, sums in double. The reference for the tests and the
 * fallback without the Vector API.
 */
public final class ScalarBatchNorm implements BatchNormKernel {
    @Override
    public void moments(float[] x, int n, int c, int hw, int c0, int c1, float[] mean, float[] var) {
        double count = (double) n * hw;
        for (int ch = c0; ch < c1; ch++) {
            double sum = 0;
            for (int img = 0; img < n; img++) {
                int base = (img * c + ch) * hw;
                for (int i = 0; i < hw; i++) sum += x[base + i];
            }
            double m = sum / count;
            double squares = 0;
            for (int img = 0; img < n; img++) {
                int base = (img * c + ch) * hw;
                for (int i = 0; i < hw; i++) {
                    double d = x[base + i] - m;
                    squares += d * d;
                }
            }
            mean[ch] = (float) m;
            var[ch] = (float) (squares / count);
        }
    }

    @Override
    public void scaleShift(float[] x, int img0, int img1, int c, int hw, float[] scale, float[] shift, float slope, float[] y) {
        for (int img = img0; img < img1; img++) {
            for (int ch = 0; ch < c; ch++) {
                int base = (img * c + ch) * hw;
                float s = scale[ch], t = shift[ch];
                for (int i = 0; i < hw; i++) {
                    float z = x[base + i] * s + t;
                    y[base + i] = z > 0 ? z : slope * z;
                }
            }
        }
    }

    /** The gradient through the fused leaky ReLU: dy where its output was positive, slope·dy elsewhere. */
    static float gated(float dy, float gate, float slope) {
        return gate > 0 ? dy : slope * dy;
    }

    @Override
    // region gradient-sums (copied into docs/book/05-batch-norm.md; DocsJavaFenceTest checks the copy)
    public void gradientSums(float[] dy, float[] gate, float slope, float[] x, int n, int c, int hw, int c0, int c1,
                             float[] center, float[] sumDy, float[] sumDyCentered) {
        for (int ch = c0; ch < c1; ch++) {
            double s = 0, sc = 0;
            float m = center[ch];
            for (int img = 0; img < n; img++) {
                int base = (img * c + ch) * hw;
                for (int i = 0; i < hw; i++) {
                    float g = gated(dy[base + i], gate[base + i], slope);
                    s += g;
                    sc += (double) g * (x[base + i] - m);
                }
            }
            sumDy[ch] = (float) s;
            sumDyCentered[ch] = (float) sc;
        }
    }
    // endregion

    @Override
    // region combine (copied into docs/book/05-batch-norm.md; DocsJavaFenceTest checks the copy)
    public void combine(float[] dy, float[] gate, float slope, float[] x, int img0, int img1, int c, int hw,
                        float[] a, float[] b, float[] k, float[] dx, boolean accumulate) {
        for (int img = img0; img < img1; img++) {
            for (int ch = 0; ch < c; ch++) {
                int base = (img * c + ch) * hw;
                float ac = a[ch], bc = b[ch], kc = k[ch];
                for (int i = 0; i < hw; i++) {
                    float v = ac * gated(dy[base + i], gate[base + i], slope) + bc * x[base + i] + kc;
                    dx[base + i] = accumulate ? dx[base + i] + v : v;
                }
            }
        }
    }
    // endregion
}
