package ssgan.app.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ssgan.app.report.MetricsCsv;
import ssgan.app.report.Progress;
import ssgan.engine.parallel.Parallel;
import ssgan.nn.data.Mnist;
import ssgan.nn.io.Json;
import ssgan.nn.io.SafeTensors;

/** Decisions are made on the held-out validation set; the test set is only reported. */
class ValidationSelectionTest {
    private final int threadsBefore = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(threadsBefore);
    }

    /** 300 training images, 100 of them held out, batches of 20, an evaluation every 5 iterations. */
    private static TrainConfig config(Path out, int iterations, double target, int validation) {
        return config(out, iterations, target, validation, 20);
    }

    private static TrainConfig config(Path out, int iterations, double target, int validation, int labels) {
        return config(out, iterations, target, validation, labels, 0);
    }

    private static TrainConfig config(Path out, int iterations, double target, int validation, int labels, double maxMinutes) {
        return new TrainConfig(Architecture.MLP, labels, 4, iterations, 20, 0.003f, 0.5f, 1e-8f, null, out, 1, 5, 5,
                0f, 0.5f, 0f, 0.01f, false, maxMinutes, target, 0.5, 6, 0, 0f, validation, false, TrainConfig.Teacher.PAIR, false, 0f, 0f, 0f, 0f, 0f, false, 0, 0f, TrainConfig.NOISY_THROUGHOUT, 0.003f, 0.5f);
    }

    private static Progress quiet() {
        return new Progress(new PrintStream(OutputStream.nullOutputStream()), false);
    }

    private static Map<String, Object> summary(Path out) throws Exception {
        return Json.parseObject(Files.readString(out.resolve("summary.json")));
    }

    private static double number(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).doubleValue();
    }

    /** More labels than the images left outside the validation set hold of some digit: a mistake, said in one line before anything is written. */
    @Test
    void tooManyLabelsForWhatValidationLeavesIsASetupMistake(@TempDir Path tmp) {
        Mnist.Splits data = ResumeTest.syntheticDigits(300, 80, 21);
        int[] pool = ssgan.nn.data.HoldOut.split(data.train(), 100).trainIndices();
        int most = ssgan.nn.data.SemiSupervisedSplit.largestBalanced(data.train(), pool);
        assertTrue(most >= 10 && most < 200, "the synthetic set's rarest digit leaves " + most);
        Path out = tmp.resolve("run");
        Trainer.SetupException e = org.junit.jupiter.api.Assertions.assertThrows(Trainer.SetupException.class,
                () -> new Trainer(config(out, 10, 0, 100, most + 10), data, quiet()));
        assertTrue(e.getMessage().contains("use at most --labels " + most), e.getMessage());
        assertTrue(e.getMessage().contains("a smaller --validation"), e.getMessage());
        new Trainer(config(out, 10, 0, 100, most), data, quiet());
        // The limit is the split's own: one more image of every digit is more than it can draw.
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ssgan.nn.data.SemiSupervisedSplit.balanced(data.train(), pool, most + 10, 4));
    }

    /** A run stopped by --max-minutes between evaluations is evaluated where it stops, so its summary describes the model it ends with. */
    @Test
    void aTimeLimitedRunEvaluatesTheModelItEndsWith(@TempDir Path tmp) throws Exception {
        Parallel.setThreads(1);
        Mnist.Splits data = ResumeTest.syntheticDigits(300, 80, 21);
        Path out = tmp.resolve("run");
        assertEquals(Trainer.Outcome.TIME_LIMIT, new Trainer(config(out, 60, 0, 100, 20, 1e-9), data, quiet()).run());
        List<MetricsCsv.Row> rows = MetricsCsv.read(out.resolve("metrics.csv"));
        assertEquals(1, rows.size());
        assertEquals(1L, rows.get(0).iteration());
        Map<String, Object> summary = summary(out);
        assertEquals("time_limit", summary.get("status"));
        assertEquals(1.0, number(summary, "iterations"));
        assertEquals(rows.get(0).validationAccuracy(), number(summary, "validation_accuracy"), 1e-12);
        assertEquals(rows.get(0).testAccuracy(), number(summary, "test_accuracy"), 1e-12);
        assertTrue(Files.exists(out.resolve("best.safetensors")));
    }

    @Test
    void bestCheckpointIsTheEvaluationWithTheHighestValidationAccuracy(@TempDir Path tmp) throws Exception {
        Parallel.setThreads(1);
        Mnist.Splits data = ResumeTest.syntheticDigits(300, 80, 21);
        Path out = tmp.resolve("run");
        assertEquals(Trainer.Outcome.COMPLETED, new Trainer(config(out, 60, 0, 100), data, quiet()).run());

        List<MetricsCsv.Row> rows = MetricsCsv.read(out.resolve("metrics.csv"));
        assertEquals(12, rows.size());
        MetricsCsv.Row chosen = rows.get(0);
        for (MetricsCsv.Row r : rows) {
            assertTrue(r.validationAccuracy() >= 0 && r.validationAccuracy() <= 1, "every row has a validation accuracy");
            if (r.validationAccuracy() > chosen.validationAccuracy()) chosen = r;
        }
        MetricsCsv.Row last = rows.get(rows.size() - 1);
        Map<String, Object> s = summary(out);
        assertEquals("validation", s.get("selected_by"));
        assertEquals(chosen.iteration(), ((Number) s.get("selected_iteration")).longValue());
        assertEquals(chosen.validationAccuracy(), number(s, "selected_validation_accuracy"), 1e-4);
        assertEquals(chosen.testAccuracy(), number(s, "selected_test_accuracy"), 1e-4);
        assertEquals(number(s, "selected_test_accuracy"), number(s, "best_accuracy"), 0, "the old name, documented");
        assertEquals(last.testAccuracy(), number(s, "test_accuracy"), 1e-4);
        assertEquals(last.validationAccuracy(), number(s, "validation_accuracy"), 1e-4);
        assertEquals(number(s, "test_accuracy"), number(s, "final_accuracy"), 0, "the old name, documented");

        Map<String, String> meta = SafeTensors.load(out.resolve("best.safetensors")).metadata();
        assertEquals(Long.toString(chosen.iteration()), meta.get("iteration"));
        Checkpoint.Loaded best = Checkpoint.load(out.resolve("best.safetensors"));
        assertEquals(chosen.testAccuracy(), Evaluator.evaluate(best.disc(), data.test()).accuracy(), 1e-4,
                "best.safetensors is the model of the chosen row");
    }

    @Test
    void targetAccuracyIsReadOnValidation(@TempDir Path tmp) throws Exception {
        Parallel.setThreads(1);
        Mnist.Splits data = ResumeTest.syntheticDigits(300, 80, 21);
        Path probe = tmp.resolve("probe");
        new Trainer(config(probe, 60, 0, 100), data, quiet()).run();
        List<MetricsCsv.Row> rows = MetricsCsv.read(probe.resolve("metrics.csv"));
        // A target that validation first reaches at some evaluation after the first.
        int k = 1;
        double target = rows.get(k).validationAccuracy();
        for (int i = 1; i < rows.size(); i++) {
            double runningMax = rows.subList(0, i).stream().mapToDouble(MetricsCsv.Row::validationAccuracy).max().orElseThrow();
            if (rows.get(i).validationAccuracy() > runningMax) {
                k = i;
                target = rows.get(i).validationAccuracy();
                break;
            }
        }
        Path out = tmp.resolve("run");
        assertEquals(Trainer.Outcome.TARGET_REACHED, new Trainer(config(out, 60, target, 100), data, quiet()).run());
        assertEquals(rows.get(k).iteration(), ((Number) summary(out).get("iterations")).longValue(),
                "stops at the first evaluation whose validation accuracy reaches " + target);
    }

    @Test
    void withoutValidationTheChoicesFallBackToTestAndSaySo(@TempDir Path tmp) throws Exception {
        Parallel.setThreads(1);
        Mnist.Splits data = ResumeTest.syntheticDigits(200, 80, 21);
        Path out = tmp.resolve("run");
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        new Trainer(config(out, 20, 0, 0), data, new Progress(new PrintStream(log, true), false)).run();
        assertTrue(log.toString().contains("no validation set (--validation 0)"), log.toString());
        Map<String, Object> s = summary(out);
        assertEquals("test", s.get("selected_by"));
        assertNull(s.get("validation_accuracy"));
        List<MetricsCsv.Row> rows = MetricsCsv.read(out.resolve("metrics.csv"));
        double bestTest = rows.stream().mapToDouble(MetricsCsv.Row::testAccuracy).max().orElseThrow();
        assertEquals(bestTest, number(s, "selected_test_accuracy"), 1e-4);
        assertTrue(rows.stream().allMatch(r -> Double.isNaN(r.validationAccuracy())));
    }
}
