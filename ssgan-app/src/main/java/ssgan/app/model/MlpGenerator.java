package ssgan.app.model;

import static ssgan.engine.ops.Activations.softplus;
import static ssgan.engine.ops.Activations.tanh;
import static ssgan.engine.ops.Arithmetic.mulScalar;

import java.util.Arrays;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.init.Init;
import ssgan.nn.layers.BatchNorm1d;
import ssgan.nn.layers.Linear;
import ssgan.nn.layers.WeightNormLinear;

/**
 * The paper's MNIST generator: z ~ U(0,1)^100 → 500 → 500 (each linear, batch norm, softplus) →
 * weight-normalised linear to 784 pixels. The paper's output is sigmoid(a) on [0,1] data; ours is
 * tanh(a/2) = 2·sigmoid(a) − 1, the same function on our [-1,1] scale. Plain tanh(a) would be sigmoid(2a),
 * twice as steep, and measurably worse. As in the paper's code the weights are Glorot-uniform, the batch
 * norms shift but do not scale (γ stays 1), and the output layer is not initialised from data: its scales
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
        bn1 = registerModule("bn1", shiftOnly(new BatchNorm1d(500)));
        fc2 = registerModule("fc2", new Linear(500, 500, false, rng.split()));
        bn2 = registerModule("bn2", shiftOnly(new BatchNorm1d(500)));
        out = registerModule("out", new WeightNormLinear(500, 28 * 28, rng.split()));
        Init.xavierUniform(fc1.weight(), 1, rng.split());
        Init.xavierUniform(fc2.weight(), 1, rng.split());
        Rng outRng = rng.split();
        out.initDirection(v -> Init.xavierUniform(v, 1, outRng));
        Arrays.fill(out.weightG().data(), 1f);
    }

    private static BatchNorm1d shiftOnly(BatchNorm1d bn) {
        bn.weight().requiresGrad(false);
        return bn;
    }

    @Override
    public Tensor noise(int n, Rng rng) {
        return Tensor.rand(rng, n, NOISE);
    }

    @Override
    public Tensor forward(Tensor z) {
        Tensor h = softplus(bn1.forward(fc1.forward(z)));
        h = softplus(bn2.forward(fc2.forward(h)));
        return tanh(mulScalar(out.forward(h), 0.5f)).reshape(z.size(0), 1, 28, 28);
    }
}
