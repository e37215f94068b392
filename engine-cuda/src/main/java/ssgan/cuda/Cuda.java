package ssgan.cuda;

import java.util.HashMap;
import java.util.Map;
import ssgan.engine.device.DeviceUnavailableException;

/**
 * The entry point: {@code Cuda.open()} is GPU 0 as an engine device, or one line saying why there is
 * none (no NVIDIA driver, no GPU, a GPU or driver too old). Opening loads the driver, makes the device's
 * primary context current and loads every kernel, so what can go wrong goes wrong here and not mid-run.
 * A device is opened once: every call returns the same {@link CudaDevice} (ops compare devices by
 * identity), and a failure is remembered and reported again the same way.
 */
public final class Cuda {
    private static final Map<Integer, CudaDevice> opened = new HashMap<>();
    private static final Map<Integer, DeviceUnavailableException> failed = new HashMap<>();

    private Cuda() {}

    /** GPU 0. */
    public static CudaDevice open() throws DeviceUnavailableException {
        return open(0);
    }

    /** GPU {@code ordinal} (as numbered by the driver and nvidia-smi). */
    public static synchronized CudaDevice open(int ordinal) throws DeviceUnavailableException {
        CudaDevice device = opened.get(ordinal);
        if (device != null) return device;
        DeviceUnavailableException failure = failed.get(ordinal);
        if (failure != null) throw failure;
        try {
            device = CudaDevice.open(JCudaApi.open(ordinal), ordinal);
        } catch (DeviceUnavailableException e) {
            failed.put(ordinal, e);
            throw e;
        }
        opened.put(ordinal, device);
        return device;
    }
}
