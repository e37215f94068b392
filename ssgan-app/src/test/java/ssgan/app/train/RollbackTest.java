package ssgan.app.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ssgan.app.report.MetricsCsv;
import ssgan.app.report.Progress;
import ssgan.cuda.EmulatedCuda;
import ssgan.engine.device.Device;
import ssgan.engine.parallel.Parallel;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.data.Mnist;
import ssgan.nn.io.SafeTensors;

/** A collapse, staged at chosen iterations, sends the run back to the checkpoint before last with new noise. */
class RollbackTest {
    private static final Mnist.Splits DATA = ResumeTest.syntheticDigits(200, 50, 11);

    private final int threadsBefore = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(threadsBefore);
    }

    /** The real guard's bookkeeping, but "collapsed" exactly when the test says (counted over all observations). */
    private static final class StagedGuard extends CollapseGuard {
        private final LongPredicate collapseAt;
        private long observed;

        StagedGuard(LongPredicate collapseAt) {
            super(0);
            this.collapseAt = collapseAt;
        }

        @Override
        void observe(float generatorLoss, float unsupervisedLoss) {
            super.observe(generatorLoss, unsupervisedLoss);
            observed++;
        }

        @Override
        boolean collapsed() {
            return collapseAt.test(observed);
        }
    }

    /** 200 images in batches of 20, evaluated every 100 iterations. */
    private static TrainConfig config(Path out, int epochs) {
        return config(out, epochs * 10, 100);
    }

    private static TrainConfig config(Path out, int iterations, int evalEvery) {
        return new TrainConfig(Architecture.MLP, 20, 3, iterations, 20, 0.003f, 0.5f, 1e-8f, null, out, 1, evalEvery, 5,
                0f, 0.5f, 0f, 0.01f, false, 0, 0, 0, 0, 0, 0f, 0, false, TrainConfig.Teacher.PAIR, false, 0f, 0f, 0f, 0f, 0f, false, 0, 0f, TrainConfig.NOISY_THROUGHOUT, 0.003f, 0.5f);
    }

    private record Run(Trainer.Outcome outcome, String log, Path out) {}

    private static Run train(Path out, int epochs, LongPredicate collapseAt) throws Exception {
        return train(config(out, epochs), collapseAt, Device.CPU);
    }

    private static Run train(TrainConfig config, LongPredicate collapseAt, Device device) throws Exception {
        Parallel.setThreads(1);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Progress progress = new Progress(new PrintStream(log, true, StandardCharsets.UTF_8), false);
        Trainer.Outcome outcome = new Trainer(config, DATA, progress, new StagedGuard(collapseAt), device).run();
        return new Run(outcome, log.toString(StandardCharsets.UTF_8), config.outDir());
    }

    private static long[] iterations(Path out) throws Exception {
        return MetricsCsv.read(out.resolve("metrics.csv")).stream().mapToLong(MetricsCsv.Row::iteration).toArray();
    }

    private static Map<String, Tensor> lastModel(Path out) throws Exception {
        return SafeTensors.load(out.resolve("last.safetensors")).tensors();
    }

    private static String summary(Path out) throws Exception {
        return Files.readString(out.resolve("summary.json")).replaceAll("\\s", "");
    }

    @Test
    void collapseRollsBackToTheCheckpointBeforeLastAndDrawsNewNoise(@TempDir Path tmp) throws Exception {
        Run plain = train(tmp.resolve("plain"), 30, i -> false);
        Run staged = train(tmp.resolve("staged"), 30, i -> i == 250);
        Run again = train(tmp.resolve("again"), 30, i -> i == 250);

        assertEquals(Trainer.Outcome.COMPLETED, staged.outcome());
        // At iteration 250, last holds iteration 200 and previous iteration 100.
        assertTrue(staged.log().contains("iteration 250: the generator has collapsed"), staged.log());
        assertTrue(staged.log().contains("rolled back to iteration 100 with new noise (rollback 1 of at most 10)"), staged.log());
        assertArrayEquals(new long[] {100, 200, 300}, iterations(staged.out()), "the abandoned row for 200 is replaced");
        assertTrue(summary(staged.out()).contains("\"collapse_rollbacks\":1"), summary(staged.out()));

        List<MetricsCsv.Row> plainRows = MetricsCsv.read(plain.out().resolve("metrics.csv"));
        List<MetricsCsv.Row> stagedRows = MetricsCsv.read(staged.out().resolve("metrics.csv"));
        assertEquals(plainRows.get(0).lossGenerator(), stagedRows.get(0).lossGenerator(), "identical up to the rollback point");
        assertFalse(plainRows.get(2).lossGenerator() == stagedRows.get(2).lossGenerator(), "new noise after the rollback");

        Map<String, Tensor> a = lastModel(staged.out());
        Map<String, Tensor> b = lastModel(again.out());
        a.forEach((k, t) -> assertArrayEquals(t.data(), b.get(k).data(), "a staged rollback is deterministic: " + k));
        assertFalse(Arrays.equals(a.get("disc.out.bias").data(), lastModel(plain.out()).get("disc.out.bias").data()));
    }

    /**
     * On a device the losses are read in blocks (at each evaluation here, every 3 iterations): the collapse
     * staged at iteration 5 is found when they are read at 6, dated to 5, and the run rolls back to the
     * checkpoint before last (the starting point, saved at iteration 0), drops the rows after it and trains
     * on to the end.
     */
    @Test
    void onADeviceACollapseFoundInABlockOfLossesIsDatedToItsIteration(@TempDir Path tmp) throws Exception {
        Run run = train(config(tmp.resolve("device"), 8, 3), i -> i == 5, EmulatedCuda.device());

        assertEquals(Trainer.Outcome.COMPLETED, run.outcome());
        assertTrue(run.log().contains("iteration 5: the generator has collapsed"), run.log());
        assertTrue(run.log().contains("rolled back to iteration 0 with new noise (rollback 1 of at most 10)"), run.log());
        assertArrayEquals(new long[] {3, 6, 8}, iterations(run.out()));
    }

    @Test
    void repeatedCollapsesStopTheRunAndKeepTheCheckpoints(@TempDir Path tmp) throws Exception {
        Run run = train(tmp.resolve("run"), 30, i -> i > 150);

        assertEquals(Trainer.Outcome.COLLAPSED, run.outcome());
        // At iteration 151 the checkpoint before last is the starting point: each rollback returns there.
        assertTrue(run.log().contains("rolled back to iteration 0 with new noise (rollback 10 of at most 10)"), run.log());
        assertTrue(run.log().contains("stopped: the game broke again at iteration 1 after 10 rollbacks (the generator has collapsed"), run.log());
        assertTrue(summary(run.out()).contains("\"status\":\"collapsed\""), summary(run.out()));
        assertTrue(summary(run.out()).contains("\"iterations\":0,"), "the record ends before the collapsed iteration: " + summary(run.out()));
        assertTrue(Files.exists(run.out().resolve("best.safetensors")), "the model evaluated best, at iteration 100, stays");
        assertArrayEquals(new long[] {}, iterations(run.out()));
    }
}
