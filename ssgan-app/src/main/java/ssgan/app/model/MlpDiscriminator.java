package ssgan.app.model;

import static ssgan.engine.ops.Arithmetic.addScalar;
import static ssgan.engine.ops.Arithmetic.mulScalar;

import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.init.Init;
import ssgan.nn.layers.GaussianNoise;
import ssgan.nn.layers.WeightNormLinear;

/**
 * The paper's MNIST discriminator: Gaussian noise (σ 0.3) on the input, then five weight-normalised ReLU
 * layers of 1000, 500, 250, 250 and 250 units, each followed by Gaussian noise (σ 0.5), and a
 * weight-normalised linear layer to the 10 logits. The noise is the regulariser that lets 200 labels
 * suffice; it is off in eval mode.
 *
 * <p>As in the paper's code, the hidden layers' scales g are fixed by the data-dependent initialisation
 * and not trained (only the output layer's is), and the network sees pixels in [0, 1]: images arrive in
 * [-1, 1] (the generator's tanh range) and are mapped back first, so the input noise has the paper's
 * strength relative to the data.
 */
public final class MlpDiscriminator extends Discriminator {
    static final int[] HIDDEN = {1000, 500, 250, 250, 250};

    private final GaussianNoise inputNoise;
    private final WeightNormLinear[] hidden = new WeightNormLinear[HIDDEN.length];
    private final GaussianNoise[] noise = new GaussianNoise[HIDDEN.length];
    private final WeightNormLinear output;
    private final int featureLayer;

    /** {@code featureLayer} (1..5) is the hidden layer whose activations feature matching compares. */
    public MlpDiscriminator(int featureLayer, Rng rng) {
        if (featureLayer < 1 || featureLayer > HIDDEN.length) {
            throw new IllegalArgumentException("mlp discriminator: feature layer must be 1.." + HIDDEN.length + ", got " + featureLayer);
        }
        this.featureLayer = featureLayer;
        inputNoise = registerModule("noise0", new GaussianNoise(0.3f, rng.split()));
        int in = 28 * 28;
        for (int i = 0; i < HIDDEN.length; i++) {
            hidden[i] = registerModule("fc" + (i + 1), weightNormLayer(in, HIDDEN[i], rng));
            hidden[i].weightG().requiresGrad(false);
            noise[i] = registerModule("noise" + (i + 1), new GaussianNoise(0.5f, rng.split()));
            in = HIDDEN[i];
        }
        output = registerModule("out", weightNormLayer(in, 10, rng));
    }

    /**
     * A weight-normalised layer whose direction is drawn from N(0, 0.1²), as in the paper's code. Only
     * the direction's scale matters here (g and bias come from the data-dependent initialisation), and it
     * sets the discriminator's pace: PyTorch's default draw is about five times smaller, so each Adam
     * step would turn the weights five times as far.
     */
    private static WeightNormLinear weightNormLayer(int in, int out, Rng rng) {
        WeightNormLinear layer = new WeightNormLinear(in, out, rng.split());
        Rng directionRng = rng.split();
        layer.initDirection(v -> Init.normal(v, 0f, 0.1f, directionRng));
        return layer;
    }

    @Override
    public boolean usesBatchStatistics() {
        return false;
    }

    @Override
    public Output classify(Tensor images) {
        Tensor pixels = addScalar(mulScalar(images.reshape(images.size(0), 28 * 28), 0.5f), 0.5f);
        Tensor h = inputNoise.forward(pixels);
        Tensor features = null;
        for (int i = 0; i < hidden.length; i++) {
            h = hidden[i].forwardThenLeakyRelu(h, 0f);   // a ReLU, fused into the layer's scale and bias
            if (i + 1 == featureLayer) features = h;
            h = noise[i].forward(h);
        }
        return new Output(output.forward(h), features);
    }
}
