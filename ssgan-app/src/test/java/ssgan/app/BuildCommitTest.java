package ssgan.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The commit stamp that summary.json carries: what the build wrote, and how it is read. */
class BuildCommitTest {
    @Test
    void theStampIsTheBuildsDescribeOrUnknown() {
        assertEquals("752e3e3", Main.commit(properties("752e3e3")));
        assertEquals("752e3e3-dirty", Main.commit(properties("752e3e3-dirty\n")));
        assertEquals("unknown", Main.commit(properties("")), "git failed during the build");
        assertEquals("unknown", Main.commit(properties("${build.commit}")), "the build never ran git");
        assertEquals("unknown", Main.commit(new Properties()));
    }

    @Test
    void aBuildInsideARepositoryStampsItsCommitAndWhetherTheTreeWasClean() throws Exception {
        assumeTrue(git("rev-parse", "--git-dir") != null, "not built from a git work tree");
        String head = git("rev-parse", "--short=7", "HEAD");
        String stamp = Main.commit();
        assertTrue(stamp.matches("[0-9a-f]{7,}(-dirty)?"), stamp);
        // The build ran git describe on this checkout moment before these tests.
        assertEquals(head, stamp.replace("-dirty", ""));
    }

    private static Properties properties(String commit) {
        Properties p = new Properties();
        p.setProperty("commit", commit);
        return p;
    }

    /** git's output in this module's folder, or null when git is missing or fails. */
    private static String git(String... args) throws InterruptedException {
        try {
            List<String> command = new java.util.ArrayList<>(List.of("git"));
            command.addAll(List.of(args));
            Process p = new ProcessBuilder(command).directory(Path.of("").toAbsolutePath().toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        }
    }
}
