package ssgan.app.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ssgan.app.model.Models;
import ssgan.app.report.MetricsCsv;
import ssgan.app.report.Progress;
import ssgan.cuda.CudaDevice;
import ssgan.cuda.EmulatedCuda;
import ssgan.engine.device.Device;
import ssgan.engine.device.DeviceArray;
import ssgan.engine.parallel.Parallel;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.data.Mnist;
import ssgan.nn.io.SafeTensors;

/**
 * The trainer on the emulated cuda device (engine-cuda's EmulatedCudaApi: every kernel in plain Java):
 * a short run follows the same run on the cpu, a resumed run ends where an uninterrupted one ends, and
 * checkpoints cross between the devices. Short runs with small batches, since the emulator is slow
 * (about half a second per iteration).
 *
 * <p>The tolerances, as in {@code ssgan.cuda.MlpStepOnDeviceTest}: the device sums in other orders, so
 * its values differ from the cpu's by float rounding, which the GAN step amplifies. At lr 1e-4 and six
 * iterations the losses stay within {@link #LOSS} of each other (measured: below 1e-5), and the weights
 * within {@link #WEIGHTS} of each tensor's largest value. An accuracy may differ by one image (a logit
 * near a tie flips); a wrong kernel or a batch that missed the device would show far beyond all three.
 */
public class TrainerOnDeviceTest {
    private static final double LOSS = 1e-4;
    private static final double WEIGHTS = 1e-4;
    private static final int TEST_IMAGES = 50;
    private static final int VALIDATION = 20;

    private static final int threadsBefore = Parallel.threads();
    private static final Mnist.Splits DATA = ResumeTest.syntheticDigits(100, TEST_IMAGES, 11);

    @TempDir
    static Path runs;
    private static Path onCpu;
    private static Path onDevice;

    /** 100 images, 20 of them held out, in batches of 10; evaluated every 3 iterations. */
    static TrainConfig config(Path out, int iterations, boolean resume, float lr, int labelShift, float consistency,
                              TrainConfig.Teacher teacher) {
        return config(out, iterations, resume, lr, labelShift, consistency, teacher, 0f);
    }

    /** ... with the labelled images turned by up to {@code rotate} degrees, scaled by up to 10 % and bent by up to 2 pixels when rotate > 0. */
    static TrainConfig config(Path out, int iterations, boolean resume, float lr, int labelShift, float consistency,
                              TrainConfig.Teacher teacher, float rotate) {
        return new TrainConfig(Architecture.MLP, 20, 3, iterations, 10, lr, 0.5f, 1e-8f, null, out, 1, 3, 5,
                0f, 0.5f, 0f, 0.01f, resume, 0, 0, 0, 6, labelShift, consistency, VALIDATION, false, teacher, false,
                rotate, rotate > 0 ? 0.1f : 0f, 0f, rotate > 0 ? 2f : 0f, 0f, false, 0, 0f, TrainConfig.NOISY_THROUGHOUT, lr, 0.5f);
    }

    private static Progress quiet() {
        return new Progress(new PrintStream(OutputStream.nullOutputStream()), false);
    }

    /** The same six iterations on the cpu and on the device (label shift and the Π-model's pair included). */
    @BeforeAll
    static void trainOnBoth() throws Exception {
        Parallel.setThreads(1);
        onCpu = runs.resolve("cpu");
        onDevice = runs.resolve("device");
        new Trainer(config(onCpu, 6, false, 1e-4f, 2, 3f, TrainConfig.Teacher.PAIR), DATA, quiet()).run();
        assertEquals(Trainer.Outcome.COMPLETED,
                new Trainer(config(onDevice, 6, false, 1e-4f, 2, 3f, TrainConfig.Teacher.PAIR), DATA, quiet(), EmulatedCuda.device()).run());
    }

    @AfterAll
    static void restoreThreads() {
        Parallel.setThreads(threadsBefore);
    }

