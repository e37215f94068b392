package ssgan.engine.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static ssgan.engine.ops.TestTensors.uniform;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import ssgan.engine.kernels.Layout;
import ssgan.engine.kernels.NaiveBroadcast;
import ssgan.engine.parallel.Parallel;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Shape;
import ssgan.engine.tensor.Tensor;
import ssgan.engine.testing.GradCheck;

class ShapesTest {
    private final Rng rng = new Rng(21);

    @Tag("exercise-permute")
    @Test
    void permuteAndTransposeMoveEveryElementToItsPlace() {
        int[] shape = {2, 3, 5, 4};
        int[] perm = {2, 0, 3, 1};
        Tensor x = uniform(rng, -1, 1, shape);
        Tensor y = Shapes.permute(x, perm);
        assertArrayEquals(new int[] {5, 2, 4, 3}, y.shape());
        for (int i = 0; i < y.numel(); i++) {
            int[] out = NaiveBroadcast.unravel(i, y.shape());
            int[] in = new int[4];
            for (int d = 0; d < 4; d++) in[perm[d]] = out[d];
            assertEquals(x.get(in), y.data()[i]);
        }
        GradCheck.standard().check("permute", t -> Shapes.permute(t[0], perm), x);

        Tensor m = uniform(rng, -1, 1, 3, 17);
        Tensor t = Shapes.transpose(m, 0, -1);
        assertArrayEquals(new int[] {17, 3}, t.shape());
        for (int i = 0; i < 3; i++) for (int j = 0; j < 17; j++) assertEquals(m.get(i, j), t.get(j, i));
        GradCheck.standard().check("transpose", in -> Shapes.transpose(in[0], 0, 1), m);
        assertThrows(IllegalArgumentException.class, () -> Shapes.permute(x, 0, 0, 1, 2));
    }

    @Test
    void flattenMergesTrailingDimsAndPassesGradient() {
        Tensor x = uniform(rng, -1, 1, 2, 3, 4);
        assertArrayEquals(new int[] {2, 12}, Shapes.flatten(x, 1).shape());
        assertArrayEquals(new int[] {24}, Shapes.flatten(x, 0).shape());
        assertArrayEquals(new int[] {2, 3, 4}, Shapes.flatten(x, -1).shape());
        GradCheck.standard().check("flatten", in -> Shapes.flatten(in[0], 1), x);
    }

    @Tag("exercise-concat-backward")
    @Test
    void concatSplitAndNarrowAreInversesAlongEveryDim() {
        for (int dim : new int[] {0, 1, 2, -1}) {
            int d = dim < 0 ? dim + 3 : dim;
            int[] s1 = {2, 3, 4};
            int[] s2 = s1.clone();
            s2[d] = 1;
            int[] s3 = s1.clone();
            s3[d] = 5;
            Tensor a = uniform(rng, -1, 1, s1);
            Tensor b = uniform(rng, -1, 1, s2);
            Tensor c = uniform(rng, -1, 1, s3);
            Tensor cat = Shapes.concat(dim, a, b, c);
            assertEquals(s1[d] + 1 + 5, cat.size(d));
            Tensor[] parts = Shapes.split(cat, dim, s1[d], 1, 5);
            assertArrayEquals(a.data(), parts[0].data());
            assertArrayEquals(b.data(), parts[1].data());
            assertArrayEquals(c.data(), parts[2].data());
            assertArrayEquals(b.data(), Shapes.narrow(cat, dim, s1[d], 1).data());
            GradCheck.standard().check("concat dim " + dim, in -> Shapes.concat(dim, in[0], in[1], in[2]), a, b, c);
            GradCheck.standard().check("narrow dim " + dim, in -> Shapes.narrow(in[0], dim, 1, 1), a);
            GradCheck.standard().check("split dim " + dim, in -> Shapes.split(in[0], dim, 2, 1, 1, s1[d] + 2)[3], cat.copy().requiresGrad(true));
        }
    }

