package ssgan.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import ssgan.engine.kernels.Layout;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;

class RandomWarpTest {
    private static final float BACKGROUND = -1f;

    private static float[] ramp(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = i + 1;
        return a;
    }

    @Test
    void noTurnAndNoScalingCopiesThePlaneExactly() {
        int h = 6, w = 6;
        float[] src = ramp(h * w), out = new float[h * w];
        Layout.warpPlane(src, out, 0, h, w, 1, 0, 0, 1, null, 0, BACKGROUND);
        assertArrayEquals(src, out);
    }

    @Test
    void aQuarterTurnMovesEveryPixelToItsRotatedPlace() {
        int n = 7;   // odd and even sides: the centre is a pixel or a corner
        for (int side : new int[] {n, n + 1}) {
            float[] src = ramp(side * side), out = new float[side * side];
            Layout.warpPlane(src, out, 0, side, side, 0, 1, -1, 0, null, 0, BACKGROUND);   // cos 90° = 0, sin 90° = 1
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    // The source of (x, y) turned by +90° in image coordinates (y down): (y, side − 1 − x).
                    assertEquals(src[(side - 1 - x) * side + y], out[y * side + x], 1e-4f, "side " + side + " at " + x + "," + y);
                }
            }
        }
    }

    @Test
    void halfPixelSourcesAreReadBilinearlyAndOutsideIsBackground() {
        int h = 4, w = 4;
        float[] src = ramp(h * w), out = new float[h * w];
        // Scaling by 2 about (1.5, 1.5): output x reads source 1.5 + (x − 1.5) / 2.
        Layout.warpPlane(src, out, 0, h, w, 0.5, 0, 0, 0.5, null, 0, BACKGROUND);
        double sx = 1.5 + (0 - 1.5) / 2, sy = sx;   // 0.75, 0.75
        double expected = (1 - 0.75) * (1 - 0.75) * src[0] + 0.75 * (1 - 0.75) * src[1] + (1 - 0.75) * 0.75 * src[4] + 0.75 * 0.75 * src[5];
        assertEquals(expected, out[0], 1e-5, "a source between four pixels, at " + sx + "," + sy);
        // Shrinking by 2: the corners read from outside the image, half background.
        Layout.warpPlane(src, out, 0, h, w, 2, 0, 0, 2, null, 0, BACKGROUND);
        assertEquals(BACKGROUND, out[0], 1e-6f, "the corner's source (−1.5, −1.5) is outside");
    }

    @Test
    void eachImageIsTurnedByItsOwnDrawWithinTheRangeTheSameForAllItsChannels() {
        int n = 200, c = 2, h = 9, w = 9;
        float[] data = new float[n * c * h * w];
        for (int i = 0; i < n * c; i++) data[i * h * w + 4 * w + 7] = 1;   // one lit pixel, 3 right of the centre
        for (int i = 0; i < data.length; i++) if (data[i] == 0) data[i] = BACKGROUND;
        float[] out = new RandomWarp(20, 0, 0, 0, BACKGROUND, new Rng(5)).apply(Tensor.of(data, n, c, h, w)).data();
        double smallest = 90, largest = -90;
        for (int i = 0; i < n; i++) {
            double[] angle = new double[c];
            for (int ch = 0; ch < c; ch++) {
                // The lit pixel's mass centre (brightness above the background) gives the angle it was turned by.
                double mx = 0, my = 0, mass = 0;
                int base = (i * c + ch) * h * w;
                for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
                    double m = out[base + y * w + x] - BACKGROUND;
                    mx += m * (x - 4);
                    my += m * (y - 4);
                    mass += m;
                }
                angle[ch] = Math.toDegrees(Math.atan2(my / mass, mx / mass));
                double radius = Math.hypot(mx / mass, my / mass);
                assertEquals(3, radius, 0.25, "image " + i + ": a turn keeps the lit pixel 3 from the centre (no scaling drawn)");
            }
            assertEquals(angle[0], angle[1], 1e-3, "image " + i + ": both channels turned alike");
            assertTrue(Math.abs(angle[0]) <= 21, "image " + i + " turned by " + angle[0] + "°, beyond 20° (and the 1° that bilinear reading can move a lone pixel's centre)");
            smallest = Math.min(smallest, angle[0]);
            largest = Math.max(largest, angle[0]);
        }
        assertTrue(smallest < -15 && largest > 15, "angles drawn from " + smallest + " to " + largest + "°: not the whole ±20° range");
    }

    @Test
    void aSlantMovesEachRowSidewaysByItsHeightTimesTheDrawnFactor() {
        int n = 200, h = 9, w = 9;
        float[] data = new float[n * h * w];
        java.util.Arrays.fill(data, BACKGROUND);
        for (int i = 0; i < n; i++) data[i * h * w + 1 * w + 4] = 1;   // one lit pixel, 3 above the centre
        float[] out = new RandomWarp(0, 0, 0.5f, 0, BACKGROUND, new Rng(7)).apply(Tensor.of(data, n, 1, h, w)).data();
        double smallest = 9, largest = -9;
        for (int i = 0; i < n; i++) {
            double mx = 0, my = 0, mass = 0;
            for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
                double m = out[i * h * w + y * w + x] - BACKGROUND;
                mx += m * (x - 4);
                my += m * (y - 4);
                mass += m;
            }
            assertEquals(-3, my / mass, 1e-4, "image " + i + ": a slant keeps each row at its height");
            double moved = mx / mass;
            assertTrue(Math.abs(moved) <= 1.5 + 1e-4, "image " + i + ": moved by " + moved + ", beyond 0.5 × 3 rows");
            smallest = Math.min(smallest, moved);
            largest = Math.max(largest, moved);
        }
        assertTrue(smallest < -1.2 && largest > 1.2, "moves drawn from " + smallest + " to " + largest + ": not the whole ±1.5 range");
    }

    /** The lit pixel's mass centre (brightness above the background), relative to (x0, y0), in plane {@code at}. */
    private static double[] moved(float[] out, int at, int h, int w, int x0, int y0) {
        double mx = 0, my = 0, mass = 0;
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
            double m = out[at + y * w + x] - BACKGROUND;
            mx += m * (x - x0);
            my += m * (y - y0);
            mass += m;
        }
        return new double[] {mx / mass, my / mass};
    }

    @Test
    void bendsMoveEachPixelByUpToTheLimitAndNeighboursAlike() {
        int n = 100, c = 2, h = 28, w = 28;
        float[] data = new float[n * c * h * w];
        java.util.Arrays.fill(data, BACKGROUND);
        for (int i = 0; i < n; i++) {
            data[(i * c) * h * w + 14 * w + 10] = 1;       // channel 0: a lit pixel at (10, 14)
            data[(i * c + 1) * h * w + 14 * w + 11] = 1;   // channel 1: its right-hand neighbour
        }
        float[] out = new RandomWarp(0, 0, 0, 2, BACKGROUND, new Rng(9)).apply(Tensor.of(data, n, c, h, w)).data();
        double smallest = 9, largest = -9;
        for (int i = 0; i < n; i++) {
            double[] a = moved(out, (i * c) * h * w, h, w, 10, 14), b = moved(out, (i * c + 1) * h * w, h, w, 11, 14);
            for (int axis = 0; axis < 2; axis++) {
                assertTrue(Math.abs(a[axis]) <= 2.3, "image " + i + ": moved by " + a[axis] + ", beyond 2 pixels");
                // Control points 9 pixels apart, each within ±2: neighbours' moves differ by at most 4/9.
                assertEquals(a[axis], b[axis], 0.6, "image " + i + ": neighbours bent apart");
            }
            smallest = Math.min(smallest, a[0]);
            largest = Math.max(largest, a[0]);
        }
        assertTrue(smallest < -1 && largest > 1, "moves drawn from " + smallest + " to " + largest + ": not the whole ±2 range");
    }

    @Test
    void theSameRngStateDrawsTheSameBatch() {
        Tensor images = Tensor.of(ramp(3 * 28 * 28), 3, 1, 28, 28);
        Rng rng = new Rng(11);
        long state = rng.state();
        RandomWarp rotation = new RandomWarp(15, 0.1f, 0.2f, 2, BACKGROUND, rng);
        float[] first = rotation.apply(images).data().clone();
        rng.setState(state);
        assertArrayEquals(first, rotation.apply(images).data());
    }

    @Test
    void badArgumentsAreRefusedWithWhatIsWrong() {
        assertThrows(IllegalArgumentException.class, () -> new RandomWarp(-1, 0, 0, 0, BACKGROUND, new Rng(1)));
        assertThrows(IllegalArgumentException.class, () -> new RandomWarp(10, 1, 0, 0, BACKGROUND, new Rng(1)));
        assertThrows(IllegalArgumentException.class, () -> new RandomWarp(10, 0, -0.1f, 0, BACKGROUND, new Rng(1)));
        assertThrows(IllegalArgumentException.class, () -> new RandomWarp(10, 0, 0, 11, BACKGROUND, new Rng(1)));
        RandomWarp rotation = new RandomWarp(10, 0, 0, 0, BACKGROUND, new Rng(1));
        assertThrows(IllegalArgumentException.class, () -> rotation.apply(Tensor.of(new float[4], 2, 2)));
    }
}