    @Test
    void aShortRunOnTheDeviceFollowsTheSameRunOnTheCpu() throws Exception {
        List<MetricsCsv.Row> cpu = MetricsCsv.read(onCpu.resolve("metrics.csv"));
        List<MetricsCsv.Row> device = MetricsCsv.read(onDevice.resolve("metrics.csv"));
        assertEquals(2, cpu.size());
        assertEquals(cpu.size(), device.size());
        double worstLoss = 0;
        for (int i = 0; i < cpu.size(); i++) {
            MetricsCsv.Row e = cpu.get(i), a = device.get(i);
            assertEquals(e.iteration(), a.iteration());
            worstLoss = Math.max(worstLoss, relative(e.lossSupervised(), a.lossSupervised()));
            worstLoss = Math.max(worstLoss, relative(e.lossUnsupervised(), a.lossUnsupervised()));
            worstLoss = Math.max(worstLoss, relative(e.lossGenerator(), a.lossGenerator()));
            assertEquals(e.testAccuracy(), a.testAccuracy(), 1.0 / TEST_IMAGES + 1e-9, "test accuracy, row " + i);
            assertEquals(e.validationAccuracy(), a.validationAccuracy(), 1.0 / VALIDATION + 1e-9, "validation accuracy, row " + i);
        }
        double worstWeight = worstDifference(SafeTensors.load(onCpu.resolve("last.safetensors")).tensors(),
                SafeTensors.load(onDevice.resolve("last.safetensors")).tensors());
        System.out.printf("trainer on the emulated device: largest loss difference %.3g, largest weight difference %.3g%n", worstLoss, worstWeight);
        assertTrue(worstLoss <= LOSS, "losses differ by " + worstLoss);
        assertTrue(worstWeight <= WEIGHTS, "weights differ by " + worstWeight);
    }

    /**
     * The labelled images turned, scaled and bent on the device as on the cpu: the first iterations' losses agree.
     * (Turned, the synthetic digits' pixels are no longer all ±1, so the two devices' sums round apart a
     * little sooner than above; the weights are not compared. Had the device skipped the turns, the
     * supervised loss would differ from the first iteration on.)
     */
    @Test
    void labelledImagesAreTurnedOnTheDeviceAsOnTheCpu(@TempDir Path tmp) throws Exception {
        Path cpu = tmp.resolve("cpu"), device = tmp.resolve("device");
        new Trainer(config(cpu, 3, false, 1e-4f, 2, 3f, TrainConfig.Teacher.PAIR, 15f), DATA, quiet()).run();
        new Trainer(config(device, 3, false, 1e-4f, 2, 3f, TrainConfig.Teacher.PAIR, 15f), DATA, quiet(), EmulatedCuda.device()).run();
        MetricsCsv.Row e = MetricsCsv.read(cpu.resolve("metrics.csv")).get(0), a = MetricsCsv.read(device.resolve("metrics.csv")).get(0);
        assertTrue(relative(e.lossSupervised(), a.lossSupervised()) <= LOSS, "supervised loss " + e.lossSupervised() + " on the cpu, " + a.lossSupervised() + " on the device");
        assertTrue(relative(e.lossUnsupervised(), a.lossUnsupervised()) <= LOSS, "unsupervised loss");
        assertTrue(relative(e.lossGenerator(), a.lossGenerator()) <= LOSS, "generator loss");
    }

    @Test
    void aCheckpointWrittenOnEitherDeviceEvaluatesOnTheOther() throws Exception {
        double loggedOnDevice = MetricsCsv.read(onDevice.resolve("metrics.csv")).get(1).testAccuracy();
        Checkpoint.Loaded fromDevice = Checkpoint.load(onDevice.resolve("last.safetensors"));
        double onTheCpu = Evaluator.evaluate(fromDevice.disc(), DATA.test()).accuracy();
        double shiftAveragedOnTheCpu = Evaluator.evaluate(fromDevice.disc(), DATA.test(), 1).accuracy();
        fromDevice.disc().moveTo(EmulatedCuda.device());
        assertEquals(loggedOnDevice, Evaluator.evaluate(fromDevice.disc(), DATA.test()).accuracy(), 1e-9,
                "reloaded on a device, the accuracy it logged");
        assertEquals(shiftAveragedOnTheCpu, Evaluator.evaluate(fromDevice.disc(), DATA.test(), 1).accuracy(), 1.0 / TEST_IMAGES + 1e-9,
                "averaged over shifts made on the device, as on the cpu");
        assertEquals(loggedOnDevice, onTheCpu, 1.0 / TEST_IMAGES + 1e-9, "a device-written checkpoint on the cpu");

        double loggedOnCpu = MetricsCsv.read(onCpu.resolve("metrics.csv")).get(1).testAccuracy();
        Checkpoint.Loaded fromCpu = Checkpoint.load(onCpu.resolve("last.safetensors"));
        fromCpu.disc().moveTo(EmulatedCuda.device());
        assertEquals(loggedOnCpu, Evaluator.evaluate(fromCpu.disc(), DATA.test()).accuracy(), 1.0 / TEST_IMAGES + 1e-9,
                "a cpu-written checkpoint on a device");
    }

