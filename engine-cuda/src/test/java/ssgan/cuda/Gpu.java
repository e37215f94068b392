package ssgan.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Named;
import ssgan.engine.device.DeviceUnavailableException;

/**
 * What the device tests share: the devices they run on, and their tolerance. Each runs on the emulator
 * ({@link EmulatedCudaApi}: the Java side against the PTX signatures, everywhere) and on GPU 0, skipped
 * with the reason when there is none.
 */
final class Gpu {
    /** The largest error allowed, relative to the largest expected value: float sums in another order. */
    static final double RELATIVE_ERROR = 1e-4;

    private static boolean skipReported;

    private Gpu() {}

    /** For {@code @MethodSource("ssgan.cuda.Gpu#devices")}. */
    static Stream<Named<Supplier<CudaDevice>>> devices() {
        return Stream.of(Named.of("emulated", EmulatedCudaApi::device), Named.of("gpu", Gpu::device));
    }

    /** GPU 0; without one, the calling test is skipped with the reason. */
    static CudaDevice device() {
        try {
            return Cuda.open();
        } catch (DeviceUnavailableException e) {
            if (!skipReported) System.err.println("engine-cuda: the GPU runs of the device tests are skipped: " + e.getMessage());
            skipReported = true;
            Assumptions.abort("no GPU, so this test is skipped: " + e.getMessage());
            throw new AssertionError(e); // abort throws
        }
    }

    /** Fails unless max |actual − expected| ≤ RELATIVE_ERROR · max |expected| (or 1e-6, for results near zero). */
    static void assertRelativeError(String what, double[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + ": length");
        double scale = 1e-6 / RELATIVE_ERROR;
        for (double e : expected) scale = Math.max(scale, Math.abs(e));
        for (int i = 0; i < expected.length; i++) {
            double error = Math.abs(actual[i] - expected[i]);
            if (!(error <= RELATIVE_ERROR * scale)) {
                fail(String.format("%s: element %d: expected %.7g, got %.7g (error %.3g, %.3g of the largest value)",
                        what, i, expected[i], actual[i], error, error / scale));
            }
        }
    }

    static void assertRelativeError(String what, float[] expected, float[] actual) {
        double[] e = new double[expected.length];
        for (int i = 0; i < e.length; i++) e[i] = expected[i];
        assertRelativeError(what, e, actual);
    }
}
