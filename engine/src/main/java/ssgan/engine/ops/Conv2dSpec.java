package ssgan.engine.ops;

/**
 * Stride and padding of a 2-D convolution. Output size along an axis of input size {@code in} and kernel
 * size {@code k}: {@code floor((in + before + after − k) / stride) + 1}, with the padding resolved by
 * {@link Padding} (SAME gives {@code ceil(in / stride)}).
 */
public record Conv2dSpec(int strideH, int strideW, Padding padding) {
    public Conv2dSpec {
        if (padding == null) throw new IllegalArgumentException("Conv2dSpec: padding must not be null (use Padding.of(0) or Padding.VALID)");
    }

    public static Conv2dSpec of(int stride, Padding padding) {
        return new Conv2dSpec(stride, stride, padding);
    }

    /** TensorFlow's SAME padding: {@code out = ceil(in / stride)}. */
    public static Conv2dSpec same(int stride) {
        return of(stride, Padding.SAME);
    }

    /** No padding. */
    public static Conv2dSpec valid(int stride) {
        return of(stride, Padding.VALID);
    }

    /**
     * The padding before and after, and the output size, along one axis: {@code {before, after, out}}.
     * The caller has checked that the stride is positive.
     */
    int[] resolve(int in, int k, int stride, boolean vertical) {
        switch (padding.mode()) {
            case SAME: {
                int out = (in + stride - 1) / stride;
                int total = Math.max((out - 1) * stride + k - in, 0);
                return new int[] {total / 2, total - total / 2, out};
            }
            case VALID:
                return new int[] {0, 0, in >= k ? (in - k) / stride + 1 : 0};
            default: {
                int before = vertical ? padding.top() : padding.left();
                int after = vertical ? padding.bottom() : padding.right();
                int padded = in + before + after;
                return new int[] {before, after, padded >= k ? (padded - k) / stride + 1 : 0};
            }
        }
    }
}
