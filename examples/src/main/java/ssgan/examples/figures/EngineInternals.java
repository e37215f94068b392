package ssgan.examples.figures;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import ssgan.engine.kernels.ConvGeometry;

/**
 * The few things the figures draw that the engine keeps to itself: {@code VectorGemm}'s block sizes,
 * {@code SubPixelPhases}, and {@code Im2ColMatrix.windowOffsets} (which only the test reads, to check
 * lesson 7's public copy of that table). They are package-private in {@code ssgan.engine.kernels}, so
 * they are read here by reflection: the figures then show the engine's own numbers, and a renamed class
 * or field fails the figures' test instead of leaving a stale picture.
 *
 * <p>This is for figures only. Code that runs the engine should use its public API; the lessons do.
 */
final class EngineInternals {
    private static final String KERNELS = "ssgan.engine.kernels.";

    private EngineInternals() {}

    /** One sub-pixel phase as the engine builds it (see {@code SubPixelPhases.Phase}). */
    record Phase(int[] kernelTaps, int[] pixels, int[] offsets) {}

    /** A {@code static final int} of an engine class, e.g. {@code staticInt("VectorGemm", "KC")}. */
    static int staticInt(String simpleName, String field) {
        try {
            Field f = Class.forName(KERNELS + simpleName).getDeclaredField(field);
            f.setAccessible(true);
            return f.getInt(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw unreachable(simpleName + "." + field, e);
        }
    }

    /** {@code SubPixelPhases.of(g)}: the phases of the adjoint of convolution g, in the engine's order. */
    static List<Phase> subPixelPhases(ConvGeometry g) {
        try {
            Method of = Class.forName(KERNELS + "SubPixelPhases").getDeclaredMethod("of", ConvGeometry.class);
            of.setAccessible(true);
            List<Phase> phases = new ArrayList<>();
            for (Object p : (List<?>) of.invoke(null, g)) {
                phases.add(new Phase(intArray(p, "kernelTaps"), intArray(p, "pixels"), intArray(p, "offsets")));
            }
            return phases;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw unreachable("SubPixelPhases.of(ConvGeometry)", e);
        }
    }

    /** {@code Im2ColMatrix.windowOffsets(g)}: for tap t and output position q, the input pixel read, or −1. */
    static int[] windowOffsets(ConvGeometry g) {
        try {
            Method m = Class.forName(KERNELS + "Im2ColMatrix").getDeclaredMethod("windowOffsets", ConvGeometry.class);
            m.setAccessible(true);
            return (int[]) m.invoke(null, g);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw unreachable("Im2ColMatrix.windowOffsets(ConvGeometry)", e);
        }
    }

    private static int[] intArray(Object record, String accessor) throws ReflectiveOperationException {
        Method m = record.getClass().getDeclaredMethod(accessor);
        m.setAccessible(true);
        return (int[]) m.invoke(record);
    }

    private static IllegalStateException unreachable(String what, Exception e) {
        return new IllegalStateException("cannot read the engine's " + what + " (" + e + "); if it was renamed or"
                + " moved, update examples/src/main/java/ssgan/examples/figures/EngineInternals.java", e);
    }
}
