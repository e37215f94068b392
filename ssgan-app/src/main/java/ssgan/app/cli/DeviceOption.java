package ssgan.app.cli;

import picocli.CommandLine.Option;
import ssgan.engine.device.Device;
import ssgan.engine.device.DeviceUnavailableException;
import ssgan.engine.device.Devices;

/**
 * {@code --device}, shared by train, evaluate and sample: where the engine computes. The GPU backend
 * (engine-cuda) is being built op by op; until it runs a whole model, every command computes on the cpu,
 * and asking for cuda says so in one line instead of failing halfway through a run.
 */
public final class DeviceOption {
    enum Choice { CPU, CUDA, AUTO }

    @Option(names = "--device", description = "Where to compute: cpu; cuda (an NVIDIA GPU through the engine-cuda backend, "
            + "which does not yet run whole models); auto = cuda when it can, else cpu (default: ${DEFAULT-VALUE}).",
            defaultValue = "cpu")
    Choice choice;

    /** The device to run on; for auto, prints one line saying which and why. */
    Device resolve() {
        if (choice == Choice.CPU) return Device.CPU;
        String why;
        try {
            Device gpu = Devices.open("cuda");
            why = "cuda device " + gpu.name() + " found, but the cuda backend does not yet run whole models";
        } catch (DeviceUnavailableException e) {
            why = e.getMessage();
        }
        if (choice == Choice.CUDA) throw new UserException("--device cuda: " + why + "; use --device cpu (or auto)");
        System.out.println("device: cpu (cuda: " + why + ")");
        return Device.CPU;
    }
}
