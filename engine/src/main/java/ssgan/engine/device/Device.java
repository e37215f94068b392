package ssgan.engine.device;

import java.util.ArrayList;
import java.util.List;

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

    /**
     * Arrays of these lengths for tensors that live as long as a model (its parameters, their gradients,
     * an optimiser's moments), which a device may lay end to end in one block of memory, a slab, so that
     * an op over all of them (zeroing every gradient, averaging every parameter) is one launch over
     * {@link #whole}. Their values are undefined until written. By default each is allocated alone.
     */
    default List<DeviceArray> allocateTogether(int[] lengths) {
        List<DeviceArray> arrays = new ArrayList<>();
        for (int length : lengths) arrays.add(allocate(length));
        return arrays;
    }

    /**
     * The one array that {@code parts} are, end to end, when they are every array of one
     * {@link #allocateTogether} call, in its order, and none was released; else null (then work on each).
     */
    default DeviceArray whole(List<? extends DeviceArray> parts) {
        return null;
    }

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
