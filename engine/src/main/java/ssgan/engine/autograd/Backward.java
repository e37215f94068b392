package ssgan.engine.autograd;

/**
 * The local backward rule of one op, written right beside its forward (see any class in
 * {@code ssgan.engine.ops}). It receives the gradient of the loss with respect to the op's output and
 * adds (never assigns) the gradients it implies into the inputs' gradient buffers, so a tensor used twice
 * gets the sum of both contributions.
 */
@FunctionalInterface
public interface Backward {
    void apply(float[] gradOutput);
}