    /** With the mean teacher, the label shift and the student's shift: every random stream and the average resume too. */
    @Test
    void aRunResumedOnTheDeviceEndsBitForBitWhereAnUninterruptedOneEnds() throws Exception {
        Path straight = runs.resolve("straight"), split = runs.resolve("split");
        TrainConfig.Teacher teacher = TrainConfig.Teacher.AVERAGE;
        CudaDevice sixIterations = EmulatedCuda.device(), threeIterations = EmulatedCuda.device();
        new Trainer(config(straight, 6, false, 3e-3f, 2, 30f, teacher), DATA, quiet(), sixIterations).run();
        new Trainer(config(split, 3, false, 3e-3f, 2, 30f, teacher), DATA, quiet(), threeIterations).run();
        // Every iteration's batches, results and swaps go back to the device's free lists, so a longer run
        // asks the driver for no more memory than a shorter one.
        assertEquals(threeIterations.driverAllocations(), sixIterations.driverAllocations(), "device memory asked for");
        assertEquals(Trainer.Outcome.COMPLETED,
                new Trainer(config(split, 6, true, 3e-3f, 2, 30f, teacher), DATA, quiet(), EmulatedCuda.device()).run());

        List<MetricsCsv.Row> a = MetricsCsv.read(straight.resolve("metrics.csv")), b = MetricsCsv.read(split.resolve("metrics.csv"));
        assertEquals(a.size(), b.size(), "the resumed run appends to the same metrics file");
        for (int i = 0; i < a.size(); i++) {
            MetricsCsv.Row x = a.get(i), y = b.get(i);
            assertEquals(List.of(x.iteration(), x.lossSupervised(), x.lossUnsupervised(), x.lossGenerator(), x.testAccuracy(), x.validationAccuracy()),
                    List.of(y.iteration(), y.lossSupervised(), y.lossUnsupervised(), y.lossGenerator(), y.testAccuracy(), y.validationAccuracy()),
                    "row " + i + ", all but the clock");
        }
        for (String file : new String[] {"last.safetensors", "last.state.safetensors"}) {
            Map<String, Tensor> x = SafeTensors.load(straight.resolve(file)).tensors(), y = SafeTensors.load(split.resolve(file)).tensors();
            assertEquals(x.keySet(), y.keySet(), file);
            x.forEach((name, t) -> assertArrayEquals(t.data(), y.get(name).data(), file + ": " + name));
        }
    }

    /**
     * Once the first iteration has uploaded the optimisers' address tables, an iteration's copies to the
     * device (its batches' row numbers, the labelled batch, the noise, the labels) are queued without
     * waiting, and its losses stay on the device: the host waits for the device only when it reads the
     * losses of all the iterations since the last read, in one copy.
     */
    @Test
    void iterationsOnTheDeviceWaitForItOnlyWhenTheirLossesAreRead() throws Exception {
        CudaDevice device = EmulatedCuda.device();
        Trainer trainer = new Trainer(config(runs.resolve("copies"), 6, false, 1e-4f, 2, 3f, TrainConfig.Teacher.PAIR), DATA, quiet(), device);
        trainer.begin();
        trainer.trainIteration();
        long before = EmulatedCuda.blockingCopies(device);
        for (int i = 0; i < 3; i++) trainer.trainIteration();
        assertEquals(0, EmulatedCuda.blockingCopies(device) - before, "copies that wait for the device in three iterations");
        List<SsganStep.Losses> losses = trainer.readLosses();
        assertEquals(1, EmulatedCuda.blockingCopies(device) - before, "one copy reads the losses of all four iterations");
        assertEquals(4, losses.size());
        for (SsganStep.Losses l : losses) assertTrue(l.finite() && l.supervised() > 0 && l.generator() > 0, l.toString());
        assertEquals(List.of(), trainer.readLosses(), "read once");
    }

