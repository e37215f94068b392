package ssgan.nn.layers;

import ssgan.engine.ops.Activations;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.Module;

/** 1 / (1 + e^-x). */
public final class Sigmoid extends Module {
    @Override
    public Tensor forward(Tensor input) {
        return Activations.sigmoid(input);
    }
}