    @Test
    void splitWithOneSizeCutsEqualPiecesAndTheRest() {
        Tensor x = Tensor.arange(7);
        Tensor[] p = Shapes.split(x, 0, 3);
        assertEquals(3, p.length);
        assertArrayEquals(new float[] {6}, p[2].data());
        var e = assertThrows(IllegalArgumentException.class, () -> Shapes.split(x, 0, 3, 3));
        assertTrue(e.getMessage().contains("split") && e.getMessage().contains("[7]"), e.getMessage());
    }

    @Test
    void concatRejectsMismatchedShapesNamingThem() {
        var e = assertThrows(IllegalArgumentException.class, () -> Shapes.concat(0, Tensor.zeros(2, 3), Tensor.zeros(2, 4)));
        assertTrue(e.getMessage().contains("concat") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[2, 4]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Shapes.narrow(Tensor.zeros(2, 3), 1, 2, 2));
    }

    @Test
    void indexSelectGathersRowsAndRepeatedRowsSumTheirGradients() {
        Tensor x = uniform(rng, -1, 1, 5, 3);
        int[] rows = {4, 0, 4, 2};
        Tensor y = Shapes.indexSelect(x, rows);
        assertArrayEquals(new int[] {4, 3}, y.shape());
        for (int j = 0; j < rows.length; j++) for (int c = 0; c < 3; c++) assertEquals(x.get(rows[j], c), y.get(j, c));
        Reductions.sum(y).backward();
        assertArrayEquals(new float[] {1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 2, 2, 2}, x.gradData());
        GradCheck.standard().check("indexSelect", in -> Shapes.indexSelect(in[0], rows), x);
        var e = assertThrows(IllegalArgumentException.class, () -> Shapes.indexSelect(x, new int[] {5}));
        assertTrue(e.getMessage().contains("indexSelect") && e.getMessage().contains(Shape.str(5, 3)), e.getMessage());
    }

