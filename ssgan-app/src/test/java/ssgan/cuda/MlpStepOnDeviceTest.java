package ssgan.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import ssgan.app.model.Discriminator;
import ssgan.app.model.Generator;
import ssgan.app.model.MlpDiscriminator;
import ssgan.app.model.MlpGenerator;
import ssgan.app.train.SsganStep;
import ssgan.app.train.TrainerOnDeviceTest;
import ssgan.engine.device.Device;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.layers.WeightNorm;
import ssgan.nn.optim.Adam;

/**
 * The paper's mlp training step on the cuda device against the same seeded step on the cpu: twenty
 * iterations give the same losses, and the same parameters and batch-norm statistics afterwards, up to
 * float rounding; on the emulator and on GPU 0 (see {@link Gpu}). Every op of the step, its backward, the
 * Gaussian noise (the same stream from the same seeds) and Adam run on the device.
 *
 * <p>"Up to float rounding" needs care: the step amplifies small differences. On the cpu alone, scaling
 * every parameter by 1 ± 1e-6 after each step moves the losses by 1e-4 to 2e-3 within twenty steps at
 * this learning rate (a ReLU that flips, a gradient near zero that Adam divides by its own size), and by
 * far more at the trainer's 3e-3. So the first steps must agree to float rounding, and later ones within
 * what that amplification makes of it; a wrong op or rule shows at once, in the first step.
 *
 * <p>It lives among the app's tests, in engine-cuda's package: it needs the app's step and models, and
 * engine-cuda's emulator and {@code Gpu} helpers (from its test jar), and engine-cuda cannot depend on the app.
 */
class MlpStepOnDeviceTest {
    private static final int STEPS = 20;
    private static final int BATCH = 10;
    /** Small enough that rounding differences stay small for the first steps (at 3e-3 they grow from the fifth). */
    private static final float LR = 1e-4f;
    /** The steps whose losses must agree to float rounding (sums in other orders), and that tolerance. */
    private static final int EXACT_STEPS = 8;
    private static final double ROUNDING = 1e-5;
    /** The tolerance after that: a 1e-6 nudge per step moves the cpu's own losses this far (see above). */
    private static final double AMPLIFIED = 1e-2;

    /** A seeded model pair, its optimisers and its step: the same on both devices until one is moved. */
    private static final class Run {
        final MlpDiscriminator disc = new MlpDiscriminator(5, new Rng(1));
        final MlpGenerator gen = new MlpGenerator(new Rng(2));
        final SsganStep step;

        Run() {
            step = step(disc, gen, LR);
            WeightNorm.initialize(disc, images(100, 1)); // on the cpu, as the trainer starts
        }
    }

    /** The trainer's step on a seeded model pair, at learning rate {@code lr}, with the Π-model's second pass and its softmaxes. */
    static SsganStep step(Discriminator disc, Generator gen, float lr) {
        // The trainer's Adam: epsilon inside the root, as in the paper's code. With PyTorch's placement the
        // first steps move each weight by ±lr whatever its gradient's size, so a gradient at the level of
        // rounding (1e-9 on one device, -1e-9 on the other) moves a weight by 2·lr on one and not the other.
        Adam.Options adam = Adam.Options.defaults().withLr(lr).withBetas(0.5f, 0.999f).withEps(1e-8f, Adam.Epsilon.INSIDE_SQRT);
        SsganStep step = new SsganStep(disc, gen, new Adam(disc.namedTrainableParameters(), adam), new Adam(gen.namedTrainableParameters(), adam),
                new Rng(3), 0.1f, 0.5f);
        step.setConsistencyWeight(3f);
        return step;
    }

    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void twentyStepsGiveTheCpusLossesAndParameters(Supplier<? extends Device> device) {
        Device gpu = device.get();
        Run cpu = new Run(), onGpu = new Run();
        onGpu.disc.moveTo(gpu);
        onGpu.gen.moveTo(gpu);
        int[] labels = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        double worstEarly = 0, worstLoss = 0;
        for (int i = 0; i < STEPS; i++) {
            Tensor labelled = images(BATCH, 10 + i), unlabelled = images(BATCH, 20 + i), unlabelled2 = images(BATCH, 30 + i);
            SsganStep.Losses expected = cpu.step.run(labelled, labels, unlabelled, unlabelled2);
            Tensor[] inputs = {labelled.to(gpu), unlabelled.to(gpu), unlabelled2.to(gpu)};
            SsganStep.Losses actual = onGpu.step.run(inputs[0], labels, inputs[1], inputs[2]);
            for (Tensor t : inputs) t.deviceData().release(); // copies made with to(): the caller gives them back
            float[] e = {expected.supervised(), expected.unsupervised(), expected.generator()};
            float[] a = {actual.supervised(), actual.unsupervised(), actual.generator()};
            for (int k = 0; k < 3; k++) {
                double difference = Math.abs(a[k] - e[k]) / Math.abs(e[k]);
                if (i < EXACT_STEPS) worstEarly = Math.max(worstEarly, difference);
                worstLoss = Math.max(worstLoss, difference);
                assertTrue(difference <= (i < EXACT_STEPS ? ROUNDING : AMPLIFIED),
                        "step " + (i + 1) + ": " + actual + " on " + gpu.name() + ", " + expected + " on the cpu");
            }
        }
        onGpu.disc.moveTo(Device.CPU);
        onGpu.gen.moveTo(Device.CPU);
        double worstParameter = Math.max(TrainerOnDeviceTest.worstDifference(cpu.disc.stateDict(), onGpu.disc.stateDict()),
                TrainerOnDeviceTest.worstDifference(cpu.gen.stateDict(), onGpu.gen.stateDict()));
        Gpu.record("mlp step: losses, first " + EXACT_STEPS + " steps", worstEarly);
        Gpu.record("mlp step: losses, " + STEPS + " steps", worstLoss);
        Gpu.record("mlp step: parameters after " + STEPS + " steps", worstParameter);
        System.out.printf("mlp step on %s: largest loss difference %.3g in the first %d steps, %.3g in %d; "
                + "largest parameter difference %.3g (relative to each tensor's largest value)%n",
                gpu.name(), worstEarly, EXACT_STEPS, worstLoss, STEPS, worstParameter);
        assertTrue(worstParameter <= AMPLIFIED, "parameters differ by " + worstParameter);
    }

    /** Images in [-1, 1), as PinnedLossesTest makes them. */
    static Tensor images(int n, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[n * 784];
        for (int i = 0; i < x.length; i++) x[i] = 2 * rng.nextFloat() - 1;
        return Tensor.wrap(x, n, 1, 28, 28);
    }
}
