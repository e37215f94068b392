package ssgan.app.train;

import ssgan.engine.device.Device;
import ssgan.engine.device.DeviceArray;
import ssgan.engine.tensor.Tensor;

/**
 * Host data (image batches, generator noise) copied to the device a model runs on, for one
 * {@code Storage.scope()}: the copy is recorded as a result without inputs, so the scope gives its memory
 * back with the other results'. {@code Tensor.to} makes a copy that nobody frees, which a loop cannot
 * afford on a device.
 */
final class DeviceBatch {
    private DeviceBatch() {}

    /** {@code host} on {@code device}, freed with the open scope; on the cpu, {@code host} itself. */
    static Tensor copy(Tensor host, Device device) {
        if (device.isCpu()) return host;
        DeviceArray copy = device.allocate(host.numel());
        copy.copyFromHost(host.data());
        return Tensor.fromDeviceOp("toDevice", copy, host.shape(), null);
    }
}
