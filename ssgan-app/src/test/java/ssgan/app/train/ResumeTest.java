package ssgan.app.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import ssgan.app.report.MetricsCsv;
import ssgan.app.report.Progress;
import ssgan.engine.parallel.Parallel;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.data.Dataset;
import ssgan.nn.data.Mnist;
import ssgan.nn.io.SafeTensors;

/** A run stopped and resumed ends bitwise where an uninterrupted run ends (same seed, one thread). */
class ResumeTest {
    private final int threadsBefore = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(threadsBefore);
    }

    static Mnist.Splits syntheticDigits(int train, int test, long seed) {
        return new Mnist.Splits(dataset("train", train, seed), dataset("test", test, seed + 1));
    }

    private static Dataset dataset(String name, int n, long seed) {
        Rng rng = new Rng(seed);
        float[] images = new float[n * 784];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 10;
            // A faint class-dependent stripe on noise, so there is something to learn.
            for (int p = 0; p < 784; p++) {
                float stripe = (p / 28) / 3 == labels[i] ? 0.8f : -0.8f;
                images[i * 784 + p] = Math.max(-1f, Math.min(1f, stripe + 0.3f * (float) rng.nextGaussian()));
            }
        }
        return new Dataset(name, images, labels, 28, 28, 10);
    }

    /** 200 images in batches of 20: an epoch is 10 iterations. */
    static TrainConfig config(Path out, int epochs, boolean resume) {
        return config(out, epochs, resume, 0, 0f, TrainConfig.Teacher.PAIR);
    }

    /** With a label shift and a consistency weight, whose random draws and ramp must resume exactly too. */
    static TrainConfig config(Path out, int epochs, boolean resume, int labelShift, float consistency, TrainConfig.Teacher teacher) {
        return config(out, epochs, resume, labelShift, consistency, teacher, 0f);
    }

    /** ... and labelled images turned by up to {@code rotate} degrees and scaled by up to 10 % when rotate > 0. */
    static TrainConfig config(Path out, int epochs, boolean resume, int labelShift, float consistency, TrainConfig.Teacher teacher, float rotate) {
        return config(out, epochs, resume, labelShift, consistency, teacher, rotate, 0f);
    }

    /** ... and pseudo-labels of this weight, whose view of the unlabelled images draws shifts and turns of its own. */
    static TrainConfig config(Path out, int epochs, boolean resume, int labelShift, float consistency, TrainConfig.Teacher teacher, float rotate,
                              float pseudo) {
        return config(out, epochs, resume, labelShift, consistency, teacher, rotate, pseudo, false);
    }

    /** ... and, when {@code cheaper}, the real features reused and half as many generated images (the second unlabelled loader idle). */
    static TrainConfig config(Path out, int epochs, boolean resume, int labelShift, float consistency, TrainConfig.Teacher teacher, float rotate,
                              float pseudo, boolean cheaper) {
        return config(out, epochs, resume, labelShift, consistency, teacher, rotate, pseudo, cheaper, TrainConfig.NOISY_THROUGHOUT);
    }

    /** ... and a mean teacher that classifies noise-free from iteration {@code noisyUntil} on. */
    static TrainConfig config(Path out, int epochs, boolean resume, int labelShift, float consistency, TrainConfig.Teacher teacher, float rotate,
                              float pseudo, boolean cheaper, int noisyUntil) {
        return config(out, epochs, resume, labelShift, consistency, teacher, rotate, pseudo, cheaper, noisyUntil, 0.003f, 0.5f);
    }

    /** ... and the generator's own Adam rate and β1. */
    static TrainConfig config(Path out, int epochs, boolean resume, int labelShift, float consistency, TrainConfig.Teacher teacher, float rotate,
                              float pseudo, boolean cheaper, int noisyUntil, float generatorLr, float generatorBeta1) {
        return new TrainConfig(Architecture.MLP, 20, 3, epochs * 10, 20, 0.003f, 0.5f, 1e-8f, null, out, 1, 5, 5,
                0f, 0.5f, 0f, 0.01f, resume, 0, 0, 0, 6, labelShift, consistency, 0, false, teacher, false, rotate, rotate > 0 ? 0.1f : 0f, 0f, 0f, pseudo,
                cheaper, cheaper ? 10 : 0, teacher == TrainConfig.Teacher.ADVERSARIAL ? 2f : 0f, noisyUntil, generatorLr, generatorBeta1);
    }

    private static Progress quiet() {
        return new Progress(new PrintStream(OutputStream.nullOutputStream()), false);
    }

    @ParameterizedTest(name = "label shift {0}, consistency {1}, teacher {2}, turns {3}, pseudo-labels {4}, cheaper step {5}")
    @CsvSource({"0, 0, PAIR, 0, 0, false", "2, 30, PAIR, 15, 0, false", "2, 30, PAIR, 15, 1, false", "2, 30, AVERAGE, 0, 0, false",
            "2, 30, PAIR, 15, 0, true", "0, 30, BLEND, 0, 0, false",
            "0, 30, ADVERSARIAL, 0, 0, false"})
    void resumedRunMatchesUninterruptedRun(int labelShift, float consistency, TrainConfig.Teacher teacher, float rotate, float pseudo,
                                           boolean cheaper, @TempDir Path tmp) throws Exception {
        Parallel.setThreads(1);
        Mnist.Splits data = syntheticDigits(200, 50, 11);

        Path straight = tmp.resolve("straight");
        assertEquals(Trainer.Outcome.COMPLETED, new Trainer(config(straight, 4, false, labelShift, consistency, teacher, rotate, pseudo, cheaper), data, quiet()).run());

        Path split = tmp.resolve("split");
        new Trainer(config(split, 2, false, labelShift, consistency, teacher, rotate, pseudo, cheaper), data, quiet()).run();
        assertEquals(Trainer.Outcome.COMPLETED, new Trainer(config(split, 4, true, labelShift, consistency, teacher, rotate, pseudo, cheaper), data, quiet()).run());

        List<MetricsCsv.Row> rowsA = MetricsCsv.read(straight.resolve("metrics.csv"));
        List<MetricsCsv.Row> rowsB = MetricsCsv.read(split.resolve("metrics.csv"));
        assertEquals(rowsA.size(), rowsB.size(), "the resumed run appends to the same metrics file");
        for (int i = 0; i < rowsA.size(); i++) {
            assertEquals(rowsA.get(i).lossSupervised(), rowsB.get(i).lossSupervised(), "row " + i);
            assertEquals(rowsA.get(i).lossGenerator(), rowsB.get(i).lossGenerator(), "row " + i);
            assertEquals(rowsA.get(i).testAccuracy(), rowsB.get(i).testAccuracy(), "row " + i);
        }
        Map<String, Tensor> a = SafeTensors.load(straight.resolve("last.safetensors")).tensors();
        Map<String, Tensor> b = SafeTensors.load(split.resolve("last.safetensors")).tensors();
        assertEquals(a.keySet(), b.keySet());
        a.forEach((k, t) -> assertArrayEquals(t.data(), b.get(k).data(), "tensor " + k + " differs after resume"));

    }

    /**
     * A mean teacher that stops drawing noise at iteration 20 trains as the noisy teacher does up to 20 and
     * as the noise-free one after: the same as a noisy run to 20 resumed noise-free, and not the same as a
     * run noisy throughout.
     */
    @Test
    void theTeachersNoiseStopsAtItsIteration(@TempDir Path tmp) throws Exception {
        Parallel.setThreads(1);
        Mnist.Splits data = syntheticDigits(200, 50, 11);
        TrainConfig.Teacher mean = TrainConfig.Teacher.AVERAGE;
        Path switched = tmp.resolve("switched");
        new Trainer(config(switched, 4, false, 2, 30f, mean, 0f, 0f, true, 20), data, quiet()).run();
        Path noisy = tmp.resolve("noisy");
        new Trainer(config(noisy, 4, false, 2, 30f, mean, 0f, 0f, true, TrainConfig.NOISY_THROUGHOUT), data, quiet()).run();
        Path resumed = tmp.resolve("resumed");
        new Trainer(config(resumed, 2, false, 2, 30f, mean, 0f, 0f, true, TrainConfig.NOISY_THROUGHOUT), data, quiet()).run();
        new Trainer(config(resumed, 4, true, 2, 30f, mean, 0f, 0f, true, 0), data, quiet()).run();

        List<MetricsCsv.Row> s = MetricsCsv.read(switched.resolve("metrics.csv"));
        List<MetricsCsv.Row> n = MetricsCsv.read(noisy.resolve("metrics.csv"));
        List<MetricsCsv.Row> r = MetricsCsv.read(resumed.resolve("metrics.csv"));
        assertEquals(20, s.get(3).iteration());
        assertEquals(n.get(3).lossGenerator(), s.get(3).lossGenerator(), "noisy up to iteration 20");
        assertEquals(r.get(s.size() - 1).lossGenerator(), s.get(s.size() - 1).lossGenerator(), "noise-free after it");
        Map<String, Tensor> a = SafeTensors.load(switched.resolve("last.safetensors")).tensors();
        Map<String, Tensor> b = SafeTensors.load(resumed.resolve("last.safetensors")).tensors();
        a.forEach((k, t) -> assertArrayEquals(t.data(), b.get(k).data(), "tensor " + k));
        Map<String, Tensor> c = SafeTensors.load(noisy.resolve("last.safetensors")).tensors();
        assertFalse(a.keySet().stream().allMatch(k -> Arrays.equals(a.get(k).data(), c.get(k).data())),
                "the noise-free iterations change the training");
    }

    /** A resume under other recipe settings says which, in one line; one under the same settings, or another budget, says nothing. */
    @Test
    void resumeUnderOtherSettingsSaysWhichDiffer(@TempDir Path tmp) throws Exception {
        Parallel.setThreads(1);
        Mnist.Splits data = syntheticDigits(200, 50, 11);
        Path out = tmp.resolve("run");
        new Trainer(config(out, 1, false, 2, 0f, TrainConfig.Teacher.PAIR, 0f), data, quiet()).run();
        ByteArrayOutputStream same = new ByteArrayOutputStream();
        new Trainer(config(out, 2, true, 2, 0f, TrainConfig.Teacher.PAIR, 0f), data,
                new Progress(new PrintStream(same, true, StandardCharsets.UTF_8), false)).run();
        assertFalse(same.toString(StandardCharsets.UTF_8).contains("settings differ"), same.toString(StandardCharsets.UTF_8));
        ByteArrayOutputStream other = new ByteArrayOutputStream();
        new Trainer(config(out, 3, true, 2, 0f, TrainConfig.Teacher.PAIR, 15f), data,
                new Progress(new PrintStream(other, true, StandardCharsets.UTF_8), false)).run();
        String text = other.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("settings differ from the saved run's") && text.contains("label_rotate 0.0 → 15.0")
                && text.contains("label_scale 0.0 → 0.1"), text);
        String line = text.lines().filter(l -> l.contains("settings differ")).findFirst().orElseThrow();
        assertFalse(line.contains("iterations"), "a longer budget is not a change of recipe: " + line);
        assertEquals(List.of("label_rotate not recorded → 15.0"), Trainer.changedRecipe(Map.of(), Map.of("label_rotate", "15.0", "threads", "2")));
        assertEquals(List.of(), Trainer.changedRecipe(Map.of("teacher_noise", "true"), Map.of("teacher_noise_until", "end")), "the setting's earlier name");
        assertEquals(List.of("teacher_noise_until 0 → 6000"), Trainer.changedRecipe(Map.of("teacher_noise", "false"), Map.of("teacher_noise_until", "6000")));
        // The generator's rate and β1 reach its optimiser, on the schedule; the discriminator keeps its own.
        Trainer gen = new Trainer(config(out.resolveSibling("gen-adam"), 1, false, 0, 0f, TrainConfig.Teacher.PAIR, 0f, 0f, false,
                TrainConfig.NOISY_THROUGHOUT, 0.001f, 0f), data, quiet());
        gen.begin();
        gen.trainIteration();
        assertEquals(0.001f, gen.genOptimizer().lr());
        assertEquals(0f, gen.genOptimizer().options().beta1());
        assertEquals(0.003f, gen.discOptimizer().lr());
        assertEquals(0.5f, gen.discOptimizer().options().beta1());
        // Runs saved before the generator had settings of its own trained it with the discriminator's.
        assertEquals(List.of(), Trainer.changedRecipe(Map.of("lr", "0.003", "beta1", "0.5"),
                Map.of("lr", "0.003", "beta1", "0.5", "generator_lr", "0.003", "generator_beta1", "0.5")));
        Map<String, String> badGan = new java.util.LinkedHashMap<>();
        badGan.put("generator_lr", "0.001");
        badGan.put("generator_beta1", "0.0");
        assertEquals(List.of("generator_lr 0.003 → 0.001", "generator_beta1 0.5 → 0.0"),
                Trainer.changedRecipe(Map.of("lr", "0.003", "beta1", "0.5"), badGan));
    }

    /**
     * A permutation-invariant run saved with the pair resumes under today's default for that setting,
     * virtual adversarial training, whose random stream the checkpoint does not hold: it says so and runs on.
     */
    @Test
    void aPairRunResumesWithTheAdversarialTeacher(@TempDir Path tmp) throws Exception {
        Parallel.setThreads(1);
        Mnist.Splits data = syntheticDigits(200, 50, 11);
        Path out = tmp.resolve("run");
        new Trainer(config(out, 1, false, 0, 30f, TrainConfig.Teacher.PAIR), data, quiet()).run();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        assertEquals(Trainer.Outcome.COMPLETED, new Trainer(config(out, 2, true, 0, 30f, TrainConfig.Teacher.ADVERSARIAL), data,
                new Progress(new PrintStream(log, true, StandardCharsets.UTF_8), false)).run());
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("teacher pair → adversarial"), log.toString(StandardCharsets.UTF_8));
        assertEquals(20, MetricsCsv.read(out.resolve("metrics.csv")).get(3).iteration(), "on to the end of the longer budget");
    }

    @Test
    void resumeFallsBackToPreviousWhenLastIsIncomplete(@TempDir Path tmp) throws Exception {
        Parallel.setThreads(1);
        Mnist.Splits data = syntheticDigits(200, 50, 11);
        Path out = tmp.resolve("run");
        new Trainer(config(out, 2, false), data, quiet()).run();
        // As if stopped between moving last to previous and writing the new last.
        Files.delete(out.resolve("last.state.safetensors"));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Progress progress = new Progress(new PrintStream(log, true, StandardCharsets.UTF_8), false);
        assertEquals(Trainer.Outcome.COMPLETED, new Trainer(config(out, 4, true), data, progress).run());
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("previous.safetensors at iteration 15"), text);
    }
}
