package ssgan.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import ssgan.engine.tensor.Rng;

class Im2ColMatrixTest {
    private static ConvGeometry randomGeometry(Rng rng) {
        return randomGeometry(rng, 1, 6);
    }

    /** Output sides from {@code minOut} to {@code maxOut}; the rest as small as a test can afford. */
    private static ConvGeometry randomGeometry(Rng rng, int minOut, int maxOut) {
        int kh = 1 + rng.nextInt(5), kw = 1 + rng.nextInt(5), sh = 1 + rng.nextInt(3), sw = 1 + rng.nextInt(3);
        int h = 1 + rng.nextInt(9), w = 1 + rng.nextInt(9), pt = rng.nextInt(3), pl = rng.nextInt(3);
        int oh = minOut + rng.nextInt(maxOut - minOut + 1), ow = minOut + rng.nextInt(maxOut - minOut + 1);
        int n = 1 + rng.nextInt(4), c = 1 + rng.nextInt(4);
        return new ConvGeometry(n, c, h, w, 1 + rng.nextInt(4), kh, kw, sh, sw, pt, pl, oh, ow);
    }

    /** The input pixel that row (c, ky, kx) and column (n, oy, ox) of the im2col matrix read, by definition. */
    private static float window(float[] x, ConvGeometry g, int row, int col) {
        int kx = row % g.kernelW(), ky = row / g.kernelW() % g.kernelH(), c = row / (g.kernelW() * g.kernelH());
        int ox = col % g.outW(), oy = col / g.outW() % g.outH(), n = col / g.outPlane();
        int iy = oy * g.strideH() - g.padTop() + ky, ix = ox * g.strideW() - g.padLeft() + kx;
        boolean outside = iy < 0 || iy >= g.height() || ix < 0 || ix >= g.width();
        return outside ? 0f : x[((n * g.channels() + c) * g.height() + iy) * g.width() + ix];
    }

    @Tag("exercise-im2col-offsets")
    @Test
    void blocksHoldTheWindowsWithZerosPastTheEdge() {
        Rng rng = new Rng(41);
        for (int trial = 0; trial < 60; trial++) {
            ConvGeometry g = randomGeometry(rng);
            float[] x = new float[g.batch() * g.channels() * g.imagePlane()];
            rng.fillGaussian(x, 0, x.length, 0f, 1f);
            for (boolean transposed : new boolean[] {false, true}) {
                Im2ColMatrix m = Im2ColMatrix.windows(x, g, transposed);
                int rows = m.rows(), cols = m.columns();
                assertEquals(transposed ? g.batch() * g.outPlane() : g.patchSize(), rows);
                // A random block, as wide as a GEMM sliver or wider, anywhere in the matrix: all paths of pack.
                // Every third one is a whole sliver of 32 columns, as the GEMM asks for away from the edges.
                int row0 = rng.nextInt(rows), rowCount = 1 + rng.nextInt(rows - row0);
                int col0 = rng.nextInt(cols), colCount = 1 + rng.nextInt(cols - col0);
                int width = rng.nextInt(2) == 0 ? 32 : colCount + rng.nextInt(3);
                if (trial % 3 == 0 && cols >= 32) {
                    col0 = rng.nextInt(cols - 31);
                    colCount = width = 32;
                }
                if (colCount > width) colCount = width;
                float[] block = new float[rowCount * width + 1];
                java.util.Arrays.fill(block, Float.NaN);
                m.pack(row0, rowCount, col0, colCount, width, block, 1);
                for (int p = 0; p < rowCount; p++) {
                    for (int j = 0; j < width; j++) {
                        int r = row0 + p, c = col0 + j;
                        float expected = j >= colCount ? 0f : transposed ? window(x, g, c, r) : window(x, g, r, c);
                        assertEquals(expected, block[1 + p * width + j], 0f, g + " transposed " + transposed + " entry " + p + "," + j);
                    }
                }
            }
        }
    }

    /**
     * Whole slivers whose columns lie in one image (output planes of 36 to 144 positions): these take the
     * gathers through one table for the whole plane, shared by every image and every block.
     */
    @Test
    void sliversInsideOneImageHoldTheirWindows() {
        Rng rng = new Rng(43);
        for (int trial = 0; trial < 40; trial++) {
            ConvGeometry g = randomGeometry(rng, 6, 12);
            float[] x = new float[g.batch() * g.channels() * g.imagePlane()];
            rng.fillGaussian(x, 0, x.length, 0f, 1f);
            Im2ColMatrix m = Im2ColMatrix.windows(x, g, false);
            int p = g.outPlane(), rows = m.rows(), width = 32;
            for (int block = 0; block < 4; block++) {   // several blocks of one matrix: the table is reused
                int col0 = rng.nextInt(g.batch()) * p + rng.nextInt(p - width + 1);
                int row0 = rng.nextInt(rows), rowCount = 1 + rng.nextInt(rows - row0);
                float[] dst = new float[rowCount * width];
                m.pack(row0, rowCount, col0, width, width, dst, 0);
                for (int r = 0; r < rowCount; r++) {
                    for (int j = 0; j < width; j++) {
                        assertEquals(window(x, g, row0 + r, col0 + j), dst[r * width + j], 0f, g + " entry " + r + "," + j);
                    }
                }
            }
        }
    }

