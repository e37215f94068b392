package ssgan.nn.layers;

import ssgan.engine.ops.Activations;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.Module;

/** max(x, 0). */
public final class ReLU extends Module {
    @Override
    public Tensor forward(Tensor input) {
        return Activations.relu(input);
    }
}
