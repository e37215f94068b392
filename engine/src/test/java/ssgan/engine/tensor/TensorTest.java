package ssgan.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import ssgan.engine.autograd.GradMode;
import ssgan.engine.device.HeapDevice;
import ssgan.engine.ops.Arithmetic;

class TensorTest {
    @Test
    void creationFillsShapeAndValues() {
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0}, Tensor.zeros(2, 3).data());
        assertArrayEquals(new float[] {1, 1}, Tensor.ones(2).data());
        assertArrayEquals(new float[] {7, 7, 7}, Tensor.full(7, 3).data());
        assertArrayEquals(new float[] {0, 1, 2, 3}, Tensor.arange(4).data());
        assertArrayEquals(new float[] {1, 1.5f, 2, 2.5f}, Tensor.arange(1, 3, 0.5f).data());
        assertArrayEquals(new float[] {3, 2}, Tensor.arange(3, 1, -1).data());
        assertEquals(0, Tensor.scalar(5).dim());
        assertEquals(5f, Tensor.scalar(5).item());
    }

    @Test
    void seededRandomIsReproducibleAndRoughlyStandardNormal() {
        Tensor a = Tensor.randn(new Rng(42), 20000);
        Tensor b = Tensor.randn(new Rng(42), 20000);
        assertArrayEquals(a.data(), b.data());
        double mean = 0, sq = 0;
        for (float v : a.data()) {
            mean += v;
            sq += v * v;
        }
        mean /= a.numel();
        double var = sq / a.numel() - mean * mean;
        assertEquals(0, mean, 0.03);
        assertEquals(1, var, 0.05);
        for (float v : Tensor.rand(new Rng(1), 1000).data()) assertTrue(v >= 0 && v < 1);
    }

    @Test
    void rngStateRoundTrips() {
        Rng r = new Rng(7);
        r.nextLong();
        Rng copy = new Rng(r.state());
        assertEquals(r.nextLong(), copy.nextLong());
    }

    @Test
    void reshapeSharesStorageAndInfersMinusOne() {
        Tensor t = Tensor.arange(6);
        Tensor r = t.reshape(2, -1);
        assertArrayEquals(new int[] {2, 3}, r.shape());
        assertSame(t.data(), r.data());
        assertThrows(IllegalArgumentException.class, () -> t.reshape(4, -1));
        assertThrows(IllegalArgumentException.class, () -> t.reshape(-1, -1));
    }

    @Test
    void wrapRejectsWrongLengthNamingTheShape() {
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.wrap(new float[5], 2, 3));
        assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
    }

    @Test
    void backwardThroughReshapeReachesLeafAndAccumulates() {
        Tensor x = Tensor.arange(6).requiresGrad(true);
        Tensor y = x.reshape(3, 2);
        y.backward(Tensor.full(2f, 3, 2));
        assertArrayEquals(new float[] {2, 2, 2, 2, 2, 2}, x.gradData());
        x.reshape(6).backward(Tensor.ones(6));
        assertArrayEquals(new float[] {3, 3, 3, 3, 3, 3}, x.gradData(), "gradients accumulate into leaves");
        x.zeroGrad();
        assertArrayEquals(new float[6], x.gradData());
    }

    @Test
    void backwardNeedsScalarOrExplicitGradient() {
        Tensor x = Tensor.arange(3).requiresGrad(true);
        Tensor y = x.reshape(3, 1);
        var e = assertThrows(IllegalArgumentException.class, y::backward);
        assertTrue(e.getMessage().contains("not a scalar"), e.getMessage());
    }

    @Test
    void graphIsFreedAfterBackward() {
        Tensor x = Tensor.arange(3).requiresGrad(true);
        Tensor y = x.reshape(1, 3);
        y.backward(Tensor.ones(1, 3));
        assertNull(y.node());
        assertThrows(IllegalStateException.class, () -> y.backward(Tensor.ones(1, 3)));
    }

    @Test
    void noGradScopeRecordsNothing() {
        Tensor x = Tensor.arange(3).requiresGrad(true);
        try (var scope = GradMode.noGrad()) {
            Tensor y = x.reshape(3, 1);
            assertTrue(y.isLeaf());
            assertTrue(!y.requiresGrad());
        }
        assertTrue(GradMode.isEnabled());
        assertTrue(!x.reshape(3).isLeaf());
    }

    @Test
    void detachCutsTheGraphButSharesData() {
        Tensor x = Tensor.arange(3).requiresGrad(true);
        Tensor d = x.reshape(3).detach();
        assertTrue(d.isLeaf());
        assertSame(x.data(), d.data());
        assertNotSame(x.data(), d.copy().data());
    }

    @Test
    void exchangeDataSwapsTheArraysOfTwoLeavesAndRefusesTheRest() {
        Tensor p = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor average = Tensor.of(new float[] {5, 6, 7, 8}, 2, 2);
        float[] pArray = p.data(), averageArray = average.data();
        Tensor.exchangeData(p, average);
        assertSame(averageArray, p.data(), "the arrays change places; no value is copied");
        assertSame(pArray, average.data());
        assertArrayEquals(new float[] {5, 6, 7, 8}, p.data());
        Tensor.exchangeData(p, average);
        assertArrayEquals(new float[] {1, 2, 3, 4}, p.data());
        assertArrayEquals(new float[] {5, 6, 7, 8}, average.data());

        Tensor opResult = Arithmetic.mulScalar(average, 2f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.exchangeData(p, opResult));
        assertTrue(e.getMessage().contains("an op's result"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.exchangeData(p, Tensor.zeros(4)), "another shape");
        Tensor onDevice = Tensor.zeros(2, 2).to(new HeapDevice("heap:1"));
        assertThrows(IllegalArgumentException.class, () -> Tensor.exchangeData(p, onDevice), "a device tensor");
    }
}
