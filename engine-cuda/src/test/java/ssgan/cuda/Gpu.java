package ssgan.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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

    /**
     * A file that {@link #record} appends each check's largest error to, when the system property
     * {@code ssgan.cuda.errorLog} names one (engine-cuda/device-check.sh does, for its summary).
     */
    private static final String ERROR_LOG = System.getProperty("ssgan.cuda.errorLog");

    private static boolean skipReported;
    private static boolean deviceLogged;
    /** The device the running test asked for last: emulated or gpu. */
    private static String current = "";

    private Gpu() {}

    /** For {@code @MethodSource("ssgan.cuda.Gpu#devices")}. */
    static Stream<Named<Supplier<CudaDevice>>> devices() {
        return Stream.of(Named.of("emulated", () -> {
            current = "emulated";
            return EmulatedCudaApi.device();
        }), Named.of("gpu", () -> {
            current = "gpu";
            return device();
        }));
    }

    /** GPU 0; without one, the calling test is skipped with the reason. */
    static CudaDevice device() {
        try {
            CudaDevice gpu = Cuda.open();
            if (!deviceLogged) log("device", gpu.description());
            deviceLogged = true;
            return gpu;
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
        double worst = 0;
        int failed = -1;
        for (int i = 0; i < expected.length; i++) {
            double error = Math.abs(actual[i] - expected[i]);
            worst = Double.isNaN(error) ? Double.NaN : Math.max(worst, error / scale);
            if (failed < 0 && !(error <= RELATIVE_ERROR * scale)) failed = i;
        }
        record(what, worst);
        if (failed >= 0) {
            double error = Math.abs(actual[failed] - expected[failed]);
            fail(String.format("%s: element %d: expected %.7g, got %.7g (error %.3g, %.3g of the largest value)",
                    what, failed, expected[failed], actual[failed], error, error / scale));
        }
    }

    /** Notes a check's largest relative error in the error log, if there is one (see {@link #ERROR_LOG}). */
    static void record(String what, double relativeError) {
        log(what, Double.toString(relativeError));
    }

    /** A line of the error log: the device (emulated or gpu), what, and its value, tab-separated. */
    private static void log(String what, String value) {
        if (ERROR_LOG == null) return;
        try {
            Files.writeString(Path.of(ERROR_LOG), current + "\t" + what + "\t" + value + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void assertRelativeError(String what, float[] expected, float[] actual) {
        double[] e = new double[expected.length];
        for (int i = 0; i < e.length; i++) e[i] = expected[i];
        assertRelativeError(what, e, actual);
    }
}
