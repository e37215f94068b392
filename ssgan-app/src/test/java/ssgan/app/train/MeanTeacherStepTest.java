package ssgan.app.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import ssgan.app.model.MlpDiscriminator;
import ssgan.app.model.MlpGenerator;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.data.RandomShift;
import ssgan.nn.optim.Adam;

/**
 * The mean teacher classifies with the averaged weights and hands the trained ones back untouched; the
 * shifted pair differs from the plain pair only by the shift of its second pass.
 */
class MeanTeacherStepTest {
    private static Map<String, float[]> snapshot(Map<String, Tensor> tensors) {
        Map<String, float[]> copy = new LinkedHashMap<>();
        tensors.forEach((k, t) -> copy.put(k, t.data().clone()));
        return copy;
    }


    /** One step with the given teacher from the same start; returns D's parameters afterwards. */
    private static Map<String, float[]> stepOnce(boolean meanTeacher, Map<String, float[]> averagesAfter) {
        MlpDiscriminator disc = new MlpDiscriminator(5, new Rng(1));
        MlpGenerator gen = new MlpGenerator(new Rng(2));
        Map<String, Tensor> trainable = disc.namedTrainableParameters();
        ParameterAverage average = new ParameterAverage(trainable, 0.5f);
        // An average that is not the current weights: scaled down, so the teacher is a different model.
        average.averages().values().forEach(a -> {
            for (int i = 0; i < a.data().length; i++) a.data()[i] *= 0.5f;
        });
        Map<String, float[]> averagesBefore = snapshot(average.averages());
        SsganStep step = new SsganStep(disc, gen, new Adam(trainable, Adam.Options.defaults()),
                new Adam(gen.namedTrainableParameters(), Adam.Options.defaults()), new Rng(3), 0f, 0.5f);
        step.setConsistencyWeight(1f);
        if (meanTeacher) step.useMeanTeacher(average, new RandomShift(2, -1f, new Rng(4)));
        step.run(RandomImages.batch(4, 5), new int[] {0, 1, 2, 3}, RandomImages.batch(4, 6), RandomImages.batch(4, 7));
        Map<String, float[]> averagesNow = snapshot(average.averages());
        averagesNow.forEach((k, a) -> assertArrayEquals(averagesBefore.get(k), a, "the step leaves the average alone: " + k));
        averagesAfter.putAll(averagesNow);
        return snapshot(trainable);
    }

    @Test
    void teacherPassLeavesTheTrainedWeightsInPlaceAndChangesTheStep() {
        Map<String, float[]> averages = new LinkedHashMap<>();
        Map<String, float[]> withTeacher = stepOnce(true, averages);
        Map<String, float[]> withPair = stepOnce(false, new LinkedHashMap<>());
        assertFalse(withTeacher.isEmpty());
        withTeacher.forEach((k, w) -> assertFalse(Arrays.equals(averages.get(k), w), "the model holds its trained " + k + ", not the average"));
        assertFalse(Arrays.equals(withPair.get("out.weight_v"), withTeacher.get("out.weight_v")), "the teacher's target changes the update");
    }

    /** One Π-model step from the same start, the second pass seeing images shifted by up to {@code pixels} (null: no shift). */
    private static Map<String, float[]> pairStep(Integer pixels) {
        MlpDiscriminator disc = new MlpDiscriminator(5, new Rng(1));
        MlpGenerator gen = new MlpGenerator(new Rng(2));
        Map<String, Tensor> trainable = disc.namedTrainableParameters();
        SsganStep step = new SsganStep(disc, gen, new Adam(trainable, Adam.Options.defaults()),
                new Adam(gen.namedTrainableParameters(), Adam.Options.defaults()), new Rng(3), 0f, 0.5f);
        step.setConsistencyWeight(1f);
        if (pixels != null) step.useShiftedPair(new RandomShift(pixels, -1f, new Rng(4)));
        step.run(RandomImages.batch(4, 5), new int[] {0, 1, 2, 3}, RandomImages.batch(4, 6), RandomImages.batch(4, 7));
        return snapshot(trainable);
    }

    @Test
    void theShiftedPairIsThePairWithTheSecondPassShifted() {
        Map<String, float[]> pair = pairStep(null);
        Map<String, float[]> unmoved = pairStep(0);
        Map<String, float[]> shifted = pairStep(2);
        pair.forEach((k, w) -> assertArrayEquals(w, unmoved.get(k), "a shift of 0 pixels is the plain pair: " + k));
        assertFalse(Arrays.equals(pair.get("out.weight_v"), shifted.get("out.weight_v")), "the shift changes the update");
    }

    /**
     * A noise-free teacher classifies as the evaluation does: its target is the averaged model's eval-mode
     * output, the same on every call, and the discriminator is back in training mode after it; a noisy
     * teacher's target changes from call to call with its noise.
     */
    @Test
    void aNoiseFreeTeacherGivesTheAveragedModelsEvaluationOutput() {
        Tensor images = RandomImages.batch(4, 6);
        for (boolean noisy : new boolean[] {false, true}) {
            MlpDiscriminator disc = new MlpDiscriminator(5, new Rng(1));
            Map<String, Tensor> trainable = disc.namedTrainableParameters();
            ParameterAverage average = new ParameterAverage(trainable, 0.5f);
            average.averages().values().forEach(a -> {
                for (int i = 0; i < a.data().length; i++) a.data()[i] *= 0.5f;
            });
            SsganStep step = new SsganStep(disc, new MlpGenerator(new Rng(2)), new Adam(trainable, Adam.Options.defaults()),
                    new Adam(trainable, Adam.Options.defaults()), new Rng(3), 0f, 0.5f);
            step.useMeanTeacher(average, new RandomShift(2, -1f, new Rng(4)));
            step.setTeacherNoise(noisy);
            float[] first = step.teacherLogits(images).data().clone();
            float[] second = step.teacherLogits(images).data().clone();
            assertTrue(disc.isTraining(), "the discriminator trains on after the teacher's pass");
            if (noisy) {
                assertFalse(Arrays.equals(first, second), "a noisy teacher draws new noise each time");
                continue;
            }
            assertArrayEquals(first, second, "a noise-free teacher gives the same target each time");
            average.swapIn();
            disc.eval();
            float[] evaluated = disc.classify(images).logits().data();
            assertArrayEquals(evaluated, first, "the target is the averaged model's evaluation output");
            average.swapOut();
            assertFalse(Arrays.equals(evaluated, disc.classify(images).logits().data()), "the trained weights are back in place");
            disc.train(true);
        }
    }
}
