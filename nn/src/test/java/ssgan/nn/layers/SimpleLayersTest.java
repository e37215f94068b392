package ssgan.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import ssgan.engine.ops.Resize;
import ssgan.engine.ops.Conv2dSpec;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;
import ssgan.engine.testing.Approx;
import ssgan.nn.Module;

class SimpleLayersTest {
    private static void checkPointwise(String name, Module layer, DoubleUnaryOperator f) {
        Tensor x = Tensor.randn(new Rng(1), 3, 17);
        for (int i = 0; i < x.numel(); i++) x.data()[i] *= 4;
        double[] expected = new double[x.numel()];
        for (int i = 0; i < expected.length; i++) expected[i] = f.applyAsDouble(x.data()[i]);
        Approx.assertClose(name, expected, layer.forward(x).data(), 1e-5, 1e-6);
    }

    @Test
    void activationsComputeTheirFormulas() {
        checkPointwise("ReLU", new ReLU(), x -> Math.max(x, 0));
        checkPointwise("LeakyReLU", new LeakyReLU(0.2f), x -> x > 0 ? x : 0.2 * x);
        checkPointwise("LeakyReLU default", new LeakyReLU(), x -> x > 0 ? x : 0.01 * x);
        checkPointwise("Tanh", new Tanh(), Math::tanh);
        checkPointwise("Sigmoid", new Sigmoid(), x -> 1 / (1 + Math.exp(-x)));
        checkPointwise("Softplus", new Softplus(), x -> Math.log1p(Math.exp(x)));
    }

    @Test
    void dropoutActsOnlyInTraining() {
        Dropout drop = new Dropout(0.25f, new Rng(7));
        Tensor x = Tensor.ones(100, 100);
        Tensor y = drop.forward(x);
        int zeros = 0;
        for (float v : y.data()) {
            if (v == 0) zeros++;
            else assertEquals(1 / 0.75f, v, 1e-6f, "survivors are scaled by 1/(1-p)");
        }
        assertEquals(0.25, zeros / 10000.0, 0.02);
        drop.eval();
        assertSame(x, drop.forward(x), "evaluation passes the input through");
    }

    @Test
    void gaussianNoiseActsOnlyInTraining() {
        GaussianNoise noise = new GaussianNoise(0.3f, new Rng(8));
        Tensor x = Tensor.full(2f, 200, 50);
        Tensor y = noise.forward(x);
        double s = 0, q = 0;
        for (float v : y.data()) {
            s += v - 2;
            q += (v - 2) * (v - 2);
        }
        assertEquals(0, s / y.numel(), 0.01);
        assertEquals(0.3, Math.sqrt(q / y.numel()), 0.01);
        noise.eval();
        assertSame(x, noise.forward(x));
    }

    @Test
    void flattenAndReshapeKeepTheBatchDimension() {
        Tensor x = Tensor.arange(2 * 3 * 4 * 5).reshape(2, 3, 4, 5);
        Tensor flat = new Flatten().forward(x);
        assertArrayEquals(new int[] {2, 60}, flat.shape());
        assertArrayEquals(x.data(), flat.data());
        assertArrayEquals(new int[] {2, 3, 20}, new Flatten(2).forward(x).shape());
        Tensor back = new Reshape(3, 4, -1).forward(flat);
        assertArrayEquals(new int[] {2, 3, 4, 5}, back.shape());
        assertArrayEquals(x.data(), back.data());
    }

    @Test
    void upsampleScalesOrResizesBilinearly() {
        Tensor x = Tensor.randn(new Rng(9), 2, 3, 4, 5);
        Tensor up = Upsample.scale(2).forward(x);
        assertArrayEquals(new int[] {2, 3, 8, 10}, up.shape());
        assertArrayEquals(Resize.bilinear(x, 8, 10).data(), up.data());
        assertArrayEquals(new int[] {2, 3, 7, 3}, Upsample.size(7, 3).forward(x).shape());
        // A constant image stays constant under bilinear interpolation.
        for (float v : Upsample.scale(3).forward(Tensor.full(1.5f, 1, 1, 2, 2)).data()) assertEquals(1.5f, v, 1e-6f);
    }

    @Test
    void sequentialNamesChildrenByPositionAndChainsThem() {
        Rng rng = new Rng(10);
        Linear first = new Linear(4, 6, rng);
        BatchNorm1d bn = new BatchNorm1d(6);
        Linear last = new Linear(6, 2, rng);
        Sequential seq = new Sequential(first, bn, new ReLU(), last);
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
                "1.num_batches_tracked", "3.weight", "3.bias"), List.copyOf(seq.stateDict().keySet()));
        Tensor x = Tensor.randn(rng, 5, 4);
        Tensor expected = last.forward(new ReLU().forward(bn.forward(first.forward(x))));
        Approx.assertClose("sequential", expected.data(), seq.forward(x).data(), 1e-6, 1e-6);
        seq.eval();
        assertFalse(bn.isTraining());
        seq.train();
        assertTrue(bn.isTraining());
        assertSame(bn, seq.get(1));
        assertEquals(4, seq.size());
    }

    @Test
    void toStringShowsTheTree() {
        Sequential seq = new Sequential(new Conv2d(1, 2, 3, Conv2dSpec.same(1), true, new Rng(1)), new LeakyReLU(0.2f));
        String s = seq.toString();
        assertTrue(s.contains("(0): Conv2d(1, 2, kernel=3"), s);
        assertTrue(s.contains("(1): LeakyReLU(slope=0.2)"), s);
    }
}
