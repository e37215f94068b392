package ssgan.engine.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;
import ssgan.engine.testing.GradCheck;

/**
 * The backward of {@link Shapes#indexSelect}: each picked row's gradient goes back to the row it came
 * from, and a row picked twice receives the sum of both. (Seeded with {@code backward(gradient)} rather
 * than through a sum, so that it depends on no other exercise.)
 */
@Tag("exercise-index-select-backward")
class IndexSelectBackwardTest {
    @Test
    void eachRowGetsTheGradientsOfEveryTimeItWasPicked() {
        Tensor x = Tensor.zeros(5, 2).requiresGrad(true);
        Tensor y = Shapes.indexSelect(x, new int[] {4, 0, 4, 2, 4});
        y.backward(Tensor.of(new float[] {1, 2, 10, 20, 100, 200, 1000, 2000, 3, 4}, 5, 2));
        assertArrayEquals(new float[] {10, 20, 0, 0, 1000, 2000, 0, 0, 104, 206}, x.gradData());
    }

    @Test
    void gradientsAddToWhatTheBufferHolds() {
        Tensor x = Tensor.zeros(3, 2).requiresGrad(true);
        x.gradBuffer()[0] = 0.5f;
        Shapes.indexSelect(x, new int[] {0, 0}).backward(Tensor.ones(2, 2));
        assertArrayEquals(new float[] {2.5f, 2, 0, 0, 0, 0}, x.gradData());
    }

    @Test
    void passesGradCheck() {
        Tensor x = TestTensors.uniform(new Rng(8), -1, 1, 6, 3);
        GradCheck.standard().check("indexSelect", in -> Shapes.indexSelect(in[0], new int[] {5, 1, 1, 3}), x);
    }
}
