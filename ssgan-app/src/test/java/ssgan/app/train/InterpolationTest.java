package ssgan.app.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static ssgan.engine.ops.Arithmetic.add;
import static ssgan.engine.ops.Arithmetic.mul;
import static ssgan.engine.ops.Arithmetic.mulScalar;
import static ssgan.engine.ops.Arithmetic.sub;
import static ssgan.engine.ops.Reductions.mean;
import static ssgan.engine.ops.Reductions.softmax;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import ssgan.app.model.Discriminator;
import ssgan.app.model.Generator;
import ssgan.app.model.Models;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.layers.Linear;
import ssgan.nn.optim.Adam;
import ssgan.nn.optim.Sgd;

/** Interpolation consistency: the blends, the blended targets, and the step that trains on them. */
class InterpolationTest {
    @Test
    void eachRowIsBlendedWithItsMirrorByItsOwnWeight() {
        int n = 5, width = 7;
        float[] rows = new float[n * width];
        new Rng(1).fillGaussian(rows, 0, rows.length, 0f, 1f);
        float[] weights = {1f, 0f, 0.25f, 0.5f, 0.8f};
        float[] blended = Interpolation.blendRows(Tensor.of(rows, n, width), weights).data();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < width; j++) {
                double expected = weights[i] * (double) rows[i * width + j] + (1 - weights[i]) * (double) rows[(n - 1 - i) * width + j];
                assertEquals(expected, blended[i * width + j], 1e-6, "row " + i + ", column " + j);
            }
        }
        assertArrayEquals(Arrays.copyOfRange(rows, 0, width), Arrays.copyOfRange(blended, 0, width), "weight 1: the row itself");
        assertArrayEquals(Arrays.copyOfRange(rows, 3 * width, 4 * width), Arrays.copyOfRange(blended, width, 2 * width), "weight 0: its mirror");
    }

    @Test
    void theWeightsAreUniformOnZeroToOne() {
        float[] w = new Interpolation(new Rng(3)).drawWeights(20_000);
        double mean = 0;
        for (float x : w) {
            assertTrue(x >= 0 && x < 1, "in [0, 1): " + x);
            mean += x / w.length;
        }
        assertEquals(0.5, mean, 0.01);
        assertTrue(Arrays.stream(new int[] {0, 1, 2, 3}).allMatch(q -> {
            long inQuarter = 0;
            for (float x : w) if (x >= q * 0.25 && x < (q + 1) * 0.25) inQuarter++;
            return Math.abs(inQuarter - w.length / 4) < w.length / 40;
        }), "each quarter of [0, 1) gets about a quarter of the draws");
    }

    /** A noiseless linear discriminator that keeps the images of its first pass. */
    private static final class RecordingDiscriminator extends Discriminator {
        final Linear layer;
        float[] firstInput;

        RecordingDiscriminator(Rng rng) {
            layer = registerModule("layer", new Linear(28 * 28, 10, rng));
        }

        @Override
        public Output classify(Tensor images) {
            if (firstInput == null) firstInput = images.data().clone();
            Tensor logits = layer.forward(images.reshape(images.size(0), 28 * 28));
            return new Output(logits, logits);
        }

        @Override
        public boolean usesBatchStatistics() {
            return false;
        }
    }

    @Test
    void theStudentSeesBlendsAndIsPulledTowardsTheBlendOfTheFirstPasssAnswers() {
        int n = 4, pixels = 28 * 28;
        float weight = 2f, lr = 0.1f;
        Tensor labelled = RandomImages.batch(n, 5), unlabelled = RandomImages.batch(n, 6);
        int[] labels = {0, 1, 2, 3};
        RecordingDiscriminator disc = new RecordingDiscriminator(new Rng(1));
        Generator gen = Models.generator(Architecture.MLP, new Rng(2));
        SsganStep step = new SsganStep(disc, gen, new Sgd(disc.namedTrainableParameters(), Sgd.Options.plain(lr)),
                new Adam(gen.namedTrainableParameters(), Adam.Options.defaults()), new Rng(3), 0f, 0.5f);
        step.setConsistencyWeight(weight);
        step.useInterpolation(new Interpolation(new Rng(9)));
        RecordingDiscriminator before = new RecordingDiscriminator(new Rng(1));
        step.run(labelled, labels, unlabelled, RandomImages.batch(n, 7));

        // One pass over labelled, unlabelled, generated and blended images, in that order.
        float[] seen = disc.firstInput;
        float[] weights = new Interpolation(new Rng(9)).drawWeights(n);
        float[] expectedBlends = Interpolation.blendRows(unlabelled, weights).data();
        assertArrayEquals(expectedBlends, Arrays.copyOfRange(seen, 3 * n * pixels, 4 * n * pixels), "the student's images are the blends");

        // The update is one SGD step on the documented loss, written out here with the weights before it.
        Tensor fake = Tensor.of(Arrays.copyOfRange(seen, 2 * n * pixels, 3 * n * pixels), n, 1, 28, 28);
        Tensor zUnlabelled = before.forward(unlabelled);
        Tensor target = Interpolation.blendRows(softmax(zUnlabelled.detach(), 1), weights);
        Tensor diff = sub(softmax(before.forward(Tensor.of(expectedBlends, n, 1, 28, 28)), 1), target);
        Tensor loss = add(add(SsganLosses.supervised(before.forward(labelled), labels, 0f),
                        mulScalar(SsganLosses.unsupervised(zUnlabelled, before.forward(fake)), 0.5f)),
                mulScalar(mulScalar(mean(mul(diff, diff)), 10), weight));
        loss.backward();
        before.namedTrainableParameters().forEach((name, p) -> {
            float[] expected = p.data().clone(), grad = p.grad().data();
            for (int i = 0; i < expected.length; i++) expected[i] -= lr * grad[i];
            assertArrayEquals(expected, disc.namedTrainableParameters().get(name).data(), 1e-6f, name);
        });
    }
}
