package ssgan.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.data.Mnist;
import ssgan.nn.data.MnistLocator;
import ssgan.nn.io.SafeTensors;

/**
 * A real training killed with SIGKILL at random moments (checkpoint writes included) and resumed, again
 * and again, ends exactly where an uninterrupted run ends: the same metrics rows, none missing or
 * repeated, and the same weights. The trainer is deterministic on one thread, so equality is exact.
 */
class CrashResumeTest {
    private static final List<String> RUN = List.of("train", "--threads", "1", "--iterations", "40", "--eval-every", "5",
            "--validation", "1000", "--seed", "3");

    private static Process start(Path out, String mode, Path log) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules=jdk.incubator.vector", "-cp",
                System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(RUN);
        cmd.addAll(List.of("--out", out.toString()));
        if (mode != null) cmd.add(mode);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    /** The metrics rows without the elapsed-time column, which is the only thing allowed to differ. */
    private static List<String> rows(Path out) throws Exception {
        List<String> rows = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("metrics.csv"))) {
            String[] f = line.split(",", -1);
            f[2] = "";
            rows.add(String.join(",", f));
        }
        return rows;
    }

    @Test
    void killedAtRandomMomentsAndResumedItEndsExactlyWhereAnUninterruptedRunEnds(@TempDir Path tmp) throws Exception {
        Path cache = MnistLocator.defaults().cacheFolder();
        assumeTrue(Mnist.missingFiles(cache).isEmpty(), "MNIST is not in " + cache);
        Path log = tmp.resolve("log.txt");

        Path straight = tmp.resolve("straight");
        Process p = start(straight, null, log);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES) && p.exitValue() == 0, () -> read(log));

        Path crashed = tmp.resolve("crashed");
        Random random = new Random(42);
        int kills = 0;
        for (int attempt = 0; attempt < 30 && !completed(crashed); attempt++) {
            boolean started = Files.exists(crashed.resolve("last.safetensors")) || Files.exists(crashed.resolve("previous.safetensors"))
                    || Files.exists(crashed.resolve("summary.json"));
            int rowsBefore = rowCount(crashed);
            Process run = start(crashed, started ? "--resume" : attempt == 0 ? null : "--overwrite", log);
            // Let it make progress (a new metrics row), then kill it a random moment later: often in the
            // middle of writing plots and checkpoints, which follow each row.
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (run.isAlive() && rowCount(crashed) <= rowsBefore && System.nanoTime() < deadline) Thread.sleep(10);
            if (!run.waitFor(random.nextInt(1500), TimeUnit.MILLISECONDS)) {
                run.destroyForcibly();  // SIGKILL
                run.waitFor();
                kills++;
            } else {
                int code = run.exitValue();
                assertEquals(0, code, () -> "a run that was not killed must succeed; --resume must always start: " + read(log));
            }
        }
        assertTrue(completed(crashed), () -> "never completed: " + read(log));
        assertTrue(kills >= 3, "killed only " + kills + " times: make the run longer");

        assertEquals(rows(straight), rows(crashed), "metrics.csv, row for row");
        Map<String, Tensor> a = SafeTensors.load(straight.resolve("last.safetensors")).tensors();
        Map<String, Tensor> b = SafeTensors.load(crashed.resolve("last.safetensors")).tensors();
        assertEquals(a.keySet(), b.keySet());
        a.forEach((k, t) -> assertArrayEquals(t.data(), b.get(k).data(), "tensor " + k));
    }

    private static int rowCount(Path out) throws Exception {
        Path csv = out.resolve("metrics.csv");
        try {
            return Files.exists(csv) ? Files.readAllLines(csv).size() : 0;
        } catch (java.io.IOException beingRewritten) {
            return 0;
        }
    }

    private static boolean completed(Path out) throws Exception {
        Path summary = out.resolve("summary.json");
        return Files.exists(summary) && Files.readString(summary).contains("\"status\": \"completed\"");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "(no log)";
        }
    }
}
