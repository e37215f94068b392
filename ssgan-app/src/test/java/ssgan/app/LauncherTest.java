package ssgan.app;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ssgan.nn.data.Mnist;
import ssgan.nn.data.MnistLocator;

/** The launcher restarts the JVM with the Vector API; the restarted JVM must never outlive it. */
class LauncherTest {
    @Test
    void killingTheLauncherWithSigkillEndsTheTrainingItStarted(@TempDir Path tmp) throws Exception {
        Path cache = MnistLocator.defaults().cacheFolder();
        assumeTrue(Mnist.missingFiles(cache).isEmpty(), "MNIST is not in " + cache);
        String java = ProcessHandle.current().info().command().orElseThrow();
        Path out = tmp.resolve("run");
        // No --add-modules: Main relaunches itself, the way `java -jar ssgan-app.jar` does.
        Process launcher = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "train", "--threads", "1", "--eval-every", "100000", "--out", out.toString()))
                .redirectErrorStream(true).redirectOutput(tmp.resolve("log.txt").toFile()).start();
        ProcessHandle child = null;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline && !Files.exists(out.resolve("samples"))) {
                assertTrue(launcher.isAlive(), () -> "the launcher ended early: " + read(tmp.resolve("log.txt")));
                Thread.sleep(100);
            }
            assertTrue(Files.exists(out.resolve("samples")), () -> "training did not start: " + read(tmp.resolve("log.txt")));
            child = launcher.toHandle().children().findFirst().orElseThrow(() -> new AssertionError("no relaunched JVM"));

            launcher.destroyForcibly();  // SIGKILL: the launcher runs no code of its own
            launcher.waitFor(10, TimeUnit.SECONDS);
            ProcessHandle training = child;
            boolean ended = training.onExit().thenApply(p -> true).completeOnTimeout(false, 60, TimeUnit.SECONDS).get();
            assertTrue(ended, () -> "the training JVM went on after its launcher was killed: " + read(tmp.resolve("log.txt")));
            assertTrue(read(tmp.resolve("log.txt")).contains("has ended; stopping"), () -> read(tmp.resolve("log.txt")));
            assertTrue(Files.exists(out.resolve("last.safetensors")), "it saved last on the way out");
        } finally {
            launcher.destroyForcibly();
            if (child != null) child.destroyForcibly();
        }
        assertFalse(child.isAlive());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
