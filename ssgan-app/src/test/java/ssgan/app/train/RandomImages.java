package ssgan.app.train;

import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;

/** Batches of MNIST's shape with pixels uniform in [-1, 1), for tests of one step. */
final class RandomImages {
    private RandomImages() {}

    static Tensor batch(int n, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[n * 784];
        for (int i = 0; i < x.length; i++) x[i] = 2 * rng.nextFloat() - 1;
        return Tensor.wrap(x, n, 1, 28, 28);
    }
}
