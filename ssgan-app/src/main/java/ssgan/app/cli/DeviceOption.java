package ssgan.app.cli;

import picocli.CommandLine.Option;
import ssgan.app.train.Architecture;
import ssgan.engine.device.Device;
import ssgan.engine.device.DeviceUnavailableException;
import ssgan.engine.device.Devices;

/**
 * {@code --device}, shared by train, evaluate and sample: where the engine computes. The GPU backend
 * (engine-cuda) runs both architectures. Asking for cuda where it cannot run (no driver, no GPU) says why
 * in one line (exit code 2) instead of failing halfway through a run.
 */
public final class DeviceOption {
    enum Choice { CPU, CUDA, AUTO }

    @Option(names = "--device", description = "Where to compute: cpu; cuda (an NVIDIA GPU through the engine-cuda backend); "
            + "auto = cuda when it can, else cpu (default: ${DEFAULT-VALUE}).",
            defaultValue = "cpu")
    Choice choice;

    /** The device to run {@code arch} on; for auto, prints one line saying which and why. */
    Device resolve(Architecture arch) {
        if (choice == Choice.CPU) return Device.CPU;
        String name = arch.name().toLowerCase();
        try {
            Device gpu = Devices.open("cuda");
            if (choice == Choice.AUTO) System.out.println("device: " + gpu.name() + " (a cuda device opened, and " + name + " runs there)");
            return gpu;
        } catch (DeviceUnavailableException e) {
            if (choice == Choice.CUDA) throw new UserException("--device cuda: " + e.getMessage() + "; use --device cpu (or auto)");
            System.out.println("device: cpu (cuda: " + e.getMessage() + ")");
            return Device.CPU;
        }
    }
}
