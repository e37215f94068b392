package ssgan.nn.optim;

/**
 * One Adam update over a range of a parameter array, fused: each element's parameter, gradient and two
 * moments are read once and written once, with no temporary arrays. {@link ScalarAdam} is the plain
 * reference; {@link VectorAdam} does the same IEEE operations in the same order on a whole vector of
 * lanes at a time, so the two give bitwise equal results.
 *
 * <p>Per element, with the step's constants in {@link Coefficients}:
 * <pre>
 *   g  = grad + l2·p                                  (L2 weight decay, added to the gradient)
 *   m  = β1·m + (1−β1)·g
 *   v  = β2·v + (1−β2)·g·g
 *   p  = p·decay − stepSize·m / (sqrt(v·invBiasCorrection2 + epsInside) + epsOutside)
 * </pre>
 * where {@code decay = 1 − lr·wd} for decoupled (AdamW) decay, {@code stepSize = lr / (1 − β1^t)},
 * {@code invBiasCorrection2 = 1 / (1 − β2^t)}, and exactly one of the two epsilons is non-zero.
 */
public interface AdamKernel {
    /** The per-step constants, computed once per parameter tensor by {@link Adam}. */
    record Coefficients(float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2, float l2, float decay,
                        float stepSize, float invBiasCorrection2, float epsInside, float epsOutside) {}

    /** Updates elements {@code [from, to)} of {@code param}, {@code m} and {@code v} in place. */
    void update(float[] param, float[] grad, float[] m, float[] v, int from, int to, Coefficients c);
}
