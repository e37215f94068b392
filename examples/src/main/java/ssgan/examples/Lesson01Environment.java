package ssgan.examples;

import java.io.PrintStream;
import jdk.incubator.vector.FloatVector;
import ssgan.engine.kernels.Simd;
import ssgan.engine.parallel.Parallel;

/**
 * Lesson 1: the machine under the engine.
 *
 * <p>Every later lesson's numbers depend on three facts about the machine and the JVM, so we print them
 * first:
 * <ol>
 *   <li><b>The JDK.</b> The Vector API ({@code jdk.incubator.vector}) is an <i>incubator</i> module: it
 *       ships with the JDK since 16 but the JVM only loads it when asked, with
 *       {@code --add-modules jdk.incubator.vector}. Without the flag the class {@code FloatVector} does not
 *       exist at run time. The engine notices this once ({@link Simd#ENABLED}) and runs its plain scalar
 *       kernels instead: slower, never wrong.</li>
 *   <li><b>The vector width.</b> {@code FloatVector.SPECIES_PREFERRED} is the widest float vector the CPU
 *       handles well: 4 lanes (128-bit, SSE/NEON), 8 lanes (256-bit, AVX2) or 16 lanes (512-bit, AVX-512).
 *       One vector instruction does that many float operations, so this number is the best speed-up a
 *       vectorised loop can hope for over a scalar one. The engine's kernels use this species too
 *       ({@link Simd#describe()} reports its width in bits).</li>
 *   <li><b>The cores.</b> The engine splits big loops over a fixed team of threads, one per available
 *       processor unless {@code -Dssgan.threads=N} (or {@link Parallel#setThreads}) says otherwise.</li>
 * </ol>
 * Peak float throughput is roughly cores × lanes × 2 (a fused multiply-add counts as two flops) × (FMA
 * units per core, usually 2) × clock: read lesson 6's GFLOP/s against that figure.
 *
 * <p>Try it: run once with and once without {@code --add-modules jdk.incubator.vector}, and once with
 * {@code -Dssgan.simd=false} (the engine then ignores the Vector API even when it is there).
 */
public final class Lesson01Environment {
    private Lesson01Environment() {}

    /** What the lesson found; {@code lanes} and {@code vectorBits} are 0 without the Vector API. */
    public record Environment(String javaVersion, boolean vectorApi, int lanes, int vectorBits,
                              boolean engineUsesVectorApi, String engineKernels, int cores, int engineThreads) {}

    public static Environment run(PrintStream out) {
        String javaVersion = System.getProperty("java.version");
        // Asking the module layer does not load any Vector API class, so this line is safe without the flag.
        boolean vectorApi = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        int lanes = vectorApi ? Species.lanes() : 0;
        int bits = vectorApi ? Species.bits() : 0;
        int cores = Runtime.getRuntime().availableProcessors();

        out.println("Lesson 1: the environment");
        out.printf("  JDK                      %s (%s, %s)%n", javaVersion,
                System.getProperty("java.vm.name"), System.getProperty("java.vendor"));
        out.printf("  Vector API module loaded %s%n", vectorApi ? "yes" : "no (run java with --add-modules jdk.incubator.vector)");
        if (vectorApi) {
            out.printf("  preferred float species  %d lanes × 32 bits = %d-bit vectors%n", lanes, bits);
        }
        out.printf("  engine kernels           %s%n", Simd.describe());
        out.printf("  available processors     %d%n", cores);
        out.printf("  engine threads           %d%n", Parallel.threads());
        return new Environment(javaVersion, vectorApi, lanes, bits, Simd.ENABLED, Simd.describe(), cores, Parallel.threads());
    }

    /**
     * The only place that touches {@code FloatVector}. A nested class is loaded on first use, so without
     * the module this code is never loaded and cannot fail; the engine isolates its own width query the
     * same way.
     */
    private static final class Species {
        static int lanes() {
            return FloatVector.SPECIES_PREFERRED.length();
        }

        static int bits() {
            return FloatVector.SPECIES_PREFERRED.vectorBitSize();
        }
    }

    public static void main(String[] args) {
        run(System.out);
    }
}
