package ssgan.app.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ssgan.app.report.MetricsCsv;
import ssgan.app.report.Progress;
import ssgan.engine.autograd.GradMode;
import ssgan.engine.parallel.Parallel;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.data.HoldOut;
import ssgan.nn.data.Mnist;
import ssgan.nn.layers.BatchNorm;

/** Both architectures train, write what a run leaves behind, and reload from their checkpoints. */
class CheckpointTest {
    private final int threadsBefore = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(threadsBefore);
    }

    private static TrainConfig config(Architecture arch, Path out) {
        return new TrainConfig(arch, 20, 5, 5, 20, 0.003f, 0.5f, 1e-8f, null, out, 1, 5,
                arch == Architecture.MLP ? 5 : 4, 0.1f, 0.5f, 1e-4f, 0f, false, 0, 0, 0, 6, 0, 0f, 0, false, TrainConfig.Teacher.PAIR, false, 0f, 0f, 0f, 0f, 0f, false, 0, 0f, TrainConfig.NOISY_THROUGHOUT, 0.003f, 0.5f);
    }

    @Test
    void dcganAndMlpRunsLeaveLoadableCheckpointsThatReproduceTheLoggedAccuracy(@TempDir Path tmp) throws Exception {
        Parallel.setThreads(1);
        Mnist.Splits data = ResumeTest.syntheticDigits(100, 40, 7);
        for (Architecture arch : Architecture.values()) {
            Path out = tmp.resolve(arch.name());
            Trainer.Outcome outcome = new Trainer(config(arch, out), data,
                    new Progress(new PrintStream(OutputStream.nullOutputStream()), false)).run();
            assertEquals(Trainer.Outcome.COMPLETED, outcome, arch.name());
            for (String f : new String[] {"metrics.csv", "summary.json", "accuracy.png", "losses.png",
                    "best.safetensors", "last.safetensors", "last.state.safetensors", "samples/iter-0000005.png"}) {
                assertTrue(Files.isRegularFile(out.resolve(f)), arch + ": " + f);
            }

            var rows = MetricsCsv.read(out.resolve("metrics.csv"));
            double logged = rows.get(rows.size() - 1).testAccuracy();
            Checkpoint.Loaded loaded = Checkpoint.load(out.resolve("last.safetensors"));
            assertEquals(arch, loaded.arch());
            assertEquals(logged, Evaluator.evaluate(loaded.disc(), data.test()).accuracy(), 1e-9, arch + ": reloaded accuracy");

            loaded.gen().eval();
            try (var scope = GradMode.noGrad()) {
                Tensor images = loaded.gen().forward(loaded.gen().noise(3, new Rng(1)));
                assertArrayEquals(new int[] {3, 1, 28, 28}, images.shape());
                for (float v : images.data()) assertTrue(v >= -1 && v <= 1 && Float.isFinite(v));
            }
        }
    }

    @Test
    void aDcganIsEvaluatedAndSavedWithBatchStatisticsOfRealImagesOnly(@TempDir Path tmp) throws Exception {
        Parallel.setThreads(1);
        Mnist.Splits data = ResumeTest.syntheticDigits(100, 40, 7);
        Path out = tmp.resolve("dcgan");
        new Trainer(config(Architecture.DCGAN, out), data, new Progress(new PrintStream(OutputStream.nullOutputStream()), false)).run();
        Checkpoint.Loaded loaded = Checkpoint.load(out.resolve("last.safetensors"));
        List<Tensor> saved = batchStatistics(loaded.disc());

        // The same estimate made again from the saved weights: the first images of the training pool, in
        // training-size batches. Statistics that generated images had entered would not match it.
        int[] pool = HoldOut.split(data.train(), 0).trainIndices();
        List<Tensor> batches = new ArrayList<>();
        for (int start = 0; start < Math.min(Trainer.STATISTICS_IMAGES, pool.length); start += 20) {
            batches.add(data.train().subset("again", Arrays.copyOfRange(pool, start, start + 20)).imagesTensor());
        }
        BatchNorm.reestimateStatistics(loaded.disc(), batches, batch -> loaded.disc().classify(batch));
        List<Tensor> again = batchStatistics(loaded.disc());
        assertEquals(6, saved.size());
        for (int i = 0; i < saved.size(); i++) assertArrayEquals(again.get(i).data(), saved.get(i).data(), 1e-6f, "statistic " + i);
    }

    /** Copies of the running means and variances of a model's batch norms. */
    private static List<Tensor> batchStatistics(ssgan.nn.Module model) {
        List<Tensor> out = new ArrayList<>();
        model.namedBuffers().forEach((name, t) -> {
            if (name.endsWith("running_mean") || name.endsWith("running_var")) out.add(t.copy());
        });
        return out;
    }
}
