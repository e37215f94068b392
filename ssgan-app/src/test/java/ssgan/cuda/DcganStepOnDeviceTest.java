package ssgan.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import ssgan.app.model.DcganDiscriminator;
import ssgan.app.model.DcganGenerator;
import ssgan.app.train.SsganStep;
import ssgan.app.train.TrainerOnDeviceTest;
import ssgan.engine.device.Device;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;

/**
 * The dcgan training step on the cuda device against the same seeded step on the cpu, as
 * {@link MlpStepOnDeviceTest} does for the mlp: the same losses step by step, and the same parameters
 * and batch-norm statistics afterwards, up to float rounding; on the emulator and on GPU 0 (see
 * {@link Gpu}). Every op of both models runs on the device: the convolutions and transposed
 * convolutions, batch norm with its fused ReLUs, the leaky ReLU, the resize to 28×28 and tanh, with
 * their backward passes, and Adam.
 *
 * <p>Fewer and smaller steps than the mlp's, since the emulator multiplies the convolutions' matrices in
 * plain Java. The tolerances are the mlp test's reasoning: sums in other orders agree to float rounding
 * at first, and the GAN step amplifies the differences from step to step.
 */
class DcganStepOnDeviceTest {
    private static final int STEPS = 4;
    private static final int BATCH = 6;
    private static final float LR = 1e-4f;
    /** Losses within this of the cpu's (relative), every step: rounding, barely amplified in four steps at lr 1e-4. */
    private static final double LOSSES = 1e-4;
    /** Parameters and statistics within this of the cpu's, relative to each tensor's largest value. */
    private static final double PARAMETERS = 1e-4;

    /** A seeded model pair, its optimisers and its step: the same on both devices until one is moved. */
    private static final class Run {
        final DcganDiscriminator disc = new DcganDiscriminator(4, new Rng(1));
        final DcganGenerator gen = new DcganGenerator(new Rng(2));
        final SsganStep step;

        Run() {
            step = MlpStepOnDeviceTest.step(disc, gen, LR);
        }
    }

    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void aFewStepsGiveTheCpusLossesAndParameters(Supplier<? extends Device> device) {
        Device gpu = device.get();
        Run cpu = new Run(), onGpu = new Run();
        onGpu.disc.moveTo(gpu);
        onGpu.gen.moveTo(gpu);
        int[] labels = {0, 1, 2, 3, 4, 5};
        double worstLoss = 0;
        for (int i = 0; i < STEPS; i++) {
            Tensor labelled = MlpStepOnDeviceTest.images(BATCH, 10 + i), unlabelled = MlpStepOnDeviceTest.images(BATCH, 20 + i),
                    unlabelled2 = MlpStepOnDeviceTest.images(BATCH, 30 + i);
            SsganStep.Losses expected = cpu.step.run(labelled, labels, unlabelled, unlabelled2);
            SsganStep.Losses actual = onGpu.step.run(gpu, labelled, labels, unlabelled, unlabelled2);
            float[] e = {expected.supervised(), expected.unsupervised(), expected.generator()};
            float[] a = {actual.supervised(), actual.unsupervised(), actual.generator()};
            for (int k = 0; k < 3; k++) {
                double difference = Math.abs(a[k] - e[k]) / Math.abs(e[k]);
                worstLoss = Math.max(worstLoss, difference);
                assertTrue(difference <= LOSSES, "step " + (i + 1) + ": " + actual + " on " + gpu.name() + ", " + expected + " on the cpu");
            }
        }
        onGpu.disc.moveTo(Device.CPU);
        onGpu.gen.moveTo(Device.CPU);
        double worstParameter = Math.max(TrainerOnDeviceTest.worstDifference(cpu.disc.stateDict(), onGpu.disc.stateDict()),
                TrainerOnDeviceTest.worstDifference(cpu.gen.stateDict(), onGpu.gen.stateDict()));
        Gpu.record("dcgan step: losses, " + STEPS + " steps", worstLoss);
        Gpu.record("dcgan step: parameters after " + STEPS + " steps", worstParameter);
        System.out.printf("dcgan step on %s: largest loss difference %.3g in %d steps; largest parameter difference %.3g "
                + "(relative to each tensor's largest value)%n", gpu.name(), worstLoss, STEPS, worstParameter);
        assertTrue(worstParameter <= PARAMETERS, "parameters differ by " + worstParameter);
    }
}
