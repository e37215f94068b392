package ssgan.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import ssgan.engine.ops.Conv2dSpec;
import ssgan.engine.ops.MatMul;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;
import ssgan.engine.testing.Approx;
import ssgan.engine.testing.GradCheck;
import ssgan.nn.Module;
import ssgan.nn.init.Init;

class WeightNormTest {
    /** Per-unit (dimension 1) mean and standard deviation of [N, units, ...] in double. */
    private static double[][] unitStats(Tensor t) {
        int n = t.size(0), u = t.size(1), inner = t.numel() / (n * u);
        double[] mean = new double[u], std = new double[u];
        for (int c = 0; c < u; c++) {
            double s = 0, q = 0;
            for (int i = 0; i < n; i++) for (int j = 0; j < inner; j++) s += t.data()[(i * u + c) * inner + j];
            mean[c] = s / (n * inner);
            for (int i = 0; i < n; i++) for (int j = 0; j < inner; j++) {
                double d = t.data()[(i * u + c) * inner + j] - mean[c];
                q += d * d;
            }
            std[c] = Math.sqrt(q / (n * inner));
        }
        return new double[][] {mean, std};
    }

    private static double[] filled(int n, double v) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    @Test
    void parametersAreNamedLikePyTorchWeightNorm() {
        WeightNormLinear lin = new WeightNormLinear(5, 3, new Rng(1));
        assertEquals(List.of("weight_g", "weight_v", "bias"), List.copyOf(lin.stateDict().keySet()));
        assertArrayEquals(new int[] {3, 1}, lin.weightG().shape());
        assertArrayEquals(new int[] {3, 5}, lin.weightV().shape());
        WeightNormConv2d conv = new WeightNormConv2d(2, 4, 3, Conv2dSpec.same(1), new Rng(1));
        assertArrayEquals(new int[] {4, 1, 1, 1}, conv.weightG().shape());
        assertArrayEquals(new int[] {4, 2, 3, 3}, conv.weightV().shape());
    }

    @Test
    void weightIsGTimesVOverItsRowNorm() {
        Rng rng = new Rng(2);
        WeightNormLinear lin = new WeightNormLinear(6, 4, rng);
        rng.fillUniform(lin.weightG().data(), 0, 4, 0.5f, 2f);
        float[] v = lin.weightV().data(), g = lin.weightG().data();
        double[] expected = new double[24];
        for (int o = 0; o < 4; o++) {
            double norm = 0;
            for (int i = 0; i < 6; i++) norm += (double) v[o * 6 + i] * v[o * 6 + i];
            norm = Math.sqrt(norm);
            for (int i = 0; i < 6; i++) expected[o * 6 + i] = g[o] * v[o * 6 + i] / norm;
        }
        Approx.assertClose("g·v/‖v‖", expected, lin.weight().data(), 1e-5, 1e-7);
        Tensor x = Tensor.randn(rng, 3, 6);
        Approx.assertClose("forward", MatMul.linear(x, lin.weight(), lin.bias()).data(), lin.forward(x).data(), 1e-6, 1e-7);
    }

    @Test
    void startsEqualToItsPlainWeightBecauseGIsTheNormOfV() {
        WeightNormConv2d conv = new WeightNormConv2d(3, 5, 3, Conv2dSpec.same(1), new Rng(3));
        Approx.assertClose("w = v initially", conv.weightV().data(), conv.weight().data(), 1e-5, 1e-7);
    }

    @Test
    void redrawingTheDirectionKeepsTheWeightEqualToIt() {
        WeightNormLinear lin = new WeightNormLinear(40, 30, new Rng(8));
        lin.initDirection(v -> Init.normal(v, 0f, 0.5f, new Rng(9)));   // far from the default draw (std 0.09)
        double sq = 0;
        for (float x : lin.weightV().data()) sq += x * x;
        assertEquals(0.5, Math.sqrt(sq / lin.weightV().numel()), 0.03, "v was redrawn with std 0.5");
        Approx.assertClose("w = v after the redraw", lin.weightV().data(), lin.weight().data(), 1e-5, 1e-7);
    }

