package ssgan.app.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static ssgan.engine.ops.Arithmetic.add;
import static ssgan.engine.ops.Arithmetic.mul;
import static ssgan.engine.ops.Arithmetic.mulScalar;
import static ssgan.engine.ops.Arithmetic.sub;
import static ssgan.engine.ops.Reductions.mean;
import static ssgan.engine.ops.Reductions.softmax;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import ssgan.app.model.Discriminator;
import ssgan.app.model.Generator;
import ssgan.app.model.Models;
import ssgan.cuda.EmulatedCuda;
import ssgan.engine.device.Device;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.layers.Linear;
import ssgan.nn.optim.Adam;
import ssgan.nn.optim.Sgd;

/** Virtual adversarial training's view: the move's length and direction, a discriminator left as it was, and the step that trains on it. */
class AdversarialViewTest {
    private static final int PIXELS = 28 * 28, CLASSES = 10;

    /** A linear discriminator on the raw images, whose KL curvature can be written out; it keeps what it saw. */
    private static final class LinearDiscriminator extends Discriminator {
        final Linear layer;
        final List<float[]> inputs = new ArrayList<>();

        LinearDiscriminator(Rng rng) {
            layer = registerModule("layer", new Linear(PIXELS, CLASSES, rng));
        }

        @Override
        public Output classify(Tensor images) {
            inputs.add(images.data().clone());
            Tensor logits = layer.forward(images.reshape(images.size(0), PIXELS));
            return new Output(logits, logits);
        }

        @Override
        public boolean usesBatchStatistics() {
            return false;
        }
    }

    private static List<Tensor> trainable(Discriminator disc) {
        return disc.parameters().stream().filter(Tensor::requiresGrad).toList();
    }

    @Test
    void eachImageMovesByEpsilonAndTheDiscriminatorIsLeftAsItWas() {
        int n = 5;
        float epsilon = 0.75f;
        Discriminator disc = Models.discriminator(Architecture.MLP, 5, new Rng(1));
        List<Tensor> weights = trainable(disc);
        Tensor images = RandomImages.batch(n, 2);
        float[] moved = new AdversarialView(epsilon, new Rng(3)).apply(disc, weights, images).images().data();
        float[] x = images.data();
        for (int i = 0; i < n; i++) {
            double squares = 0;
            for (int j = i * PIXELS; j < (i + 1) * PIXELS; j++) squares += Math.pow(moved[j] - x[j], 2);
            // Pixels in [0, 1] are half the images' [-1, 1]: a move of ε there is 2ε here.
            assertEquals(2 * epsilon, Math.sqrt(squares), 1e-4, "image " + i);
        }
        assertTrue(disc.isTraining(), "training mode restored");
        for (Tensor p : weights) {
            assertTrue(p.requiresGrad(), "weights trainable again");
            assertTrue(p.grad() == null || allZero(p.grad().data()), "no gradient left in the weights");
        }
    }

