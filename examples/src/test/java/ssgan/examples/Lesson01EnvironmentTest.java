package ssgan.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdk.incubator.vector.VectorShape;
import org.junit.jupiter.api.Test;
import ssgan.engine.parallel.Parallel;

class Lesson01EnvironmentTest {
    @Test
    void reportsWhatTheJvmAndTheEngineSee() {
        Captured c = new Captured();
        Lesson01Environment.Environment env = Lesson01Environment.run(c.out());

        assertEquals(Runtime.version().feature(), Integer.parseInt(env.javaVersion().split("[.+-]")[0]));
        // The build runs the tests with --add-modules jdk.incubator.vector (the parent's argLine).
        assertTrue(env.vectorApi(), c.text());
        int bits = VectorShape.preferredShape().vectorBitSize();
        assertEquals(bits / Float.SIZE, env.lanes(), "lanes of the preferred float species");
        assertEquals(bits, env.vectorBits());
        assertTrue(Integer.bitCount(env.lanes()) == 1 && env.lanes() >= 2, "a power of two: " + env.lanes());
        assertTrue(env.engineUsesVectorApi());
        assertTrue(env.engineKernels().contains(bits + "-bit"), env.engineKernels());
        assertEquals(Runtime.getRuntime().availableProcessors(), env.cores());
        assertEquals(Parallel.threads(), env.engineThreads());

        assertTrue(c.text().contains("Vector API module loaded yes"), c.text());
        assertTrue(c.text().contains(env.lanes() + " lanes"), c.text());
    }
}
