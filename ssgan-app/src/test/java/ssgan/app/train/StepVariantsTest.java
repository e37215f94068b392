package ssgan.app.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import ssgan.app.model.Discriminator;
import ssgan.app.model.Generator;
import ssgan.app.model.Models;
import ssgan.engine.tensor.Rng;
import ssgan.nn.optim.Adam;

/**
 * Two ways to make a step cheaper: with {@code reuseRealFeatures} the generator's feature-matching target
 * is the discriminator step's own unlabelled pass, so the second unlabelled batch no longer changes the
 * generator's update; with {@code setFakeBatch} both steps generate that many images.
 */
class StepVariantsTest {
    /** The generator's weights after one step from the same start, with the given second unlabelled batch (seed −1: none). */
    private static Map<String, float[]> generatorAfterOneStep(Architecture arch, boolean reuse, long secondBatchSeed) {
        Discriminator disc = Models.discriminator(arch, Models.defaultFeatureLayer(arch), new Rng(1));
        Generator gen = Models.generator(arch, new Rng(2));
        SsganStep step = new SsganStep(disc, gen, new Adam(disc.namedTrainableParameters(), Adam.Options.defaults()),
                new Adam(gen.namedTrainableParameters(), Adam.Options.defaults()), new Rng(3), 0f, 0.5f);
        if (arch == Architecture.MLP) step.setConsistencyWeight(1f);   // the dcgan's batch statistics: one pass per batch
        step.reuseRealFeatures(reuse);
        SsganStep.Losses losses = step.run(RandomImages.batch(4, 5), new int[] {0, 1, 2, 3}, RandomImages.batch(4, 6),
                secondBatchSeed < 0 ? null : RandomImages.batch(4, secondBatchSeed));
        assertTrue(losses.finite(), "finite losses: " + losses);
        Map<String, float[]> weights = new LinkedHashMap<>();
        gen.namedTrainableParameters().forEach((k, t) -> weights.put(k, t.data().clone()));
        return weights;
    }

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void theSecondUnlabelledBatchNoLongerMattersOnceTheFeaturesAreReused(Architecture arch) {
        Map<String, float[]> reused = generatorAfterOneStep(arch, true, 7);
        Map<String, float[]> reusedOtherBatch = generatorAfterOneStep(arch, true, 8);
        Map<String, float[]> reusedNoBatch = generatorAfterOneStep(arch, true, -1);
        reused.forEach((k, w) -> assertArrayEquals(w, reusedOtherBatch.get(k), "reused features ignore the second batch: " + k));
        reused.forEach((k, w) -> assertArrayEquals(w, reusedNoBatch.get(k), "reused features need no second batch: " + k));
        assertThrows(IllegalArgumentException.class, () -> generatorAfterOneStep(arch, false, -1), "without reuse the second batch is needed");

        Map<String, float[]> fresh = generatorAfterOneStep(arch, false, 7);
        Map<String, float[]> freshOtherBatch = generatorAfterOneStep(arch, false, 8);
        assertFalse(fresh.keySet().stream().allMatch(k -> Arrays.equals(fresh.get(k), freshOtherBatch.get(k))),
                "without reuse the second batch is the target");
        assertFalse(fresh.keySet().stream().allMatch(k -> Arrays.equals(fresh.get(k), reused.get(k))), "reuse changes the target");
    }

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void bothStepsGenerateTheFakeBatchsImages(Architecture arch) {
        for (int fakes : new int[] {0, 2, 6}) {
            Discriminator disc = Models.discriminator(arch, Models.defaultFeatureLayer(arch), new Rng(1));
            Generator gen = Models.generator(arch, new Rng(2));
            Rng noise = new Rng(3);
            SsganStep step = new SsganStep(disc, gen, new Adam(disc.namedTrainableParameters(), Adam.Options.defaults()),
                    new Adam(gen.namedTrainableParameters(), Adam.Options.defaults()), noise, 0f, 0.5f);
            step.setFakeBatch(fakes);
            assertTrue(step.run(RandomImages.batch(4, 5), new int[] {0, 1, 2, 3}, RandomImages.batch(4, 6), RandomImages.batch(4, 7)).finite());
            // The generator's input is drawn from the step's noise stream, once per step: what it consumed
            // says how many images each step generated (0: as many as the unlabelled batch, 4).
            Rng expected = new Rng(3);
            int rows = fakes > 0 ? fakes : 4;
            gen.noise(rows, expected);
            gen.noise(rows, expected);
            assertEquals(expected.state(), noise.state(), arch + ", fake batch " + fakes);
        }
    }
}
