package ssgan.engine.kernels;

/**
 * The loops of batch normalisation over a tensor seen as {@code [n, c, hw]} (NCHW images have
 * {@code hw = H·W}; a 2-D {@code [N, F]} batch has {@code hw = 1}). Statistics are per channel, over
 * the n·hw values of that channel. The reductions handle the channels {@code [c0, c1)} of all images, the
 * elementwise passes all channels of the images {@code [img0, img1)}, so callers can split the work across
 * cores: by channel where a channel's sums must stay in one thread, by image where each thread then
 * writes one contiguous block.
 *
 * <p>Everything batch norm computes is one of these four passes: forward is {@link #moments} then
 * {@link #scaleShift}; backward is {@link #gradientSums} then {@link #combine}, whose per-channel
 * coefficients the op works out.
 *
 * <p>A leaky ReLU after the scale and shift is fused in ({@code slope}: 0 is a ReLU, 1 no activation):
 * the forward applies it as it writes y, and the backward passes read the gradient through it,
 * {@code g = gate > 0 ? dy : slope·dy} with the fused output y as the gate (y > 0 exactly where the
 * value before the activation was, for any slope ≥ 0), so neither pass writes a tensor in between.
 */
public interface BatchNormKernel {
    /** Per-channel mean and biased (divide by n·hw) variance. */
    void moments(float[] x, int n, int c, int hw, int c0, int c1, float[] mean, float[] var);

    /** {@code z = x·scale[ch] + shift[ch]}, then {@code y = z > 0 ? z : slope·z} (slope 1: y = z). */
    void scaleShift(float[] x, int img0, int img1, int c, int hw, float[] scale, float[] shift, float slope, float[] y);

    /**
     * {@code sumDy[ch] = Σ g} and {@code sumDyCentered[ch] = Σ g·(x − center[ch])}, with
     * {@code g = gate > 0 ? dy : slope·dy} (slope 1: g = dy, whatever the gate; pass dy as the gate then).
     */
    void gradientSums(float[] dy, float[] gate, float slope, float[] x, int n, int c, int hw, int c0, int c1,
                      float[] center, float[] sumDy, float[] sumDyCentered);

    /** {@code dx = a[ch]·g + b[ch]·x + k[ch]} with g as in {@link #gradientSums}, or {@code dx +=} that with {@code accumulate}. */
    void combine(float[] dy, float[] gate, float slope, float[] x, int img0, int img1, int c, int hw,
                 float[] a, float[] b, float[] k, float[] dx, boolean accumulate);
}
