package ssgan.nn.data;

import ssgan.engine.ops.Shapes;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;

/**
 * Turns each image of a batch by its own random angle of up to {@code maxDegrees} either way and scales it
 * by its own random factor in [1 − maxScale, 1 + maxScale], both about the image's centre, reading the
 * source bilinearly and filling what falls outside with the background value; optionally it also slants
 * it, moving each row sideways in proportion to its height by a random factor of up to {@code maxShear}.
 * A digit turned by a few degrees, drawn a little larger or written more slanted is still the same digit:
 * more variety from the same labelled images.
 */
public final class RandomRotation {
    private final float maxDegrees;
    private final float maxScale;
    private final float maxShear;
    private final float background;
    private final Rng rng;

    public RandomRotation(float maxDegrees, float maxScale, float maxShear, float background, Rng rng) {
        if (!(maxDegrees >= 0 && maxDegrees <= 180)) throw new IllegalArgumentException("RandomRotation: maxDegrees must be 0..180, got " + maxDegrees);
        if (!(maxScale >= 0 && maxScale < 1)) throw new IllegalArgumentException("RandomRotation: maxScale must be in [0, 1), got " + maxScale);
        if (!(maxShear >= 0 && maxShear <= 1)) throw new IllegalArgumentException("RandomRotation: maxShear must be in [0, 1], got " + maxShear);
        this.maxDegrees = maxDegrees;
        this.maxScale = maxScale;
        this.maxShear = maxShear;
        this.background = background;
        this.rng = rng;
    }

    /** The draws of the angles and scales; its state goes into checkpoints so a resumed run draws the same ones. */
    public Rng rng() {
        return rng;
    }

    /**
     * A new batch {@code [N, C, H, W]}: image i turned by its own angle and scaled by its own factor, both
     * drawn on the host in the same order on every device, and the images warped where they are.
     */
    public Tensor apply(Tensor images) {
        if (images.dim() != 4) throw new IllegalArgumentException("RandomRotation: images must be [N, C, H, W], got " + images.dim() + " dimensions");
        int n = images.size(0);
        double[] maps = new double[4 * n];
        for (int i = 0; i < n; i++) {
            double angle = Math.toRadians(maxDegrees * (2 * rng.nextDouble() - 1));
            double scale = 1 + maxScale * (2 * rng.nextDouble() - 1);
            // No draw without a slant, so that runs without one keep the stream of angles they had before it.
            double shear = maxShear > 0 ? maxShear * (2 * rng.nextDouble() - 1) : 0;
            // The source of an output pixel: the pixel turned back by the angle and shrunk by the scale,
            // then moved sideways by the slant times its height (x += shear·y).
            double cos = StrictMath.cos(angle) / scale, sin = StrictMath.sin(angle) / scale;
            maps[4 * i] = cos - shear * sin;
            maps[4 * i + 1] = sin + shear * cos;
            maps[4 * i + 2] = -sin;
            maps[4 * i + 3] = cos;
        }
        return Shapes.warpImages(images, maps, background);
    }
}