    @Test
    void dataDependentInitStandardisesEachUnitOnTheInitBatch() {
        Rng rng = new Rng(4);
        WeightNormLinear lin = new WeightNormLinear(20, 8, rng);
        Tensor batch = Tensor.randn(rng, 64, 20);
        for (int i = 0; i < batch.numel(); i++) batch.data()[i] = 3 * batch.data()[i] + 1;
        Tensor out = WeightNorm.initialize(lin, batch);
        double[][] s = unitStats(out);
        assertArrayEquals(filled(8, 0), s[0], 1e-4);
        assertArrayEquals(filled(8, 1), s[1], 1e-4);
        assertFalse(lin.dataDependentInitPending());
        // g = 1/std and b = −mean/std of the unit-norm pre-activations
        Tensor unit = MatMul.linear(batch, WeightNorm.weight(Tensor.ones(8, 1), lin.weightV()), null);
        double[][] pre = unitStats(unit);
        for (int u = 0; u < 8; u++) {
            assertEquals(1 / pre[1][u], lin.weightG().data()[u], 1e-4 / pre[1][u]);
            assertEquals(-pre[0][u] / pre[1][u], lin.bias().data()[u], 1e-4);
        }
        // Only the first pass initialises; later passes are plain forwards.
        Approx.assertClose("second pass", out.data(), lin.forward(batch).data(), 1e-6, 1e-6);
    }

    @Test
    void dataDependentInitOfAConvNormalisesEachChannelOverBatchAndSpace() {
        Rng rng = new Rng(5);
        WeightNormConv2d conv = new WeightNormConv2d(3, 6, 3, Conv2dSpec.same(1), rng);
        Tensor out = WeightNorm.initialize(conv, Tensor.randn(rng, 4, 3, 8, 8));
        double[][] s = unitStats(out);
        assertArrayEquals(filled(6, 0), s[0], 1e-4);
        assertArrayEquals(filled(6, 1), s[1], 1e-4);
    }

    @Test
    void modelInitialisationRunsLayersInForwardOrder() {
        Rng rng = new Rng(6);
        WeightNormLinear second = new WeightNormLinear(16, 4, rng);
        Sequential net = new Sequential(new WeightNormLinear(10, 16, rng), new LeakyReLU(0.2f), second);
        Tensor batch = Tensor.randn(rng, 100, 10);
        Tensor out = WeightNorm.initialize(net, batch);
        double[][] s = unitStats(out);
        assertArrayEquals(filled(4, 0), s[0], 1e-4, "the second layer saw the first layer's initialised output");
        assertArrayEquals(filled(4, 1), s[1], 1e-4);
        Approx.assertClose("output", out.data(), net.forward(batch).data(), 1e-6, 1e-6);
    }

    @Test
    void modelInitialisationFailsWhenALayerIsNotReached() {
        class SkipsIt extends Module {
            final WeightNormLinear unused = registerModule("unused", new WeightNormLinear(2, 2, new Rng(1)));

            @Override
            public Tensor forward(Tensor input) {
                return input;
            }
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> WeightNorm.initialize(new SkipsIt(), Tensor.zeros(4, 2)));
        assertEquals(true, e.getMessage().contains("[unused]"), e.getMessage());
    }

    @Test
    void gradientsThroughWeightNormalisation() {
        Rng rng = new Rng(7);
        WeightNormLinear lin = new WeightNormLinear(5, 3, rng);
        rng.fillUniform(lin.weightG().data(), 0, 3, 0.5f, 2f);
        Tensor x = Tensor.randn(rng, 4, 5).requiresGrad(true);
        GradCheck.standard().check("WeightNormLinear", in -> lin.forward(in[0]), x, lin.weightG(), lin.weightV(), lin.bias());

        WeightNormConv2d conv = new WeightNormConv2d(2, 3, 3, Conv2dSpec.same(2), rng);
        Tensor img = Tensor.randn(rng, 2, 2, 5, 5).requiresGrad(true);
        GradCheck.standard().check("WeightNormConv2d", in -> conv.forward(in[0]), img, conv.weightG(), conv.weightV(), conv.bias());
    }

    @Test
    void rowNormsMatchADoubleReferenceAndHaveTheRightGradient() {
        Rng rng = new Rng(21);
        for (int[] shape : new int[][] {{1, 1}, {3, 17}, {5, 33}, {4, 2, 3, 3}}) {
            Tensor v = Tensor.randn(rng, shape).requiresGrad(true);
            int rows = shape[0], cols = v.numel() / rows;
            double[] expected = new double[rows];
            for (int r = 0; r < rows; r++) {
                double s = 0;
                for (int j = 0; j < cols; j++) s += (double) v.data()[r * cols + j] * v.data()[r * cols + j];
                expected[r] = Math.sqrt(s);
            }
            Approx.assertClose("rowNorms", expected, WeightNorm.rowNorms(v).data(), 1e-6, 1e-7);
            GradCheck.standard().check("rowNorms", in -> WeightNorm.rowNorms(in[0]), v);
        }
    }
}
