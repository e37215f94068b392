package ssgan.app.model;

import static ssgan.engine.ops.Arithmetic.addScalar;
import static ssgan.engine.ops.Arithmetic.mulScalar;

import ssgan.engine.ops.Conv2dSpec;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.init.Init;
import ssgan.nn.layers.GaussianNoise;
import ssgan.nn.layers.WeightNormConv2d;
import ssgan.nn.layers.WeightNormLinear;

/**
 * A small convolutional discriminator, the MLP's regularisation on three convolutions:
 * <pre>
 *   1×28×28 → conv 5×5/2 SAME → 32×14×14 → conv 3×3/2 SAME → 64×7×7 → conv 3×3/2 SAME → 128×4×4
 *           → linear → 10 logits
 * </pre>
 * Every layer is weight-normalised with a data-dependent initialisation (the hidden layers' scales then
 * fixed, as in the paper's code); leaky ReLU (0.2) after each convolution; Gaussian noise of std 0.3 on the
 * input (pixels in [0, 1]) and 0.5 after every convolution, in training only. About 4.5 MFLOP per image
 * forward, 1.4 times the MLP discriminator's, and a convolution's prior on images: nearby pixels go
 * together, the same stroke anywhere is the same stroke.
 */
public final class ConvDiscriminator extends Discriminator {
    static final int[] CHANNELS = {32, 64, 128};
    private static final int[] KERNELS = {5, 3, 3};

    private final GaussianNoise inputNoise;
    private final WeightNormConv2d[] convs = new WeightNormConv2d[CHANNELS.length];
    private final GaussianNoise[] noise = new GaussianNoise[CHANNELS.length];
    private final WeightNormLinear output;
    private final int featureLayer;

    /** {@code featureLayer} (1..3) is the convolution whose activations feature matching compares. */
    public ConvDiscriminator(int featureLayer, Rng rng) {
        if (featureLayer < 1 || featureLayer > CHANNELS.length) {
            throw new IllegalArgumentException("cnn discriminator: feature layer must be 1.." + CHANNELS.length + ", got " + featureLayer);
        }
        this.featureLayer = featureLayer;
        inputNoise = registerModule("noise0", new GaussianNoise(0.3f, rng.split()));
        int in = 1;
        for (int i = 0; i < CHANNELS.length; i++) {
            WeightNormConv2d conv = new WeightNormConv2d(in, CHANNELS[i], KERNELS[i], Conv2dSpec.same(2), rng.split());
            Rng directionRng = rng.split();
            conv.initDirection(v -> Init.normal(v, 0f, 0.05f, directionRng));
            conv.weightG().requiresGrad(false);
            convs[i] = registerModule("conv" + (i + 1), conv);
            noise[i] = registerModule("noise" + (i + 1), new GaussianNoise(0.5f, rng.split()));
            in = CHANNELS[i];
        }
        output = registerModule("out", new WeightNormLinear(in * 4 * 4, 10, rng.split()));
        Rng directionRng = rng.split();
        output.initDirection(v -> Init.normal(v, 0f, 0.1f, directionRng));
    }

    @Override
    public boolean usesBatchStatistics() {
        return false;
    }

    @Override
    public Output classify(Tensor images) {
        Tensor h = inputNoise.forward(addScalar(mulScalar(images.reshape(images.size(0), 1, 28, 28), 0.5f), 0.5f));
        Tensor features = null;
        for (int i = 0; i < convs.length; i++) {
            h = convs[i].forwardThenLeakyRelu(h, 0.2f);
            if (i + 1 == featureLayer) features = h.reshape(h.size(0), -1);
            h = noise[i].forward(h);
        }
        return new Output(output.forward(h.reshape(h.size(0), -1)), features);
    }
}
