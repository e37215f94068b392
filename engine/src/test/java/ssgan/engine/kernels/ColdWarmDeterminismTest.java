package ssgan.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Results must not depend on whether the JIT has compiled the code yet: a resumed run starts cold, the
 * run it continues was warm. Math.log/tanh and the Vector API's EXP/LOG/TANH break that (their compiled
 * intrinsics and their interpreted fallbacks round differently), which is why the engine uses StrictMath
 * and {@link VectorMath}.
 *
 * <p>The check needs a JVM where nothing is compiled yet, so it runs {@link ColdWarmProbe} in a child
 * JVM, once per kernel set.
 *
 * <p>On the code before StrictMath and VectorMath (JDK 17 and 25, AVX-512) it fails for the Vector API
 * kernels: exp, tanh, sigmoid, softplus, logSumExp, softmax, logSoftmax and crossEntropy change their
 * bits after warm-up, and on JDK 25 so do the row sums (reduceLanes(ADD) changes its order).
 */
class ColdWarmDeterminismTest {
    @Test
    void everyOpGivesTheSameBitsColdAndWarmWithBothKernelSets() throws IOException, InterruptedException {
        // Both child JVMs at once: each spends most of its time compiling, on its own core.
        Process scalar = startProbe(false);
        Process vector = startProbe(true);
        checkProbe(scalar, false);
        checkProbe(vector, true);
    }

    private static Process startProbe(boolean simd) throws IOException {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        List<String> command = List.of(java, "--add-modules=jdk.incubator.vector", "-Xss4m",
                "-Xbatch", // a method that reaches a compile threshold is compiled before it runs again
                "-Dssgan.simd=" + simd, "-cp", System.getProperty("java.class.path"), ColdWarmProbe.class.getName());
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static void checkProbe(Process child, boolean simd) throws InterruptedException, IOException {
        String output;
        try {
            // Read until the child closes its output, then collect the exit status.
            output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the probe did not finish:\n" + output);
        } finally {
            child.destroyForcibly();
        }
        String kernels = simd ? "kernels: Vector API" : "kernels: scalar";
        assertTrue(output.contains(kernels), "expected " + kernels + ":\n" + output);
        assertTrue(output.contains("checked " + ColdWarmProbe.cases().size() + " cases"), "the probe did not run every case:\n" + output);
        assertEquals(0, child.exitValue(), "results changed between the cold and the warm JIT state (" + kernels + "):\n" + output);
    }
}
