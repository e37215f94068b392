package ssgan.nn.optim;

/** The plain-Java Adam kernel: the reference for {@link VectorAdam} and the fallback without the Vector API. */
public final class ScalarAdam implements AdamKernel {
    @Override
    public void update(float[] param, float[] grad, float[] m, float[] v, int from, int to, Coefficients c) {
        updateRange(param, grad, m, v, from, to, c);
    }

    /** The loop itself, static so that {@link VectorAdam} can run its tail with the very same arithmetic. */
    static void updateRange(float[] param, float[] grad, float[] m, float[] v, int from, int to, Coefficients c) {
        float beta1 = c.beta1(), oneMinusBeta1 = c.oneMinusBeta1(), beta2 = c.beta2(), oneMinusBeta2 = c.oneMinusBeta2();
        float l2 = c.l2(), decay = c.decay(), stepSize = c.stepSize(), invBc2 = c.invBiasCorrection2();
        float epsInside = c.epsInside(), epsOutside = c.epsOutside();
        // region update-loop (copied into docs/book/06-adam-and-averaging.md; DocsJavaFenceTest checks the copy)
        for (int i = from; i < to; i++) {
            float p = param[i];
            float g = grad[i] + l2 * p;
            float mi = beta1 * m[i] + oneMinusBeta1 * g;
            float vi = beta2 * v[i] + oneMinusBeta2 * g * g;
            m[i] = mi;
            v[i] = vi;
            // (float) Math.sqrt(double) is the correctly rounded float square root, like the vector lane's.
            float denom = (float) Math.sqrt(vi * invBc2 + epsInside) + epsOutside;
            param[i] = p * decay - stepSize * mi / denom;
        }
        // endregion
    }
}
