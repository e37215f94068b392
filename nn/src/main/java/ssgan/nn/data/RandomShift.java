package ssgan.nn.data;

import ssgan.engine.ops.Shapes;
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

    /**
     * A new batch {@code [N, C, H, W]}: image i moved by its own offset (dx, dy), each in
     * [−maxShift, maxShift], drawn on the host in the same order on every device, and the images moved
     * where they are (on a device, by its kernel).
     */
    public Tensor apply(Tensor images) {
        if (images.dim() != 4) {
            throw new IllegalArgumentException("RandomShift: images must be [N, C, H, W], got " + images.dim() + " dimensions");
        }
        int n = images.size(0);
        int[] offsets = new int[2 * n];
        int side = 2 * maxShift + 1;
        for (int i = 0; i < 2 * n; i++) offsets[i] = rng.nextInt(side) - maxShift;   // dx, then dy, of each image
        return Shapes.shiftImages(images, offsets, background);
    }

    /** A new batch {@code [N, C, H, W]}: every image moved by the same offset (dx, dy), the border filled with {@code background}. */
    public static Tensor translate(Tensor images, int dx, int dy, float background) {
        if (images.dim() != 4) {
            throw new IllegalArgumentException("translate: images must be [N, C, H, W], got " + images.dim() + " dimensions");
        }
        int[] offsets = new int[2 * images.size(0)];
        for (int i = 0; i < offsets.length; i += 2) {
            offsets[i] = dx;
            offsets[i + 1] = dy;
        }
        return Shapes.shiftImages(images, offsets, background);
    }
}
