package ssgan.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunFolderTest {
    @Test
    void theDefaultIsANewNumberedFolderAndResumeTakesTheLatest(@TempDir Path runs) throws Exception {
        assertEquals(runs.resolve("none-yet").resolve("ssgan-1"), RunFolder.numbered(runs.resolve("none-yet"), false));
        UserException none = assertThrows(UserException.class, () -> RunFolder.numbered(runs, true));
        assertTrue(none.getMessage().contains("no run"), none.getMessage());
        Files.createDirectories(runs.resolve("ssgan-1"));
        Files.createDirectories(runs.resolve("ssgan-3"));
        Files.createDirectories(runs.resolve("ssgan-x"));
        Files.createFile(runs.resolve("ssgan-7"));  // a file, not a run folder
        assertEquals(runs.resolve("ssgan-4"), RunFolder.numbered(runs, false));
        assertEquals(runs.resolve("ssgan-3"), RunFolder.numbered(runs, true));
    }

    @Test
    void aFolderWithARunIsOnlyResumedOrExplicitlyReplaced(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("a"));
        Files.writeString(dir.resolve("summary.json"), "{}");
        Files.writeString(dir.resolve("last.safetensors"), "x");
        Files.createDirectories(dir.resolve("samples"));
        Files.writeString(dir.resolve("samples/iter-0000600.png"), "x");
        Files.writeString(dir.resolve("notes.txt"), "mine");
        UserException refused = assertThrows(UserException.class, () -> RunFolder.claim(dir, false, false));
        assertTrue(refused.getMessage().contains("already holds a run") && refused.getMessage().contains("--resume")
                && refused.getMessage().contains("--overwrite"), refused.getMessage());
        assertTrue(Files.exists(dir.resolve("summary.json")), "nothing touched");

        Path b = Files.createDirectories(tmp.resolve("b"));
        Files.writeString(b.resolve("summary.json"), "{}");
        Files.createDirectories(b.resolve("samples"));
        Files.writeString(b.resolve("samples/iter-0000600.png"), "x");
        Files.writeString(b.resolve("notes.txt"), "mine");
        RunFolder.claim(b, false, true);
        assertFalse(Files.exists(b.resolve("summary.json")));
        assertFalse(Files.exists(b.resolve("samples/iter-0000600.png")));
        assertTrue(Files.exists(b.resolve("notes.txt")), "--overwrite removes the run's files only");

        UserException nothing = assertThrows(UserException.class, () -> RunFolder.claim(Files.createDirectories(tmp.resolve("c")), true, false));
        assertTrue(nothing.getMessage().contains("holds no run to continue"), nothing.getMessage());
    }

    @Test
    void aFolderInUseIsRefusedAndAKilledHolderLeavesNoStaleLock(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process holder = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"), Holder.class.getName(), dir.toString()))
                .redirectErrorStream(true).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            Path lock = dir.resolve(".lock");
            String pid = Long.toString(holder.pid());
            while (System.nanoTime() < deadline && !(Files.exists(lock) && Files.readString(lock, StandardCharsets.UTF_8).trim().equals(pid))) {
                assertTrue(holder.isAlive(), "the holder ended early");
                Thread.sleep(50);
            }
            UserException busy = assertThrows(UserException.class, () -> RunFolder.claim(dir, false, false));
            assertTrue(busy.getMessage().contains("in use by another ssgan process (process " + pid + ")"), busy.getMessage());

            holder.destroyForcibly();  // kill -9: no code of the holder runs
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
            assertEquals(dir, RunFolder.claim(dir, false, false), "the lock died with its process");
        } finally {
            holder.destroyForcibly();
        }
    }

    /** A process that claims a folder and waits to be killed. */
    static final class Holder {
        public static void main(String[] args) throws InterruptedException {
            RunFolder.claim(Path.of(args[0]), false, false);
            Thread.sleep(120_000);
        }
    }
}
