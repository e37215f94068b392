package ssgan.engine.autograd;

import ssgan.engine.tensor.Tensor;

/**
 * How a tensor was made: the op's name (for error messages), its inputs and its backward rule; for an op
 * that ran on a device, the rule is {@code deviceBackward} instead (and {@code backward} is null).
 */
public record Node(String op, Tensor[] inputs, Backward backward, DeviceBackward deviceBackward) {
    public Node(String op, Tensor[] inputs, Backward backward) {
        this(op, inputs, backward, null);
    }
}
