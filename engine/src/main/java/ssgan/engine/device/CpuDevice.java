package ssgan.engine.device;

/** The heap as a {@link Device}: its tensors hold {@code float[]}, so it needs no device arrays and no device ops. */
final class CpuDevice implements Device {
    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public DeviceArray allocate(int length) {
        throw heapOnly();
    }

    @Override
    public void fill(DeviceArray array, float value) {
        throw heapOnly();
    }

    @Override
    public void addInto(DeviceArray target, DeviceArray source) {
        throw heapOnly();
    }

    @Override
    public DeviceOps ops() {
        throw heapOnly();
    }

    private static UnsupportedOperationException heapOnly() {
        return new UnsupportedOperationException("cpu tensors hold float[] and run the engine's own kernels; device arrays are for other devices");
    }

    @Override
    public String toString() {
        return name();
    }
}
