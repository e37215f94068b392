package ssgan.nn.data;

import ssgan.engine.ops.Shapes;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;

/**
 * Warps each image of a batch by its own random draw: turned by an angle of up to {@code maxDegrees}
 * either way and scaled by a factor in [1 − maxScale, 1 + maxScale], both about the image's centre;
 * optionally slanted, each row moved sideways in proportion to its height by a factor of up to
 * {@code maxShear}; and optionally bent, each pixel's source moved by a smooth random field of up to
 * {@code maxBend} pixels (the elastic distortions of Simard et al., 2003). The source is read bilinearly,
 * and what falls outside is the background value. A digit turned by a few degrees, drawn a little larger,
 * written more slanted or with a wobblier stroke is still the same digit: more variety from the same
 * labelled images.
 */
public final class RandomWarp {
    /**
     * The bends' control points per side: a field drawn at 4 × 4 points (9 pixels apart on MNIST) and
     * interpolated bilinearly in between is smooth over several pixels, as Simard's is (random moves
     * smoothed by a Gaussian of σ 4 pixels), at the cost of 32 draws an image instead of a convolution.
     */
    static final int GRID = 4;

    private final float maxDegrees;
    private final float maxScale;
    private final float maxShear;
    private final float maxBend;
    private final float background;
    private final Rng rng;
    private float[] moves = new float[0];   // the bends of the last batch, reused: no allocation per batch
    private final float[] points = new float[2 * GRID * GRID];

    public RandomWarp(float maxDegrees, float maxScale, float maxShear, float maxBend, float background, Rng rng) {
        if (!(maxDegrees >= 0 && maxDegrees <= 180)) throw new IllegalArgumentException("RandomWarp: maxDegrees must be 0..180, got " + maxDegrees);
        if (!(maxScale >= 0 && maxScale < 1)) throw new IllegalArgumentException("RandomWarp: maxScale must be in [0, 1), got " + maxScale);
        if (!(maxShear >= 0 && maxShear <= 1)) throw new IllegalArgumentException("RandomWarp: maxShear must be in [0, 1], got " + maxShear);
        if (!(maxBend >= 0 && maxBend <= 10)) throw new IllegalArgumentException("RandomWarp: maxBend must be 0..10 pixels, got " + maxBend);
        this.maxDegrees = maxDegrees;
        this.maxScale = maxScale;
        this.maxShear = maxShear;
        this.maxBend = maxBend;
        this.background = background;
        this.rng = rng;
    }

    /** The draws of the warps; its state goes into checkpoints so a resumed run draws the same ones. */
    public Rng rng() {
        return rng;
    }

    /**
     * A new batch {@code [N, C, H, W]}: image i warped by its own draws, made on the host in the same order
     * on every device (angle, scale, then slant and bends when they are on, so that a run without them
     * keeps the draws it had before they existed), and the images warped where they are.
     */
    public Tensor apply(Tensor images) {
        if (images.dim() != 4) throw new IllegalArgumentException("RandomWarp: images must be [N, C, H, W], got " + images.dim() + " dimensions");
        int n = images.size(0), h = images.size(2), w = images.size(3);
        double[] maps = new double[4 * n];
        if (maxBend > 0 && moves.length != 2 * n * h * w) moves = new float[2 * n * h * w];
        for (int i = 0; i < n; i++) {
            double angle = Math.toRadians(maxDegrees * (2 * rng.nextDouble() - 1));
            double scale = 1 + maxScale * (2 * rng.nextDouble() - 1);
            double shear = maxShear > 0 ? maxShear * (2 * rng.nextDouble() - 1) : 0;
            // The source of an output pixel: the pixel turned back by the angle and shrunk by the scale,
            // then moved sideways by the slant times its height (x += shear·y).
            double cos = StrictMath.cos(angle) / scale, sin = StrictMath.sin(angle) / scale;
            maps[4 * i] = cos - shear * sin;
            maps[4 * i + 1] = sin + shear * cos;
            maps[4 * i + 2] = -sin;
            maps[4 * i + 3] = cos;
            if (maxBend > 0) bend(moves, 2 * i * h * w, h, w);
        }
        return Shapes.warpImages(images, maps, maxBend > 0 ? moves : null, background);
    }

    /**
     * One image's field of moves: x and y parts drawn in [−maxBend, maxBend] at GRID × GRID points spread
     * over the image, corners included, and interpolated bilinearly at every pixel.
     */
    private void bend(float[] out, int at, int h, int w) {
        for (int j = 0; j < points.length; j++) points[j] = (float) (maxBend * (2 * rng.nextDouble() - 1));
        for (int part = 0; part < 2; part++) {
            int base = part * GRID * GRID;
            for (int y = 0; y < h; y++) {
                double gy = h == 1 ? 0 : y * (GRID - 1.0) / (h - 1);
                int y0 = Math.min((int) gy, GRID - 2);
                double fy = gy - y0;
                for (int x = 0; x < w; x++) {
                    double gx = w == 1 ? 0 : x * (GRID - 1.0) / (w - 1);
                    int x0 = Math.min((int) gx, GRID - 2);
                    double fx = gx - x0;
                    int p = base + y0 * GRID + x0;
                    double top = (1 - fx) * points[p] + fx * points[p + 1];
                    double bottom = (1 - fx) * points[p + GRID] + fx * points[p + GRID + 1];
                    out[at + part * h * w + y * w + x] = (float) ((1 - fy) * top + fy * bottom);
                }
            }
        }
    }
}