    /**
     * Iterations submitted as CUDA graphs (as the training loop submits them) compute what the same
     * iterations launched kernel by kernel compute, to the last bit, and once the first has made the memory
     * and uploaded the optimisers' tables they replay one graph each, updated with the iteration's arguments, instead of making new ones.
     */
    @Test
    void iterationsSubmittedAsGraphsComputeWhatLaunchesOneByOneCompute() throws Exception {
        CudaDevice batched = EmulatedCuda.device(), oneByOne = EmulatedCuda.device();
        Trainer a = new Trainer(config(runs.resolve("batched"), 6, false, 1e-3f, 2, 3f, TrainConfig.Teacher.PAIR), DATA, quiet(), batched);
        Trainer b = new Trainer(config(runs.resolve("one-by-one"), 6, false, 1e-3f, 2, 3f, TrainConfig.Teacher.PAIR), DATA, quiet(), oneByOne);
        a.begin();
        b.begin();
        a.trainIteration();   // the first iteration's calls come in pieces, between its uploads of Adam's tables
        a.trainIteration();
        long made = batched.graphsMade(), launched = batched.graphsLaunched();
        long calls = batched.graphCalls(), updated = batched.graphNodesUpdated();
        long lerps = EmulatedCuda.runs(batched, "lerp");
        for (int i = 0; i < 3; i++) a.trainIteration();
        // The trainable parameters, their gradients and their averages are slabs: one launch averages them all.
        assertEquals(3, EmulatedCuda.runs(batched, "lerp") - lerps, "lerps in three iterations");
        List<DeviceArray> values = new ArrayList<>(), grads = new ArrayList<>();
        a.discriminator().namedTrainableParameters().values().forEach(p -> {
            values.add(p.deviceData());
            grads.add(p.deviceGradData());
        });
        assertNotNull(batched.whole(values), "the discriminator's parameters are one slab");
        assertNotNull(batched.whole(grads), "their gradients are one slab");
        long perIteration = (batched.graphCalls() - calls) / 3, updatedPerIteration = (batched.graphNodesUpdated() - updated) / 3;
        System.out.printf("an mlp iteration on the emulated device: one graph of %d calls, %d of them given new arguments%n",
                perIteration, updatedPerIteration);
        // Each iteration's arrays go where the last one's went (Placements): only what changes is set,
        // such as Adam's step, the noise's seeds, the uploads' places in the page-locked ring.
        assertTrue(updatedPerIteration > 0 && updatedPerIteration < perIteration / 10, updatedPerIteration + " of " + perIteration);
        for (int i = 0; i < 5; i++) {
            b.trainStep();
            b.updateAverage();
        }
        assertEquals(made, batched.graphsMade(), "graphs made after the second iteration");
        assertEquals(3, batched.graphsLaunched() - launched, "graphs launched by the last three iterations");
        assertEquals(0, oneByOne.graphsLaunched());
        assertEquals(b.readLosses(), a.readLosses());
        Map<String, Tensor> x = a.discriminator().stateDict(), y = b.discriminator().stateDict();
        x.forEach((name, t) -> assertArrayEquals(y.get(name).to(Device.CPU).data(), t.to(Device.CPU).data(), name));
    }

    /**
     * The discriminator's forward replayed from a CUDA graph (what device-check.sh times against the
     * forward launched op by op) gives the forward's very values, for both architectures.
     */
    @Test
    void theDiscriminatorsForwardReplayedFromAGraphGivesTheSameValues() throws Exception {
        CudaDevice device = EmulatedCuda.device();
        for (Architecture arch : Architecture.values()) {
            TrainConfig config = new TrainConfig(arch, 20, 3, 6, 10, 1e-4f, 0.5f, 1e-8f, null, runs.resolve("graph-" + arch), 1, 3,
                    Models.defaultFeatureLayer(arch), 0f, 0.5f, 0f, 0.01f, false, 0, 0, 0, 6, 2, 3f, VALIDATION, false, TrainConfig.Teacher.PAIR, false, 0f, 0f, 0f, 0f, 0f, false, 0, 0f, TrainConfig.NOISY_THROUGHOUT, 1e-4f, 0.5f);
            Trainer trainer = new Trainer(config, DATA, quiet(), device);
            trainer.begin();
            Tensor images = DATA.test().subset("batch", new int[] {0, 1, 2, 3, 4, 5, 6}).imagesTensor().to(device);
            StepTimer.ForwardTimes t = StepTimer.forwardTimes(trainer.discriminator(), images, device, 1, 2);
            assertEquals(0.0, t.largestDifference(), arch + ": a replay runs the recorded kernels on the same input");
            assertTrue(t.eagerMs() >= 0 && t.graphMs() >= 0, t.toString());
        }
    }

    private static double relative(double expected, double actual) {
        return Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-6);
    }

    /** The largest difference of any tensor, relative to the largest value of its tensor (at least 1). */
    public static double worstDifference(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(expected.keySet(), actual.keySet(), "the same tensors, whichever device wrote the file");
        double worst = 0;
        for (String name : expected.keySet()) {
            float[] x = expected.get(name).data(), y = actual.get(name).data();
            double scale = 1;
            for (float v : x) scale = Math.max(scale, Math.abs(v));
            for (int i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]) / scale);
        }
        return worst;
    }
}
