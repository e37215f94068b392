package ssgan.engine.ops;

/**
 * Stride, padding and output padding of a 2-D transposed convolution, with PyTorch's semantics: along an
 * axis, {@code out = (in − 1)·stride − before − after + k + outputPadding}. The padding here removes
 * rows/columns from the full result (it is the padding of the convolution this one transposes), and
 * the output padding adds rows/columns at the bottom/right (0 ≤ outputPadding < stride).
 *
 * <p>{@link Padding#SAME} gives TensorFlow's {@code out = in · stride}: total padding {@code max(k − stride, 0)},
 * {@code floor} of half before and the rest after. For the generator's 5×5 kernels with stride 2 that is
 * one row/column removed at top/left and two at bottom/right. PyTorch's symmetric {@code padding}
 * cannot express that; its equivalent is {@code conv_transpose2d(padding=1)} followed by dropping the
 * last row and column ({@code padding=2, output_padding=1} has the right size but is shifted by one
 * pixel). {@link Padding#VALID} is no padding: {@code out = (in − 1)·stride + k}.
 */
public record ConvTranspose2dSpec(int strideH, int strideW, Padding padding, int outputPaddingH, int outputPaddingW) {
    public ConvTranspose2dSpec {
        if (padding == null) throw new IllegalArgumentException("ConvTranspose2dSpec: padding must not be null (use Padding.of(0))");
    }

    public static ConvTranspose2dSpec of(int stride, Padding padding) {
        return new ConvTranspose2dSpec(stride, stride, padding, 0, 0);
    }

    /** PyTorch's {@code ConvTranspose2d(stride, padding, output_padding)}. */
    public static ConvTranspose2dSpec of(int stride, int padding, int outputPadding) {
        return new ConvTranspose2dSpec(stride, stride, Padding.of(padding), outputPadding, outputPadding);
    }

    /** TensorFlow's SAME: {@code out = in · stride}. */
    public static ConvTranspose2dSpec same(int stride) {
        return of(stride, Padding.SAME);
    }

    /** The rows removed before and after, and the output size, along one axis: {@code {before, after, out}}. */
    int[] resolve(int in, int k, int stride, int outputPadding, boolean vertical) {
        switch (padding.mode()) {
            case SAME: {
                int total = Math.max(k - stride, 0);
                return new int[] {total / 2, total - total / 2, in * stride};
            }
            case VALID:
                return new int[] {0, 0, (in - 1) * stride + k + outputPadding};
            default: {
                int before = vertical ? padding.top() : padding.left();
                int after = vertical ? padding.bottom() : padding.right();
                return new int[] {before, after, (in - 1) * stride - before - after + k + outputPadding};
            }
        }
    }
}
