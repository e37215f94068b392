package ssgan.cuda;

/**
 * A driver call failed. Kernels run asynchronously, so an error a kernel causes (an illegal address, say)
 * is reported by a later call; run with {@code CUDA_LAUNCH_BLOCKING=1} to have it reported by its launch.
 */
public final class CudaError extends RuntimeException {
    /** CUDA_ERROR_UNSUPPORTED_PTX_VERSION: the PTX is newer than the driver. */
    static final int UNSUPPORTED_PTX_VERSION = 222;

    private final int code;

    CudaError(String call, int code, String codeName) {
        super(call + " failed: " + codeName + " (" + code + ")");
        this.code = code;
    }

    /** The driver's {@code CUresult}. */
    public int code() {
        return code;
    }
}
