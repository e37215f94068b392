package ssgan.engine.device;

import java.util.ServiceLoader;
import ssgan.engine.tensor.Tensor;

/** The device an op runs on: the one its inputs share. */
public final class Devices {
    private Devices() {}

    /**
     * The device of every non-null input, or an error naming the op and both devices when they differ: an
     * op never copies behind the user's back.
     */
    public static Device of(String op, Tensor... inputs) {
        Device device = null;
        for (Tensor t : inputs) {
            if (t == null) continue;
            Device d = t.device();
            if (device == null) {
                device = d;
            } else if (d != device) {
                throw new IllegalArgumentException(op + ": inputs on " + device.name() + " and " + d.name()
                        + "; move them to one device first (Tensor.to or Module.moveTo)");
            }
        }
        return device == null ? Device.CPU : device;
    }

    /**
     * The device named {@code kind}: {@code cpu}, or the first device of a backend on the class path
     * ({@link DeviceProvider}), or an error saying why there is none.
     */
    public static Device open(String kind) throws DeviceUnavailableException {
        if (kind.equals("cpu")) return Device.CPU;
        for (DeviceProvider provider : ServiceLoader.load(DeviceProvider.class)) {
            if (provider.kind().equals(kind)) return provider.open();
        }
        throw new DeviceUnavailableException("no " + kind + " backend in this build: its module (engine-" + kind
                + ") is not on the class path; use the cpu");
    }

    /** The ops of the device the inputs share, or null when that is the cpu (and the caller's own kernels run). */
    public static DeviceOps opsFor(String op, Tensor... inputs) {
        Device device = of(op, inputs);
        return device.isCpu() ? null : device.ops();
    }
}
