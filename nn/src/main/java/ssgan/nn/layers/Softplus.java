package ssgan.nn.layers;

import ssgan.engine.ops.Activations;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.Module;

/** log(1 + e^x), computed stably (its derivative is the sigmoid). */
public final class Softplus extends Module {
    @Override
    public Tensor forward(Tensor input) {
        return Activations.softplus(input);
    }
}
