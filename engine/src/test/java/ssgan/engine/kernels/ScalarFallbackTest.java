package ssgan.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Without the incubator module the engine warns once and runs its scalar twins instead of crashing. */
class ScalarFallbackTest {
    @Test
    void runsTheScalarKernelsWithOneWarningWhenTheVectorApiIsMissing() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                ScalarFallbackProbe.class.getName())).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe did not finish");
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("scalar fallback ok: scalar"), output);
        int warnings = output.split("the Vector API \\(jdk.incubator.vector\\) is not available", -1).length - 1;
        assertEquals(1, warnings, "exactly one warning: " + output);
    }
}
