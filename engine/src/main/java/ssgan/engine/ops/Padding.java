package ssgan.engine.ops;

/**
 * How a convolution pads its input: explicit zero rows/columns on each side (possibly asymmetric), or one
 * of TensorFlow's modes that derive the padding from the sizes.
 * <ul>
 *   <li>{@link #SAME}: for a convolution, {@code out = ceil(in / stride)} with total padding
 *       {@code max((out − 1)·stride + k − in, 0)}, the odd extra row/column at the bottom/right;
 *       for a transposed convolution, {@code out = in · stride}.</li>
 *   <li>{@link #VALID}: no padding, only windows that lie fully inside the input.</li>
 * </ul>
 */
public record Padding(Mode mode, int top, int bottom, int left, int right) {
    public enum Mode { EXPLICIT, SAME, VALID }

    public static final Padding SAME = new Padding(Mode.SAME, 0, 0, 0, 0);
    public static final Padding VALID = new Padding(Mode.VALID, 0, 0, 0, 0);

    public Padding {
        if (top < 0 || bottom < 0 || left < 0 || right < 0) {
            throw new IllegalArgumentException("padding must not be negative, got top " + top + ", bottom " + bottom
                    + ", left " + left + ", right " + right);
        }
    }

    /** The same padding p on all four sides. */
    public static Padding of(int p) {
        return of(p, p);
    }

    /** ph rows at top and bottom, pw columns at left and right (PyTorch's {@code padding=(ph, pw)}). */
    public static Padding of(int ph, int pw) {
        return of(ph, ph, pw, pw);
    }

    public static Padding of(int top, int bottom, int left, int right) {
        return new Padding(Mode.EXPLICIT, top, bottom, left, right);
    }

    @Override
    public String toString() {
        return mode == Mode.EXPLICIT ? "Padding(top " + top + ", bottom " + bottom + ", left " + left + ", right " + right + ")" : mode.name();
    }
}
