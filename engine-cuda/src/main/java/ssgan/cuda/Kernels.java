package ssgan.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import ssgan.engine.device.DeviceUnavailableException;

/**
 * The committed PTX modules, loaded on a device, and each {@link Kernel}'s function in them. The driver
 * compiles PTX for the GPU it runs on; a driver older than the nvcc that wrote the PTX refuses it, which
 * {@link #load} reports as one line.
 */
final class Kernels {
    /** Where the PTX files are on the class path (see scripts/regenerate-ptx.sh). */
    static final String RESOURCE_FOLDER = "/ssgan/cuda/";

    private final CudaApi api;
    private final EnumMap<Kernel, CudaApi.Function> functions;

    private Kernels(CudaApi api, EnumMap<Kernel, CudaApi.Function> functions) {
        this.api = api;
        this.functions = functions;
    }

    /** Loads every module {@link Kernel} names and looks up every kernel. */
    static Kernels load(CudaApi api) throws DeviceUnavailableException {
        Map<String, CudaApi.Module> modules = new HashMap<>();
        EnumMap<Kernel, CudaApi.Function> functions = new EnumMap<>(Kernel.class);
        for (Kernel k : Kernel.values()) {
            CudaApi.Module module = modules.get(k.module);
            if (module == null) {
                String ptx = ptx(k.module);
                try {
                    module = api.loadModule(ptx.getBytes(StandardCharsets.US_ASCII));
                } catch (CudaError e) {
                    throw notLoaded(api, k.module, ptx, e);
                }
                modules.put(k.module, module);
            }
            functions.put(k, api.function(module, k.entry));
        }
        return new Kernels(api, functions);
    }

    private static DeviceUnavailableException notLoaded(CudaApi api, String module, String ptx, CudaError e) {
        String release = nvccRelease(ptx);
        if (e.code() != CudaError.UNSUPPORTED_PTX_VERSION) {
            return new DeviceUnavailableException("the GPU driver could not load " + module + ".ptx (" + e.getMessage() + "); compute on the cpu", e);
        }
        return new DeviceUnavailableException("the NVIDIA driver (CUDA " + api.driverVersion() + ") is older than the kernels' PTX, written by nvcc "
                + release + ": update the driver to CUDA " + release + " or newer, or regenerate the PTX with an older nvcc "
                + "(engine-cuda/scripts/regenerate-ptx.sh), or compute on the cpu", e);
    }

    /** The text of ssgan/cuda/MODULE.ptx. */
    static String ptx(String module) {
        String path = RESOURCE_FOLDER + module + ".ptx";
        try (InputStream in = Kernels.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException(path + " is not on the class path; run engine-cuda/scripts/regenerate-ptx.sh");
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(path, e);
        }
    }

    /** The CUDA release of the nvcc that wrote a PTX file, from its header ("Cuda compilation tools, release 13.0"). */
    static String nvccRelease(String ptx) {
        Matcher m = Pattern.compile("Cuda compilation tools, release ([0-9.]+)").matcher(ptx);
        return m.find() ? m.group(1) : "(unknown)";
    }

    /** Launches a kernel on a 1-D grid; see {@link CudaApi#launch} for the arguments. */
    void launch(Kernel kernel, int blocks, int threads, Object... args) {
        api.launch(functions.get(kernel), blocks, 1, threads, 1, args);
    }

    /** Launches a kernel on a 2-D grid of 2-D blocks. */
    void launch2d(Kernel kernel, int blocksX, int blocksY, int threadsX, int threadsY, Object... args) {
        api.launch(functions.get(kernel), blocksX, blocksY, threadsX, threadsY, args);
    }
}
