package ssgan.app.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import ssgan.app.model.MlpDiscriminator;
import ssgan.app.model.MlpGenerator;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.optim.Adam;

/**
 * With {@code reuseRealFeatures} the generator's feature-matching target is the discriminator step's
 * own unlabelled pass: the second unlabelled batch no longer changes the generator's update.
 */
class ReuseFeaturesStepTest {
    private static Tensor images(int n, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[n * 784];
        for (int i = 0; i < x.length; i++) x[i] = 2 * rng.nextFloat() - 1;
        return Tensor.wrap(x, n, 1, 28, 28);
    }

    /** The generator's weights after one step from the same start, with the given second unlabelled batch. */
    private static Map<String, float[]> generatorAfterOneStep(boolean reuse, long secondBatchSeed) {
        MlpDiscriminator disc = new MlpDiscriminator(5, new Rng(1));
        MlpGenerator gen = new MlpGenerator(new Rng(2));
        SsganStep step = new SsganStep(disc, gen, new Adam(disc.namedTrainableParameters(), Adam.Options.defaults()),
                new Adam(gen.namedTrainableParameters(), Adam.Options.defaults()), new Rng(3), 0f, 0.5f);
        step.setConsistencyWeight(1f);
        step.reuseRealFeatures(reuse);
        SsganStep.Losses losses = step.run(images(4, 5), new int[] {0, 1, 2, 3}, images(4, 6), images(4, secondBatchSeed));
        assertFalse(!losses.finite(), "finite losses: " + losses);
        Map<String, float[]> weights = new LinkedHashMap<>();
        gen.namedTrainableParameters().forEach((k, t) -> weights.put(k, t.data().clone()));
        return weights;
    }

    @Test
    void theSecondUnlabelledBatchNoLongerMattersOnceTheFeaturesAreReused() {
        Map<String, float[]> reused = generatorAfterOneStep(true, 7);
        Map<String, float[]> reusedOtherBatch = generatorAfterOneStep(true, 8);
        reused.forEach((k, w) -> assertArrayEquals(w, reusedOtherBatch.get(k), "reused features ignore the second batch: " + k));

        Map<String, float[]> fresh = generatorAfterOneStep(false, 7);
        Map<String, float[]> freshOtherBatch = generatorAfterOneStep(false, 8);
        String any = fresh.keySet().iterator().next();
        assertFalse(fresh.keySet().stream().allMatch(k -> Arrays.equals(fresh.get(k), freshOtherBatch.get(k))),
                "without reuse the second batch is the target (" + any + ", ...)");
        assertFalse(fresh.keySet().stream().allMatch(k -> Arrays.equals(fresh.get(k), reused.get(k))), "reuse changes the target");
    }
}
