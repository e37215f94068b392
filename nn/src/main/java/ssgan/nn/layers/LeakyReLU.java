package ssgan.nn.layers;

import ssgan.engine.ops.Activations;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.Module;

/** x for x > 0, slope·x otherwise; PyTorch's default slope is 0.01, GAN discriminators use 0.2. */
public final class LeakyReLU extends Module {
    private final float slope;

    public LeakyReLU() {
        this(0.01f);
    }

    public LeakyReLU(float slope) {
        this.slope = slope;
    }

    @Override
    public Tensor forward(Tensor input) {
        return Activations.leakyRelu(input, slope);
    }

    @Override
    protected String extraRepr() {
        return "slope=" + slope;
    }
}