    /** Each image moved by its own offset, every channel alike, pixel by pixel against the definition; bad input refused in one line. */
    @Test
    void shiftImagesMovesEachImageByItsOwnOffset() {
        int n = 4, c = 3, h = 5, w = 6;
        Tensor x = uniform(rng, -1, 1, n, c, h, w).detach();
        int[] offsets = {2, -1, 0, 0, -6, 3, 1, 4};
        float[] out = Shapes.shiftImages(x, offsets, -1f).data();
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    for (int xx = 0; xx < w; xx++) {
                        int sx = xx - offsets[2 * i], sy = y - offsets[2 * i + 1], base = (i * c + ch) * h * w;
                        float want = sx >= 0 && sx < w && sy >= 0 && sy < h ? x.data()[base + sy * w + sx] : -1f;
                        assertEquals(want, out[base + y * w + xx], "image " + i + " channel " + ch + " at " + xx + "," + y);
                    }
                }
            }
        }
        var wrongCount = assertThrows(IllegalArgumentException.class, () -> Shapes.shiftImages(x, new int[] {1, 1}, 0f));
        assertTrue(wrongCount.getMessage().contains("2 offsets for 4 images"), wrongCount.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Shapes.shiftImages(Tensor.zeros(4, 30), offsets, 0f));
        var withGrad = assertThrows(IllegalArgumentException.class, () -> Shapes.shiftImages(uniform(rng, -1, 1, n, c, h, w), offsets, 0f));
        assertTrue(withGrad.getMessage().contains("detach()"), withGrad.getMessage());
    }

    /** Image i's 2 × 2 map: turned by angle(i) and scaled by scale(i), as RandomWarp draws them. */
    private static double[] turns(int n, java.util.function.IntToDoubleFunction angle, java.util.function.IntToDoubleFunction scale) {
        double[] maps = new double[4 * n];
        for (int i = 0; i < n; i++) {
            double cos = Math.cos(angle.applyAsDouble(i)) / scale.applyAsDouble(i), sin = Math.sin(angle.applyAsDouble(i)) / scale.applyAsDouble(i);
            maps[4 * i] = cos;
            maps[4 * i + 1] = sin;
            maps[4 * i + 2] = -sin;
            maps[4 * i + 3] = cos;
        }
        return maps;
    }

    /**
     * What Layout.warpPlane makes of each plane of x (every channel of an image by its map and moves), and
     * that Shapes.warpImages gives the same on one thread and on two.
     */
    private static float[] assertWarpedPlaneByPlane(Tensor x, double[] maps, float[] moves) {
        int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        float[] want = new float[x.numel()];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                Layout.warpPlane(x.data(), want, (i * c + ch) * h * w, h, w, maps[4 * i], maps[4 * i + 1], maps[4 * i + 2], maps[4 * i + 3],
                        moves, 2 * i * h * w, -1f);
            }
        }
        int threads = Parallel.threads();
        try {
            for (int t : new int[] {1, 2}) {
                Parallel.setThreads(t);
                assertArrayEquals(want, Shapes.warpImages(x, maps, moves, -1f).data(), "on " + t + " threads");
            }
        } finally {
            Parallel.setThreads(threads);
        }
        return want;
    }

    /** Each image warped by its own map, every channel alike, as Layout.warpPlane does it, on one thread or two; bad input refused in one line. */
    @Test
    void warpImagesTurnsEachImageByItsOwnMap() {
        int n = 5, c = 2, h = 7, w = 9;
        Tensor x = uniform(rng, -1, 1, n, c, h, w).detach();
        double[] maps = turns(n, i -> 0.4 * (i - 2), i -> 0.8 + 0.1 * i);
        assertWarpedPlaneByPlane(x, maps, null);
        var wrongCount = assertThrows(IllegalArgumentException.class, () -> Shapes.warpImages(x, new double[4], null, 0f));
        assertTrue(wrongCount.getMessage().contains("4 map entries for 5 images"), wrongCount.getMessage());
        double[] infinite = maps.clone();
        infinite[3] = Double.POSITIVE_INFINITY;
        assertThrows(IllegalArgumentException.class, () -> Shapes.warpImages(x, infinite, null, 0f));
        assertThrows(IllegalArgumentException.class, () -> Shapes.warpImages(Tensor.zeros(5, 30), maps, null, 0f));
        var withGrad = assertThrows(IllegalArgumentException.class, () -> Shapes.warpImages(uniform(rng, -1, 1, n, c, h, w), maps, null, 0f));
        assertTrue(withGrad.getMessage().contains("detach()"), withGrad.getMessage());
    }

    /**
     * Moves bend each image pixel by pixel, on top of its map: a whole-pixel move everywhere is a shift
     * (the other way), and random moves give, on one thread or two, what Layout.warpPlane gives each plane.
     */
    @Test
    void warpImagesAddsEachPixelsOwnMove() {
        int n = 3, c = 2, h = 6, w = 7;
        Tensor x = uniform(rng, -1, 1, n, c, h, w).detach();
        float[] oneRightTwoUp = new float[2 * n * h * w];
        int[] shifts = new int[2 * n];
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(oneRightTwoUp, 2 * i * h * w, (2 * i + 1) * h * w, 1f);
            java.util.Arrays.fill(oneRightTwoUp, (2 * i + 1) * h * w, (2 * i + 2) * h * w, -2f);
            shifts[2 * i] = -1;   // reading one pixel to the right moves the content one to the left
            shifts[2 * i + 1] = 2;
        }
        double[] identity = turns(n, i -> 0, i -> 1);
        assertArrayEquals(Shapes.shiftImages(x, shifts, -1f).data(), Shapes.warpImages(x, identity, oneRightTwoUp, -1f).data());

        double[] maps = turns(n, i -> 0.3 * (i - 1), i -> 1);
        float[] moves = new float[2 * n * h * w];
        for (int j = 0; j < moves.length; j++) moves[j] = (float) (1.5 * Math.sin(0.7 * j));
        float[] bent = assertWarpedPlaneByPlane(x, maps, moves);
        assertFalse(java.util.Arrays.equals(bent, Shapes.warpImages(x, maps, null, -1f).data()), "the moves changed nothing");
        var wrongCount = assertThrows(IllegalArgumentException.class, () -> Shapes.warpImages(x, maps, new float[5], 0f));
        assertTrue(wrongCount.getMessage().contains("5 moves for 3 images of 6 × 7"), wrongCount.getMessage());
        float[] nan = moves.clone();
        nan[7] = Float.NaN;
        assertThrows(IllegalArgumentException.class, () -> Shapes.warpImages(x, maps, nan, 0f));
    }
}
