package ssgan.app.train;

import ssgan.engine.device.Device;
import ssgan.engine.ops.Shapes;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.data.Dataset;

/**
 * A dataset's images copied to a device once, for the whole run: each batch is then gathered there from
 * its examples' indices (one small copy of the indices and one kernel) instead of being copied from the
 * host every iteration. For MNIST's 60,000 training images that is 188 MB of device memory.
 */
final class DeviceImages {
    private final Tensor images;   // [N, 1, H, W] on the device

    DeviceImages(Dataset data, Device device) {
        images = data.imagesTensor().to(device);
    }

    /** The images of the examples at {@code indices}, on the device, freed with the open {@code Storage.scope()}. */
    Tensor batch(int[] indices) {
        return Shapes.indexSelect(images, indices);
    }
}