    /**
     * For logits W·x + b, the KL between p(x) and p(x + r) is, to second order, ½ rᵀ H r with
     * H = Wᵀ (diag(p) − p pᵀ) W. One step of the power method from the random start d gives H·d: the move
     * must point along it, image by image.
     */
    @Test
    void theMoveIsOnePowerStepOnTheCurvatureOfTheKl() {
        int n = 3;
        long seed = 7;
        LinearDiscriminator disc = new LinearDiscriminator(new Rng(4));
        Tensor images = RandomImages.batch(n, 5);
        float[] moved = new AdversarialView(1f, new Rng(seed)).apply(disc, trainable(disc), images).images().data();

        float[] start = new float[n * PIXELS];
        new Rng(seed).fillGaussian(start, 0, start.length, 0f, 1f);   // the view's own first draw
        float[] w = disc.layer.weight().data(), b = disc.layer.bias().data(), x = images.data();
        for (int i = 0; i < n; i++) {
            double[] p = linearSoftmax(w, b, x, i * PIXELS);
            double[] wd = new double[CLASSES];
            for (int k = 0; k < CLASSES; k++) for (int j = 0; j < PIXELS; j++) wd[k] += w[k * PIXELS + j] * (double) start[i * PIXELS + j];
            double pwd = 0;
            for (int k = 0; k < CLASSES; k++) pwd += p[k] * wd[k];
            double[] inner = new double[CLASSES];
            for (int k = 0; k < CLASSES; k++) inner[k] = p[k] * (wd[k] - pwd);   // (diag(p) − p pᵀ) W d
            double dot = 0, normH = 0, normMove = 0;
            for (int j = 0; j < PIXELS; j++) {
                double hd = 0;
                for (int k = 0; k < CLASSES; k++) hd += w[k * PIXELS + j] * inner[k];
                double move = moved[i * PIXELS + j] - x[i * PIXELS + j];
                dot += hd * move;
                normH += hd * hd;
                normMove += move * move;
            }
            double cosine = dot / Math.sqrt(normH * normMove);
            assertEquals(1.0, cosine, 1e-3, "image " + i + ": the move along H·d");
        }
    }

    @Test
    void theMoveChangesTheClassificationMoreThanRandomMovesOfTheSameLength() {
        int n = 4;
        float epsilon = 1f;
        Discriminator disc = Models.discriminator(Architecture.MLP, 5, new Rng(1));
        Tensor images = RandomImages.batch(n, 8);
        Tensor moved = new AdversarialView(epsilon, new Rng(9)).apply(disc, trainable(disc), images).images();
        disc.eval();
        double[] adversarial = kl(disc, images, moved);
        Rng rng = new Rng(10);
        for (int trial = 0; trial < 10; trial++) {
            float[] random = new float[n * PIXELS];
            rng.fillGaussian(random, 0, random.length, 0f, 1f);
            AdversarialView.scaleRows(random, n, 2 * epsilon);
            float[] x = images.data();
            for (int j = 0; j < random.length; j++) random[j] += x[j];
            double[] other = kl(disc, images, Tensor.of(random, images.shape()));
            for (int i = 0; i < n; i++) assertTrue(adversarial[i] > other[i], "image " + i + ": " + adversarial[i] + " against a random move's " + other[i]);
        }
    }

    @Test
    void onADeviceTheImagesMoveAsOnTheCpu() {
        int n = 3;
        Discriminator disc = Models.discriminator(Architecture.MLP, 5, new Rng(1));
        Tensor images = RandomImages.batch(n, 2);
        float[] onCpu = new AdversarialView(1f, new Rng(3)).apply(disc, trainable(disc), images).images().data();
        Device device = EmulatedCuda.device();
        disc.moveTo(device);
        Tensor moved = new AdversarialView(1f, new Rng(3)).apply(disc, trainable(disc), images.to(device)).images();
        assertEquals(device, moved.device(), "the moved images stay where the batch is");
        float[] onDevice = moved.to(Device.CPU).data(), x = images.data();
        // The direction is a difference of two nearby classifications, so the devices' different rounding
        // of the same sums tilts it a little: compared by angle, image by image.
        for (int i = 0; i < n; i++) {
            double dot = 0, a2 = 0, b2 = 0;
            for (int j = i * PIXELS; j < (i + 1) * PIXELS; j++) {
                double a = onCpu[j] - x[j], b = onDevice[j] - x[j];
                dot += a * b;
                a2 += a * a;
                b2 += b * b;
            }
            assertEquals(1.0, dot / Math.sqrt(a2 * b2), 1e-3, "image " + i + ": the cosine between the two moves");
        }
    }