    /**
     * The weight gradient's blocks: whole slivers of the transposed matrix, many rows per position, the same
     * columns asked for slice after slice (the gather's table is kept between them), then other columns,
     * the first ones again, the same columns of another geometry, and an edge sliver.
     */
    @Test
    void transposedSliversInTurnEachHoldTheirOwnWindows() {
        Rng rng = new Rng(43);
        ConvGeometry d2 = new ConvGeometry(4, 64, 14, 14, 128, 3, 3, 2, 2, 0, 0, 7, 7);
        ConvGeometry d2Padded = new ConvGeometry(4, 64, 14, 14, 128, 3, 3, 2, 2, 1, 1, 7, 7);
        ConvGeometry d1 = new ConvGeometry(3, 1, 28, 28, 64, 5, 5, 2, 2, 1, 1, 14, 14);
        Im2ColMatrix first = transposedWindows(d2, rng), second = transposedWindows(d2Padded, rng), third = transposedWindows(d1, rng);
        Object[][] blocks = {  // matrix, row0, rowCount, col0
            {first, 0, 120, 32}, {first, 60, 136, 32}, {first, 0, 100, 544}, {first, 98, 98, 32}, {second, 0, 196, 32}, {third, 0, 588, 0}};
        for (Object[] block : blocks) {
            Im2ColMatrix m = (Im2ColMatrix) block[0];
            int row0 = (int) block[1], rowCount = (int) block[2], col0 = (int) block[3];
            int colCount = Math.min(32, m.columns() - col0);
            float[] packed = new float[rowCount * 32];
            m.pack(row0, rowCount, col0, colCount, 32, packed, 0);
            ConvGeometry g = m == first ? d2 : m == second ? d2Padded : d1;
            float[] x = images.get(m);
            for (int p = 0; p < rowCount; p++) {
                for (int j = 0; j < 32; j++) {
                    float expected = j < colCount ? window(x, g, col0 + j, row0 + p) : 0f;
                    assertEquals(expected, packed[p * 32 + j], 0f, g + " rows from " + row0 + ", entry " + p + "," + j);
                }
            }
        }
    }

    private final java.util.Map<Im2ColMatrix, float[]> images = new java.util.HashMap<>();

    /** The transposed windows of random images of geometry g, the images kept in {@link #images}. */
    private Im2ColMatrix transposedWindows(ConvGeometry g, Rng rng) {
        float[] x = new float[g.batch() * g.channels() * g.imagePlane()];
        rng.fillGaussian(x, 0, x.length, 0f, 1f);
        Im2ColMatrix m = Im2ColMatrix.windows(x, g, true);
        images.put(m, x);
        return m;
    }

    @Test
    void subPixelPhasesCoverEveryPixelOnceWithTheTapsThatReachIt() {
        Rng rng = new Rng(42);
        for (int trial = 0; trial < 60; trial++) {
            ConvGeometry g = randomGeometry(rng);
            int[] seen = new int[g.imagePlane()];
            for (SubPixelPhases.Phase phase : SubPixelPhases.of(g)) {
                for (int q = 0; q < phase.positions(); q++) {
                    int pixel = phase.pixels()[q], iy = pixel / g.width(), ix = pixel % g.width();
                    seen[pixel]++;
                    // Every tap of the full kernel that reaches this pixel from inside the output is listed once,
                    // with the output position it reads; the others are not.
                    int reached = 0;
                    for (int ky = 0; ky < g.kernelH(); ky++) {
                        for (int kx = 0; kx < g.kernelW(); kx++) {
                            int sy = iy + g.padTop() - ky, sx = ix + g.padLeft() - kx;
                            boolean reaches = sy >= 0 && sx >= 0 && sy % g.strideH() == 0 && sx % g.strideW() == 0
                                    && sy / g.strideH() < g.outH() && sx / g.strideW() < g.outW();
                            int listed = -1;
                            for (int t = 0; t < phase.taps(); t++) {
                                if (phase.kernelTaps()[t] == ky * g.kernelW() + kx) listed = phase.offsets()[t * phase.positions() + q];
                            }
                            if (reaches) {
                                reached++;
                                assertEquals(sy / g.strideH() * g.outW() + sx / g.strideW(), listed, g + " pixel " + pixel);
                            } else {
                                assertEquals(-1, listed, g + " pixel " + pixel + " tap " + ky + "," + kx);
                            }
                        }
                    }
                }
            }
            for (int pixel = 0; pixel < seen.length; pixel++) assertEquals(1, seen[pixel], g + " pixel " + pixel);
        }
    }
}
