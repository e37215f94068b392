package ssgan.engine.kernels;

import java.util.function.Supplier;

/**
 * Chooses, once at start-up, between the Vector API kernels and their plain scalar twins.
 *
 * <p>The Vector API lives in the incubator module {@code jdk.incubator.vector}, which the JVM only loads
 * when asked ({@code --add-modules jdk.incubator.vector}). Without it the engine says so once and runs
 * the scalar kernels: slower, never wrong. {@code -Dssgan.simd=false} forces the scalar path.
 */
public final class Simd {
    /** True when the Vector API kernels are in use. */
    public static final boolean ENABLED = detect();

    private Simd() {}

    private static boolean detect() {
        if (!Boolean.parseBoolean(System.getProperty("ssgan.simd", "true"))) return false;
        boolean present = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        if (!present) {
            System.err.println("ssgan: the Vector API (jdk.incubator.vector) is not available; using scalar kernels. "
                    + "Run java with --add-modules jdk.incubator.vector for full speed.");
        }
        return present;
    }

    // region choose (copied into docs/book/02-vector-api.md; DocsJavaFenceTest checks the copy)
    /**
     * The Vector API implementation when enabled, else the scalar one. Pass lambdas
     * ({@code () -> new VectorX()}), not constructor references: a {@code VectorX::new} reference may
     * load the class, and with it the missing module, even when the scalar one is chosen.
     */
    public static <T> T choose(Supplier<? extends T> vector, Supplier<? extends T> scalar) {
        return ENABLED ? vector.get() : scalar.get();
    }
    // endregion

    /** A short description for logs: which kernels run and at what width. */
    public static String describe() {
        return ENABLED ? "Vector API, " + VectorWidth.bits() + "-bit" : "scalar";
    }
}
