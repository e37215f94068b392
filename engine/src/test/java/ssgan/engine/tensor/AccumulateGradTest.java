package ssgan.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link Tensor#accumulateGrad}, called directly, without a graph: gradients add up, the first one starts
 * the buffer as a copy (the caller may reuse its array), and a wrong length is refused.
 */
@Tag("exercise-accumulate-grad")
class AccumulateGradTest {
    @Test
    void gradientsAddUpInTheBuffer() {
        Tensor x = Tensor.zeros(3).requiresGrad(true);
        x.accumulateGrad(new float[] {1, 2, 3});
        x.accumulateGrad(new float[] {10, 20, 30});
        x.accumulateGrad(new float[] {-1, 0, 0.5f});
        assertArrayEquals(new float[] {10, 22, 33.5f}, x.gradData());
    }

    @Test
    void theFirstGradientIsCopiedNotKept() {
        Tensor x = Tensor.zeros(2).requiresGrad(true);
        float[] g = {4, 5};
        x.accumulateGrad(g);
        assertNotSame(g, x.gradData(), "the caller may reuse or recycle its array");
        g[0] = 100;
        assertArrayEquals(new float[] {4, 5}, x.gradData());
    }

    @Test
    void anExistingBufferIsAddedToEvenAfterZeroGrad() {
        Tensor x = Tensor.zeros(2).requiresGrad(true);
        x.gradBuffer()[1] = 7;
        x.accumulateGrad(new float[] {1, 1});
        assertArrayEquals(new float[] {1, 8}, x.gradData());
        x.zeroGrad();
        x.accumulateGrad(new float[] {2, 3});
        assertArrayEquals(new float[] {2, 3}, x.gradData());
    }

    @Test
    void aGradientOfTheWrongLengthIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 2).accumulateGrad(new float[3]));
    }
}
