package ssgan.nn.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;

class InitTest {
    private static double[] meanAndStd(float[] a) {
        double s = 0, sq = 0;
        for (float x : a) s += x;
        double mean = s / a.length;
        for (float x : a) sq += (x - mean) * (x - mean);
        return new double[] {mean, Math.sqrt(sq / a.length)};
    }

    private static double maxAbs(float[] a) {
        double m = 0;
        for (float x : a) m = Math.max(m, Math.abs(x));
        return m;
    }

    @Test
    void fansFollowPyTorchConvention() {
        assertEquals(784, Init.fanIn(new int[] {10, 784}));
        assertEquals(10, Init.fanOut(new int[] {10, 784}));
        assertEquals(3 * 5 * 5, Init.fanIn(new int[] {64, 3, 5, 5}));
        assertEquals(64 * 5 * 5, Init.fanOut(new int[] {64, 3, 5, 5}));
    }

    @Test
    void pytorchDefaultBoundsWeightAndBiasByOneOverSqrtFanIn() {
        Tensor w = Tensor.zeros(200, 50, 3, 3);
        Tensor b = Tensor.zeros(200);
        Init.pytorchDefault(w, b, new Rng(1));
        double bound = 1 / Math.sqrt(50 * 9);
        // Kaiming-uniform with a = √5 has bound gain·sqrt(3/fanIn) = sqrt(1/3)·sqrt(3/fanIn) = 1/sqrt(fanIn).
        assertTrue(maxAbs(w.data()) <= bound);
        assertTrue(maxAbs(w.data()) > 0.99 * bound, "samples fill the interval");
        assertEquals(bound / Math.sqrt(3), meanAndStd(w.data())[1], 0.01 * bound, "uniform std is bound/sqrt(3)");
        assertTrue(maxAbs(b.data()) <= bound && maxAbs(b.data()) > 0.9 * bound);
    }

    @Test
    void normalAndXavierHaveTheirStandardDeviations() {
        Rng rng = new Rng(7);
        double[] dcgan = meanAndStd(Init.normal(Tensor.zeros(100, 400), 0f, 0.02f, rng).data());
        assertEquals(0, dcgan[0], 5e-4);
        assertEquals(0.02, dcgan[1], 5e-4);

        double expected = Math.sqrt(2.0 / (300 + 100));
        assertEquals(expected, meanAndStd(Init.xavierNormal(Tensor.zeros(100, 300), 1, rng).data())[1], 0.02 * expected);
        Tensor xu = Init.xavierUniform(Tensor.zeros(100, 300), 1, rng);
        assertTrue(maxAbs(xu.data()) <= Math.sqrt(6.0 / 400));
        assertEquals(expected, meanAndStd(xu.data())[1], 0.02 * expected, "uniform with bound sqrt(6/(in+out)) has std sqrt(2/(in+out))");

        double he = Math.sqrt(2.0 / 300);
        assertEquals(he, meanAndStd(Init.kaimingNormal(Tensor.zeros(100, 300), 0, rng).data())[1], 0.02 * he);
    }

    @Test
    void sameSeedGivesSameWeights() {
        Tensor a = Init.kaimingUniform(Tensor.zeros(8, 8), Math.sqrt(5), new Rng(3));
        Tensor b = Init.kaimingUniform(Tensor.zeros(8, 8), Math.sqrt(5), new Rng(3));
        assertArrayEquals(a.data(), b.data());
    }
}
