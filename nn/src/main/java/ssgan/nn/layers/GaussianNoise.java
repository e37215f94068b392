package ssgan.nn.layers;

import ssgan.engine.ops.Stochastic;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.Module;

/**
 * Adds N(0, std²) noise in training mode only (the improved-GAN discriminator adds it to its input and
 * hidden layers); evaluation passes the input through unchanged.
 */
public final class GaussianNoise extends Module {
    private final float std;
    private final Rng rng;

    public GaussianNoise(float std, Rng rng) {
        if (!(std >= 0)) throw new IllegalArgumentException("GaussianNoise: std must be >= 0, got " + std);
        this.std = std;
        this.rng = rng;
    }

    @Override
    public Tensor forward(Tensor input) {
        return Stochastic.gaussianNoise(input, std, isTraining(), rng);
    }

    /** The generator, so a checkpoint can save and restore its state. */
    public Rng rng() {
        return rng;
    }

    @Override
    protected String extraRepr() {
        return "std=" + std;
    }
}
