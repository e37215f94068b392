package ssgan.cuda;

/**
 * The emulated cuda device ({@link EmulatedCudaApi}, package-private in engine-cuda's test jar) for the
 * app's tests in other packages: the trainer's and the commands' device runs, with no GPU.
 */
public final class EmulatedCuda {
    private EmulatedCuda() {}

    /** A fresh device over a new emulator: its memory is its own. */
    public static CudaDevice device() {
        return EmulatedCudaApi.device();
    }

    /** How many copies so far would have made the host wait for a real GPU: to it from pageable memory, and every read. */
    public static long blockingCopies(CudaDevice device) {
        return ((EmulatedCudaApi) device.driver()).blockingCopies();
    }

    /** How many times kernel {@code name} has run on the device, launched on its own or in a graph. */
    public static long runs(CudaDevice device, String name) {
        return ((EmulatedCudaApi) device.driver()).runs(name);
    }
}
