package ssgan.nn.layers;

import ssgan.engine.ops.Stochastic;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.Module;

/**
 * Inverted dropout: in training each element is zeroed with probability p and survivors are scaled by
 * 1/(1 − p); in evaluation the input passes through. The layer draws from its own {@link Rng}.
 */
public final class Dropout extends Module {
    private final float p;
    private final Rng rng;

    public Dropout(float p, Rng rng) {
        LayerChecks.probability("Dropout", "p", p);
        this.p = p;
        this.rng = rng;
    }

    @Override
    public Tensor forward(Tensor input) {
        return Stochastic.dropout(input, p, isTraining(), rng);
    }

    /** The generator, so a checkpoint can save and restore its state. */
    public Rng rng() {
        return rng;
    }

    @Override
    protected String extraRepr() {
        return "p=" + p;
    }
}
