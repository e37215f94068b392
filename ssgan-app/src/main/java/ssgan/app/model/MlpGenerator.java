package ssgan.app.model;

import static ssgan.engine.ops.Activations.softplus;
import static ssgan.engine.ops.Activations.tanh;

import java.util.Arrays;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.layers.BatchNorm1d;
import ssgan.nn.layers.Linear;
import ssgan.nn.layers.WeightNormLinear;

/**
 * The paper's MNIST generator: z ~ U(0,1)^100 → 500 → 500 (each linear, batch norm, softplus) →
 * weight-normalised linear to 784 pixels, tanh (the paper used a sigmoid on [0,1] data; our data is
 * scaled to [-1,1]). As in the paper's code the output layer is not initialised from data: its scales
 * start at 1, so each pixel's weight vector has unit length.
 */
public final class MlpGenerator extends Generator {
    static final int NOISE = 100;

    private final Linear fc1;
    private final BatchNorm1d bn1;
    private final Linear fc2;
    private final BatchNorm1d bn2;
    private final WeightNormLinear out;

    public MlpGenerator(Rng rng) {
        fc1 = registerModule("fc1", new Linear(NOISE, 500, false, rng.split()));
        bn1 = registerModule("bn1", new BatchNorm1d(500));
        fc2 = registerModule("fc2", new Linear(500, 500, false, rng.split()));
        bn2 = registerModule("bn2", new BatchNorm1d(500));
        out = registerModule("out", new WeightNormLinear(500, 28 * 28, rng.split()));
        Arrays.fill(out.weightG().data(), 1f);
    }

    @Override
    public Tensor noise(int n, Rng rng) {
        return Tensor.rand(rng, n, NOISE);
    }

    @Override
    public Tensor forward(Tensor z) {
        Tensor h = softplus(bn1.forward(fc1.forward(z)));
        h = softplus(bn2.forward(fc2.forward(h)));
        return tanh(out.forward(h)).reshape(z.size(0), 1, 28, 28);
    }
}
