package ssgan.app.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import ssgan.app.model.Discriminator;
import ssgan.app.model.Generator;
import ssgan.app.model.Models;
import ssgan.engine.device.Device;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.Module;
import ssgan.nn.io.LoadedTensors;
import ssgan.nn.io.SafeTensors;

/**
 * A model checkpoint: one safetensors file with the discriminator under {@code disc.}, the generator
 * under {@code gen.}, and, when parameter averaging is on, the averaged discriminator parameters under
 * {@code disc_ema.}. The metadata names the architecture, so {@code evaluate} and {@code sample} can
 * rebuild the models from the file alone (on the host; move them to run elsewhere). PyTorch reads it
 * with {@code safetensors.torch.load_file}.
 */
public final class Checkpoint {
    public static final String DISC = "disc.";
    public static final String DISC_EMA = "disc_ema.";
    public static final String GEN = "gen.";

    /** The models rebuilt from a file, with the discriminator to evaluate (averaged if the file has it). */
    public record Loaded(Architecture arch, Discriminator disc, Generator gen, Map<String, String> metadata) {}

    private Checkpoint() {}

    public static void save(Path file, Discriminator disc, Generator gen, ParameterAverage average,
                            Map<String, String> metadata) throws IOException {
        // Host copies of whatever lives on a device: the file is the same whichever device wrote it.
        LinkedHashMap<String, Tensor> all = new LinkedHashMap<>();
        disc.stateDict().forEach((k, v) -> all.put(DISC + k, v.to(Device.CPU)));
        if (average != null) average.averages().forEach((k, v) -> all.put(DISC_EMA + k, v.to(Device.CPU)));
        gen.stateDict().forEach((k, v) -> all.put(GEN + k, v.to(Device.CPU)));
        SafeTensors.save(file, all, metadata);
    }

    /** The tensors of {@code all} whose names start with {@code prefix}, with the prefix removed. */
    public static Map<String, Tensor> part(Map<String, Tensor> all, String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        all.forEach((k, v) -> {
            if (k.startsWith(prefix)) out.put(k.substring(prefix.length()), v);
        });
        return out;
    }

    /** Copies {@code prefix}-named tensors into {@code module} (strict: names and shapes must match). */
    public static void restore(Module module, Map<String, Tensor> all, String prefix) {
        module.loadStateDict(part(all, prefix));
    }

    /** Rebuilds the models a checkpoint was written from; the discriminator holds the averaged weights when present. */
    public static Loaded load(Path file) throws IOException {
        LoadedTensors loaded = SafeTensors.load(file);
        Map<String, String> meta = loaded.metadata();
        String archName = meta.get("arch");
        if (archName == null) throw new IOException(file + ": not an ssgan checkpoint (no 'arch' in its metadata)");
        Architecture arch;
        try {
            arch = Architecture.valueOf(archName.toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": unknown architecture '" + archName + "'");
        }
        int featureLayer = Integer.parseInt(meta.getOrDefault("feature_layer", Integer.toString(Models.defaultFeatureLayer(arch))));
        Rng rng = new Rng(0);
        Discriminator disc = Models.discriminator(arch, featureLayer, rng);
        Generator gen = Models.generator(arch, rng);
        restore(disc, loaded.tensors(), DISC);
        Map<String, Tensor> averaged = part(loaded.tensors(), DISC_EMA);
        if (!averaged.isEmpty()) {
            Map<String, Tensor> params = disc.namedParameters();
            averaged.forEach((k, v) -> {
                Tensor p = params.get(k);
                if (p == null || p.numel() != v.numel()) throw new IllegalArgumentException(file + ": averaged tensor '" + k + "' does not match the model");
                System.arraycopy(v.data(), 0, p.data(), 0, p.numel());
            });
        }
        restore(gen, loaded.tensors(), GEN);
        return new Loaded(arch, disc, gen, meta);
    }
}
