package ssgan.app.model;

import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.Module;

/** Maps noise z to images [N, 1, 28, 28] in [-1, 1] (a tanh output, matching the data's scaling). */
public abstract class Generator extends Module {
    /** A batch of the noise this generator was built for. */
    public abstract Tensor noise(int n, Rng rng);
}
