package ssgan.app.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import ssgan.app.report.SampleGrid;
import ssgan.app.train.Checkpoint;
import ssgan.engine.autograd.GradMode;
import ssgan.engine.device.Device;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;

/** {@code ssgan sample}: a grid of digits drawn by a checkpoint's generator. */
@Command(name = "sample", mixinStandardHelpOptions = true, description = "Draw a grid of generated digits from a checkpoint.")
public final class SampleCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, description = "A .safetensors file written by train.")
    Path checkpoint;

    @Option(names = "--out", description = "PNG file to write (default: ${DEFAULT-VALUE}).", defaultValue = "grid.png")
    Path out;

    @Option(names = "--count", description = "Number of digits, drawn 10 per row (default: ${DEFAULT-VALUE}).", defaultValue = "100")
    int count;

    @Option(names = "--seed", description = "Noise seed (default: ${DEFAULT-VALUE}).", defaultValue = "1")
    long seed;

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() {
        if (count < 1 || count > 10_000) throw new UserException("--count must be in 1..10000, got " + count);
        Checkpoint.Loaded loaded = CheckpointFile.load(checkpoint);   // on the host, whichever device wrote it
        Device onDevice = device.resolve(loaded.arch());
        loaded.gen().moveTo(onDevice).eval();
        Tensor images;
        try (var scope = GradMode.noGrad()) {
            Tensor noise = loaded.gen().noise(count, new Rng(seed)).to(onDevice);   // drawn on the host: the same digits on every device
            images = loaded.gen().forward(noise).to(Device.CPU);
        }
        try {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) java.nio.file.Files.createDirectories(parent);
            SampleGrid.write(images.data(), count, 10, out);
        } catch (IOException e) {
            throw new UserException("cannot write " + out + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + "); choose another --out", e);
        }
        System.out.println("wrote " + count + " samples to " + out);
        return 0;
    }
}
