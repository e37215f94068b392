package ssgan.nn.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import ssgan.engine.kernels.Layout;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;

class RandomShiftTest {
    private static final float BACKGROUND = -1f;

    /** The definition, pixel by pixel. */
    private static float expected(float[] src, int base, int h, int w, int x, int y, int dx, int dy) {
        int sx = x - dx, sy = y - dy;
        return sx >= 0 && sx < w && sy >= 0 && sy < h ? src[base + sy * w + sx] : BACKGROUND;
    }

    @Test
    void shiftMatchesTheDefinitionForEveryOffsetIncludingOnesLargerThanTheImage() {
        int h = 5, w = 7;
        float[] src = new float[h * w];
        for (int i = 0; i < src.length; i++) src[i] = i + 1;
        for (int dy = -6; dy <= 6; dy++) {
            for (int dx = -8; dx <= 8; dx++) {
                float[] dst = new float[src.length];
                Layout.shiftPlane(src, dst, 0, h, w, dx, dy, BACKGROUND);
                for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
                    assertEquals(expected(src, 0, h, w, x, y, dx, dy), dst[y * w + x], "dx=" + dx + " dy=" + dy + " at " + x + "," + y);
                }
            }
        }
    }

    @Test
    void translateMovesEveryPlaneOfEveryImageByTheSameOffset() {
        int n = 3, c = 2, h = 5, w = 4;
        float[] data = new float[n * c * h * w];
        for (int i = 0; i < data.length; i++) data[i] = i + 1;
        for (int[] d : new int[][] {{1, 0}, {0, -1}, {-2, 1}, {0, 0}}) {
            float[] out = RandomShift.translate(Tensor.of(data, n, c, h, w), d[0], d[1], BACKGROUND).data();
            for (int p = 0; p < n * c; p++) {
                for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
                    assertEquals(expected(data, p * h * w, h, w, x, y, d[0], d[1]), out[p * h * w + y * w + x],
                            "plane " + p + " dx=" + d[0] + " dy=" + d[1]);
                }
            }
        }
    }

    @Test
    void eachImageGetsOneOffsetWithinRangeForAllItsChannelsAndEveryOffsetOccurs() {
        int n = 400, c = 2, h = 6, w = 6, s = 2;
        float[] data = new float[n * c * h * w];
        Rng fill = new Rng(3);
        for (int i = 0; i < data.length; i++) data[i] = fill.nextFloat();
        Tensor out = new RandomShift(s, BACKGROUND, new Rng(7)).apply(Tensor.of(data, n, c, h, w));
        boolean[][] seen = new boolean[2 * s + 1][2 * s + 1];
        for (int i = 0; i < n; i++) {
            int found = 0;
            for (int dy = -s; dy <= s; dy++) for (int dx = -s; dx <= s; dx++) {
                if (matches(data, out.data(), i, c, h, w, dx, dy)) {
                    seen[dy + s][dx + s] = true;
                    found++;
                }
            }
            assertEquals(1, found, "image " + i + " must be exactly one shift of its input, the same for both channels");
        }
        for (boolean[] row : seen) for (boolean b : row) assertTrue(b, "every offset in [-2, 2]² should occur in 400 draws");
    }

    /** The draws come in a fixed order, dx then dy of each image, so that a seed gives the same batches on every device and build. */
    @Test
    void theOffsetsAreDrawnDxThenDyImageByImage() {
        int n = 5, c = 1, h = 4, w = 6, s = 2;
        float[] data = new float[n * c * h * w];
        for (int i = 0; i < data.length; i++) data[i] = i + 1;
        float[] out = new RandomShift(s, BACKGROUND, new Rng(11)).apply(Tensor.of(data, n, c, h, w)).data();
        Rng draws = new Rng(11);
        for (int i = 0; i < n; i++) {
            int dx = draws.nextInt(2 * s + 1) - s, dy = draws.nextInt(2 * s + 1) - s;
            assertTrue(matches(data, out, i, c, h, w, dx, dy), "image " + i + " moved by (" + dx + ", " + dy + ")");
        }
    }

    @Test
    void zeroShiftCopiesAndNegativeIsRejected() {
        float[] data = {1, 2, 3, 4};
        assertEquals(java.util.List.of(1f, 2f, 3f, 4f), toList(new RandomShift(0, BACKGROUND, new Rng(1)).apply(Tensor.of(data, 1, 1, 2, 2)).data()));
        assertThrows(IllegalArgumentException.class, () -> new RandomShift(-1, BACKGROUND, new Rng(1)));
        assertThrows(IllegalArgumentException.class, () -> new RandomShift(1, BACKGROUND, new Rng(1)).apply(Tensor.of(data, 4)));
    }

    private static boolean matches(float[] src, float[] out, int image, int c, int h, int w, int dx, int dy) {
        for (int ch = 0; ch < c; ch++) {
            int base = (image * c + ch) * h * w;
            for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
                if (out[base + y * w + x] != expected(src, base, h, w, x, y, dx, dy)) return false;
            }
        }
        return true;
    }

    private static java.util.List<Float> toList(float[] a) {
        java.util.List<Float> l = new java.util.ArrayList<>();
        for (float f : a) l.add(f);
        return l;
    }
}
