package ssgan.app.model;

import static ssgan.engine.ops.Activations.leakyRelu;
import static ssgan.engine.ops.Arithmetic.addScalar;
import static ssgan.engine.ops.Arithmetic.mulScalar;

import ssgan.engine.ops.Conv2dSpec;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.layers.BatchNorm2d;
import ssgan.nn.layers.Conv2d;
import ssgan.nn.layers.GaussianNoise;
import ssgan.nn.layers.Linear;

/**
 * The convolutional discriminator (layers d1–d4 of the benchmarks):
 * <pre>
 *   1×28×28 → conv 5×5/2 SAME → 64×14×14 → conv 3×3/2 SAME → 128×7×7 → conv 3×3/1 VALID → 256×5×5
 *           → conv 3×3/2 VALID → 256×2×2 → linear → 10 logits
 * </pre>
 * Leaky ReLU (0.2) after every conv, batch norm after all but the first, as in DCGAN. Feature matching
 * uses the flattened output of conv layer {@code featureLayer} (default 4).
 *
 * <p>Optionally noisy, like the paper's MLP discriminator: Gaussian noise of std 0.3 on the input (in
 * pixel units of [0, 1]) and of std 0.5 after every conv block, in training only. The noise regularises
 * the classifier, and gives the consistency term two passes that differ.
 */
public final class DcganDiscriminator extends Discriminator {
    private final Conv2d[] convs = new Conv2d[4];
    private final BatchNorm2d[] norms = new BatchNorm2d[4];
    private final Linear output;
    private final int featureLayer;
    private final GaussianNoise inputNoise;           // null when not noisy
    private final GaussianNoise[] noise = new GaussianNoise[4];

    public DcganDiscriminator(int featureLayer, Rng rng) {
        this(featureLayer, false, rng);
    }

    public DcganDiscriminator(int featureLayer, boolean noisy, Rng rng) {
        if (featureLayer < 1 || featureLayer > 4) {
            throw new IllegalArgumentException("dcgan discriminator: feature layer must be 1..4, got " + featureLayer);
        }
        this.featureLayer = featureLayer;
        convs[0] = registerModule("conv1", new Conv2d(1, 64, 5, Conv2dSpec.same(2), true, rng.split()));
        convs[1] = registerModule("conv2", new Conv2d(64, 128, 3, Conv2dSpec.same(2), false, rng.split()));
        norms[1] = registerModule("bn2", new BatchNorm2d(128));
        convs[2] = registerModule("conv3", new Conv2d(128, 256, 3, Conv2dSpec.valid(1), false, rng.split()));
        norms[2] = registerModule("bn3", new BatchNorm2d(256));
        convs[3] = registerModule("conv4", new Conv2d(256, 256, 3, Conv2dSpec.valid(2), false, rng.split()));
        norms[3] = registerModule("bn4", new BatchNorm2d(256));
        output = registerModule("out", new Linear(256 * 2 * 2, 10, rng.split()));
        // Drawn after the weights, so that a noisy discriminator starts from the same weights as a plain one.
        inputNoise = noisy ? registerModule("noise0", new GaussianNoise(0.3f, rng.split())) : null;
        for (int i = 0; i < noise.length && noisy; i++) noise[i] = registerModule("noise" + (i + 1), new GaussianNoise(0.5f, rng.split()));
    }

    @Override
    public boolean usesBatchStatistics() {
        return true;
    }

    @Override
    public Output classify(Tensor images) {
        Tensor h = images;
        if (inputNoise != null) {   // in [0, 1] units, as the MLP's: images arrive in [-1, 1]
            h = addScalar(mulScalar(inputNoise.forward(addScalar(mulScalar(h, 0.5f), 0.5f)), 2f), -1f);
        }
        Tensor features = null;
        for (int i = 0; i < convs.length; i++) {
            h = convs[i].forward(h);
            h = norms[i] != null ? norms[i].forwardThenLeakyRelu(h, 0.2f) : leakyRelu(h, 0.2f);
            if (i + 1 == featureLayer) features = h.reshape(h.size(0), -1);
            if (noise[i] != null) h = noise[i].forward(h);
        }
        return new Output(output.forward(h.reshape(h.size(0), -1)), features);
    }
}
