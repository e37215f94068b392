package ssgan.engine.autograd;

import ssgan.engine.tensor.Tensor;

/** How a tensor was made: the op's name (for error messages), its inputs and its backward rule. */
public record Node(String op, Tensor[] inputs, Backward backward) {}
