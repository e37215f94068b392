package ssgan.nn.layers;

import ssgan.engine.tensor.Tensor;
import ssgan.nn.Module;

/**
 * Gives every example of the batch a new shape, keeping dimension 0: {@code new Reshape(256, 4, 4)}
 * turns {@code [N, 4096]} into {@code [N, 256, 4, 4]} (a generator's dense-to-conv step). One entry may
 * be -1. The data is shared, not copied.
 */
public final class Reshape extends Module {
    private final int[] exampleShape;

    public Reshape(int... exampleShape) {
        this.exampleShape = exampleShape.clone();
    }

    @Override
    public Tensor forward(Tensor input) {
        if (input.dim() < 1) throw new IllegalArgumentException("Reshape: input must have a batch dimension, got a scalar");
        int[] shape = new int[exampleShape.length + 1];
        shape[0] = input.size(0);
        System.arraycopy(exampleShape, 0, shape, 1, exampleShape.length);
        return input.reshape(shape);
    }

    @Override
    protected String extraRepr() {
        return java.util.Arrays.toString(exampleShape);
    }
}
