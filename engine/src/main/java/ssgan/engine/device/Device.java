package ssgan.engine.device;

/**
 * Where a tensor's values live: the heap ({@link #CPU}, a {@code float[]} per tensor), or the memory of an
 * accelerator, whose backend (the engine-cuda module) implements this interface. The engine never copies
 * between devices on its own: every op checks that its inputs share one device ({@link Devices#of}) and
 * hands device tensors to that device's {@link #ops()}; values cross only at {@code Tensor.to},
 * {@code Tensor.moveTo} and {@code Tensor.item}.
 */
public interface Device {
    /** The heap: the engine's own kernels, on {@code float[]}. */
    Device CPU = new CpuDevice();

    /** A short name for messages and logs: {@code cpu}, {@code cuda:0}. */
    String name();

    default boolean isCpu() {
        return this == CPU;
    }

    /** An array of {@code length} floats on this device, its values undefined until written. */
    DeviceArray allocate(int length);

    /** Sets every element of {@code array} to {@code value}. */
    void fill(DeviceArray array, float value);

    /** {@code target += source}, element by element (gradient accumulation); equal lengths. */
    void addInto(DeviceArray target, DeviceArray source);

    /** The ops this device implements. */
    DeviceOps ops();

    /**
     * Runs {@code work} (a training step, say) as one batch: the device may hold its launches back and
     * submit them together when it ends (engine-cuda: as one CUDA graph), with the same results as
     * submitting each as it comes. On the cpu it just runs it.
     */
    default void batch(Runnable work) {
        work.run();
    }
}
