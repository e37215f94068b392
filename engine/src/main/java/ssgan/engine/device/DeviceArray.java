package ssgan.engine.device;

/**
 * A tensor's values in a device's memory: {@link #length()} floats, contiguous and row-major like a CPU
 * tensor's array. Only its device's kernels touch it; the host sees it through the two copies.
 */
public interface DeviceArray {
    Device device();

    int length();

    /** Copies {@code length()} floats from {@code src} into this array. */
    void copyFromHost(float[] src);

    /** Copies this array's {@code length()} floats into {@code dst}. */
    void copyToHost(float[] dst);

    /** Gives the memory back to the device; the array must not be used afterwards. */
    void release();
}
