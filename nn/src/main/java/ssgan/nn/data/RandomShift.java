package ssgan.nn.data;

import java.util.Arrays;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;

/**
 * Moves each image of a batch by a random whole-pixel offset of up to {@code maxShift} pixels in each
 * direction, filling the uncovered border with the background value. A digit moved by a pixel or two
 * is still the same digit, so a small labelled set, seen with a new offset each time, stands for more
 * images than it has.
 */
public final class RandomShift {
    private final int maxShift;
    private final float background;
    private final Rng rng;

    public RandomShift(int maxShift, float background, Rng rng) {
        if (maxShift < 0) throw new IllegalArgumentException("RandomShift: maxShift must be >= 0, got " + maxShift);
        this.maxShift = maxShift;
        this.background = background;
        this.rng = rng;
    }

    /** The draws of the offsets; its state goes into checkpoints so a resumed run draws the same ones. */
    public Rng rng() {
        return rng;
    }

    /** A new batch {@code [N, C, H, W]}: image i moved by its own offset (dx, dy), each in [−maxShift, maxShift]. */
    public Tensor apply(Tensor images) {
        if (images.dim() != 4) {
            throw new IllegalArgumentException("RandomShift: images must be [N, C, H, W], got " + images.dim() + " dimensions");
        }
        int n = images.size(0), channels = images.size(1), h = images.size(2), w = images.size(3);
        float[] src = images.data(), dst = new float[src.length];
        int side = 2 * maxShift + 1;
        for (int i = 0; i < n; i++) {
            int dx = rng.nextInt(side) - maxShift, dy = rng.nextInt(side) - maxShift;
            for (int c = 0; c < channels; c++) {
                int base = (i * channels + c) * h * w;
                shift(src, dst, base, h, w, dx, dy, background);
            }
        }
        return Tensor.wrap(dst, images.shape());
    }

    /** A new batch {@code [N, C, H, W]}: every image moved by the same offset (dx, dy), the border filled with {@code background}. */
    public static Tensor translate(Tensor images, int dx, int dy, float background) {
        if (images.dim() != 4) {
            throw new IllegalArgumentException("translate: images must be [N, C, H, W], got " + images.dim() + " dimensions");
        }
        int planes = images.size(0) * images.size(1), h = images.size(2), w = images.size(3);
        float[] src = images.data(), dst = new float[src.length];
        for (int p = 0; p < planes; p++) shift(src, dst, p * h * w, h, w, dx, dy, background);
        return Tensor.wrap(dst, images.shape());
    }

    /** {@code dst[y][x] = src[y − dy][x − dx]} on the h×w plane at {@code base}, background where that falls outside. */
    static void shift(float[] src, float[] dst, int base, int h, int w, int dx, int dy, float background) {
        for (int y = 0; y < h; y++) {
            int from = y - dy, row = base + y * w;
            if (from < 0 || from >= h) {
                Arrays.fill(dst, row, row + w, background);
                continue;
            }
            int srcRow = base + from * w;
            // Columns [x0, x1) are copied (0 <= x − dx < w), the rest are border.
            int x0 = Math.min(w, Math.max(0, dx)), x1 = Math.max(x0, Math.min(w, w + dx));
            Arrays.fill(dst, row, row + x0, background);
            if (x1 > x0) System.arraycopy(src, srcRow + x0 - dx, dst, row + x0, x1 - x0);
            Arrays.fill(dst, row + x1, row + w, background);
        }
    }
}
