package ssgan.app.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import ssgan.engine.autograd.GradMode;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;

/** The noisy dcgan discriminator is the plain one plus noise: the same weights, the same eval outputs, other training outputs. */
class DcganNoiseTest {
    private static Tensor images() {
        Rng rng = new Rng(9);
        float[] x = new float[3 * 784];
        for (int i = 0; i < x.length; i++) x[i] = 2 * rng.nextFloat() - 1;
        return Tensor.wrap(x, 3, 1, 28, 28);
    }

    @Test
    void noiseChangesTrainingPassesOnly() {
        DcganDiscriminator plain = new DcganDiscriminator(4, false, new Rng(1));
        DcganDiscriminator noisy = new DcganDiscriminator(4, true, new Rng(1));
        assertEquals(plain.stateDict().keySet(), noisy.stateDict().keySet(), "noise layers hold no state");
        plain.stateDict().forEach((k, t) -> assertArrayEquals(t.data(), noisy.stateDict().get(k).data(), "same initial " + k));
        try (var scope = GradMode.noGrad()) {
            plain.eval();
            noisy.eval();
            assertArrayEquals(plain.classify(images()).logits().data(), noisy.classify(images()).logits().data(), "eval: no noise");
            plain.train();
            noisy.train();
            assertFalse(Arrays.equals(plain.classify(images()).logits().data(), noisy.classify(images()).logits().data()), "training: noise");
        }
    }
}
