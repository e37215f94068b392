package ssgan.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Results must not depend on whether the JIT has compiled the code yet: a resumed run starts cold, the
 * run it continues was warm. Math.log/tanh and the Vector API's EXP/LOG/TANH break that (their compiled
 * intrinsics and their interpreted fallbacks round differently), which is why the engine uses StrictMath
 * and {@link VectorMath}.
 *
 * <p>The check needs a JVM where nothing is compiled yet, so it runs {@link ColdWarmProbe} in a child
 * JVM, once per kernel set.
 */
class ColdWarmDeterminismTest {
    @ParameterizedTest(name = "simd={0}")
    @ValueSource(booleans = {false, true})
    void everyOpGivesTheSameBitsColdAndWarm(boolean simd) throws IOException, InterruptedException {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        List<String> command = List.of(java, "--add-modules=jdk.incubator.vector", "-Xss4m",
                "-Xbatch", // a method that reaches a compile threshold is compiled before it runs again
                "-Dssgan.simd=" + simd, "-cp", System.getProperty("java.class.path"), ColdWarmProbe.class.getName());
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try {
            // Read until the child closes its output, then collect the exit status.
            output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the probe did not finish:\n" + output);
        } finally {
            child.destroyForcibly();
        }
        assertTrue(output.contains("checked " + ColdWarmProbe.cases().size() + " cases"), "the probe did not run every case:\n" + output);
        assertTrue(output.contains(simd ? "kernels: Vector API" : "kernels: scalar"), "wrong kernel set:\n" + output);
        assertEquals(0, child.exitValue(), "results changed between the cold and the warm JIT state:\n" + output);
    }
}
