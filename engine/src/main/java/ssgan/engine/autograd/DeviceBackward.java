package ssgan.engine.autograd;

import ssgan.engine.device.DeviceArray;

/**
 * {@link Backward} for an op that ran on a device: the same contract (add the input gradients that the
 * output's gradient implies), with the gradient in device memory.
 */
@FunctionalInterface
public interface DeviceBackward {
    void apply(DeviceArray gradOutput);
}
