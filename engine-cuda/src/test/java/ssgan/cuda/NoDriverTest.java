package ssgan.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import ssgan.engine.device.DeviceUnavailableException;
import ssgan.engine.device.Devices;

/** Without an NVIDIA driver, asking for the GPU gives one line that says what is missing and what to do. */
class NoDriverTest {
    private static final String NO_DRIVER = "no NVIDIA driver: libcuda.so.1 could not be loaded (cannot open shared object file: "
            + "No such file or directory); install the NVIDIA driver, or compute on the cpu";

    @Test
    void openingTheGpuWithoutADriverFailsWithOneLine() {
        Path libcuda = findLibcuda();
        assumeTrue(libcuda == null, "an NVIDIA driver is installed here (" + libcuda + ")");
        assertEquals(NO_DRIVER, assertThrows(DeviceUnavailableException.class, Cuda::open).getMessage());
        // JCuda's classes cannot initialise a second time; the same line comes back all the same.
        assertEquals(NO_DRIVER, assertThrows(DeviceUnavailableException.class, Cuda::open).getMessage());
        assertEquals(NO_DRIVER, assertThrows(DeviceUnavailableException.class, () -> Devices.open("cuda")).getMessage(),
                "the engine finds the backend by its kind");
    }

    @Test
    void theLineNamesLibcudaOutOfJCudasManyLines() {
        // The shape of JCuda's error when libcuda.so.1 is missing: a line per attempt, each with a stack trace.
        UnsatisfiedLinkError jcuda = new UnsatisfiedLinkError("""
                Error while loading native library "JCudaDriver-12.6.0-linux-x86_64"
                Operating system name: Linux
                ---(start of nested stack traces)---
                java.lang.UnsatisfiedLinkError: no JCudaDriver-12.6.0-linux-x86_64 in java.library.path: /usr/lib
                \tat java.base/java.lang.ClassLoader.loadLibrary(ClassLoader.java:2434)
                java.lang.UnsatisfiedLinkError: /tmp/libJCudaDriver-12.6.0-linux-x86_64.so: libcuda.so.1: cannot open shared object file: No such file or directory
                \tat java.base/jdk.internal.loader.NativeLibraries.load(Native Method)
                ---(end of nested stack traces)---
                """);
        assertEquals(NO_DRIVER, JCudaApi.noDriver(jcuda).getMessage());
        assertEquals(NO_DRIVER, JCudaApi.noDriver(new NoClassDefFoundError("Could not initialize class jcuda.driver.JCudaDriver")
                .initCause(jcuda)).getMessage(), "found in a cause too");
        assertEquals("JCuda's driver library could not be loaded (something else); check that the NVIDIA driver is installed, "
                + "or compute on the cpu", JCudaApi.noDriver(new UnsatisfiedLinkError("something else\nmore")).getMessage());
    }

    /** libcuda.so.1 where the dynamic linker would look for it, or null. */
    private static Path findLibcuda() {
        List<String> dirs = new ArrayList<>(List.of("/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/lib64",
                "/usr/lib", "/usr/local/nvidia/lib64", "/usr/lib/wsl/lib"));
        dirs.addAll(List.of(System.getenv().getOrDefault("LD_LIBRARY_PATH", "").split(File.pathSeparator)));
        dirs.addAll(List.of(System.getProperty("java.library.path", "").split(File.pathSeparator)));
        for (String dir : dirs) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, "libcuda.so.1");
            if (Files.exists(p)) return p;
        }
        return null;
    }
}
