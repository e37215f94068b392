package ssgan.nn.layers;

import ssgan.engine.ops.Activations;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.Module;

/** The hyperbolic tangent (a generator's output layer: images in [-1, 1]). */
public final class Tanh extends Module {
    @Override
    public Tensor forward(Tensor input) {
        return Activations.tanh(input);
    }
}
