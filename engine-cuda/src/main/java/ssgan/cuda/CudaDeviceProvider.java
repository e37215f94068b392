package ssgan.cuda;

import ssgan.engine.device.Device;
import ssgan.engine.device.DeviceProvider;
import ssgan.engine.device.DeviceUnavailableException;

/** Makes {@code cuda} a device the engine can open by name ({@code Devices.open("cuda")}) when this module is on the class path. */
public final class CudaDeviceProvider implements DeviceProvider {
    @Override
    public String kind() {
        return "cuda";
    }

    @Override
    public Device open() throws DeviceUnavailableException {
        return Cuda.open();
    }
}
