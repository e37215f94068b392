package ssgan.nn.loss;

import ssgan.engine.ops.Losses;
import ssgan.engine.tensor.Tensor;

/** {@code mean((a − b)²)} over every element, PyTorch's {@code MSELoss()}. */
public final class MeanSquaredError {
    private MeanSquaredError() {}

    public static Tensor of(Tensor prediction, Tensor target) {
        return Losses.mse(prediction, target);
    }
}
