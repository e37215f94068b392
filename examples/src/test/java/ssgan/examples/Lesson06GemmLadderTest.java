package ssgan.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import ssgan.engine.parallel.Parallel;
import ssgan.engine.tensor.Rng;

class Lesson06GemmLadderTest {
    private static final int L = FloatVector.SPECIES_PREFERRED.length();

    /**
     * Awkward shapes: 1×1×1, odd sizes below a vector, edges of the 4-row and 2-vector tiles, and one that
     * crosses every block boundary of rungs 3 and 4 (m > 64, n > 512, k > 128).
     */
    private static final int[][] SHAPES = {
            {1, 1, 1}, {5, 7, 3}, {37, 45, 29}, {4, 2 * L, 1}, {6, 2 * L + 1, 17}, {70, 520, 130},
    };

    @Test
    void everyRungMultipliesCorrectly() {
        Rng rng = new Rng(6);
        int threadsBefore = Parallel.threads();
        for (int[] s : SHAPES) {
            int m = s[0], n = s[1], k = s[2];
            float[] a = new float[m * k], b = new float[k * n];
            rng.fillUniform(a, 0, a.length, -1f, 1f);
            rng.fillUniform(b, 0, b.length, -1f, 1f);
            // The reference, computed here: exact products summed in double, and the rounding bound.
            double[] want = new double[m * n], bound = new double[m * n];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0, abs = 0;
                    for (int p = 0; p < k; p++) {
                        double t = (double) a[i * k + p] * b[p * n + j];
                        sum += t;
                        abs += Math.abs(t);
                    }
                    want[i * n + j] = sum;
                    bound[i * n + j] = k * 0x1p-24 * abs;
                }
            }
            for (Lesson06GemmLadder.Step step : Lesson06GemmLadder.steps()) {
                if (step.threads() > 0) Parallel.setThreads(step.threads());
                try {
                    float[] c = new float[m * n];
                    Arrays.fill(c, Float.NaN);
                    step.gemm().multiply(m, n, k, a, b, c);
                    for (int i = 0; i < m * n; i++) {
                        double err = Math.abs(c[i] - want[i]);
                        assertTrue(err <= bound[i], step.name() + " " + Arrays.toString(s) + " entry " + i + ": " + c[i] + " vs " + want[i]);
                    }
                } finally {
                    Parallel.setThreads(threadsBefore);
                }
            }
        }
    }

    @Test
    void theLessonPrintsEveryRungAndRestoresTheThreads() {
        int threadsBefore = Parallel.threads();
        Captured c = new Captured();
        Lesson06GemmLadder.Result r = Lesson06GemmLadder.run(c.out(), 40, 3 * L + 1, 33, 1, 0, 6);

        assertEquals(7, r.rungs().size());
        for (Lesson06GemmLadder.Rung rung : r.rungs()) {
            assertTrue(rung.errorRatio() <= 1, rung.toString());
            assertTrue(rung.gflops() > 0 && c.text().contains(rung.name()), rung.toString());
        }
        assertTrue(!c.text().contains("WRONG"), c.text());
        assertEquals(threadsBefore, Parallel.threads());
    }

    @Test
    void theErrorRatioCatchesAWrongProduct() {
        int m = 9, n = 11, k = 13;
        Rng rng = new Rng(7);
        float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
        rng.fillUniform(a, 0, a.length, -1f, 1f);
        rng.fillUniform(b, 0, b.length, -1f, 1f);
        Lesson06GemmLadder.naive(m, n, k - 1, a, b, c);   // one term short (and A read with the wrong stride)
        assertTrue(Lesson06GemmLadder.reference(m, n, k, a, b).errorRatio(c, k) > 100);
    }
}