    @Test
    void theStudentSeesTheMovedImagesAndIsPulledTowardsTheNoiseFreeClassification() {
        int n = 4;
        float weight = 2f, lr = 0.1f;
        Tensor labelled = RandomImages.batch(n, 5), unlabelled = RandomImages.batch(n, 6);
        int[] labels = {0, 1, 2, 3};
        LinearDiscriminator disc = new LinearDiscriminator(new Rng(1)), before = new LinearDiscriminator(new Rng(1));
        Generator gen = Models.generator(Architecture.MLP, new Rng(2));
        SsganStep step = new SsganStep(disc, gen, new Sgd(disc.namedTrainableParameters(), Sgd.Options.plain(lr)),
                new Adam(gen.namedTrainableParameters(), Adam.Options.defaults()), new Rng(3), 0f, 0.5f);
        step.setConsistencyWeight(weight);
        step.useAdversarialView(new AdversarialView(1f, new Rng(9)));
        step.run(labelled, labels, unlabelled, RandomImages.batch(n, 7));

        // The same view from the weights before the step; then one pass over labelled, unlabelled,
        // generated and moved images, in that order.
        AdversarialView.Moved expected = new AdversarialView(1f, new Rng(9)).apply(before, trainable(before), unlabelled);
        float[] seen = disc.inputs.stream().filter(x -> x.length == 4 * n * PIXELS).findFirst().orElseThrow();
        assertArrayEquals(expected.images().data(), Arrays.copyOfRange(seen, 3 * n * PIXELS, 4 * n * PIXELS), "the student's images are the moved ones");

        // The update is one SGD step on the documented loss, written out with the weights before it.
        Tensor fake = Tensor.of(Arrays.copyOfRange(seen, 2 * n * PIXELS, 3 * n * PIXELS), n, 1, 28, 28);
        Tensor diff = sub(softmax(before.forward(expected.images()), 1), expected.target());
        Tensor loss = add(add(SsganLosses.supervised(before.forward(labelled), labels, 0f),
                        mulScalar(SsganLosses.unsupervised(before.forward(unlabelled), before.forward(fake)), 0.5f)),
                mulScalar(mulScalar(mean(mul(diff, diff)), CLASSES), weight));
        loss.backward();
        before.namedTrainableParameters().forEach((name, p) -> {
            float[] updated = p.data().clone(), grad = p.grad().data();
            for (int i = 0; i < updated.length; i++) updated[i] -= lr * grad[i];
            assertArrayEquals(updated, disc.namedTrainableParameters().get(name).data(), 1e-6f, name);
        });
    }

    @Test
    void aLengthThatIsNotPositiveIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new AdversarialView(0f, new Rng(1)));
        assertThrows(IllegalArgumentException.class, () -> new AdversarialView(Float.NaN, new Rng(1)));
    }

    /** KL(p(a) ‖ p(b)) per image, over the 10 classes. */
    private static double[] kl(Discriminator disc, Tensor a, Tensor b) {
        float[] la = disc.classify(a).logits().data(), lb = disc.classify(b).logits().data();
        double[] out = new double[a.size(0)];
        for (int i = 0; i < out.length; i++) {
            double[] p = softmaxRow(la, i * CLASSES), q = softmaxRow(lb, i * CLASSES);
            for (int k = 0; k < CLASSES; k++) out[i] += p[k] * Math.log(p[k] / q[k]);
        }
        return out;
    }

    private static double[] linearSoftmax(float[] w, float[] b, float[] x, int offset) {
        float[] logits = new float[CLASSES];
        for (int k = 0; k < CLASSES; k++) {
            double z = b[k];
            for (int j = 0; j < PIXELS; j++) z += w[k * PIXELS + j] * (double) x[offset + j];
            logits[k] = (float) z;
        }
        return softmaxRow(logits, 0);
    }

    private static double[] softmaxRow(float[] logits, int offset) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int k = 0; k < CLASSES; k++) max = Math.max(max, logits[offset + k]);
        double[] p = new double[CLASSES];
        for (int k = 0; k < CLASSES; k++) sum += p[k] = Math.exp(logits[offset + k] - max);
        for (int k = 0; k < CLASSES; k++) p[k] /= sum;
        return p;
    }

    private static boolean allZero(float[] a) {
        for (float v : a) if (v != 0) return false;
        return true;
    }
}
