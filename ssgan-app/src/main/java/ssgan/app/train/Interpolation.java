package ssgan.app.train;

import ssgan.engine.device.Device;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;

/**
 * Interpolation consistency (Verma et al., 2019): a classifier's answer for a blend of two images should
 * be the same blend of its answers for each. Image i of a batch of n is blended with image n − 1 − i,
 * {@code w·a + (1 − w)·b}, with its own weight w drawn uniformly from [0, 1]; the target is the same blend
 * of the two images' class probabilities. A blend moves no pixel to another's place, so this works in the
 * permutation-invariant setting too; it asks the classifier to change its answer gradually between
 * unlabelled images, so that its boundaries fall where images are few.
 *
 * <p>Both blends are made on the host (the batch and the 10 classes of its probabilities are small) and
 * copied to the step's device, like the generator's noise, so a seed gives the same blends everywhere.
 * The probabilities themselves are the engine's softmax, taken where the logits are.
 */
final class Interpolation {
    private final Rng rng;

    Interpolation(Rng rng) {
        this.rng = rng;
    }

    /** The draws of the weights; its state goes into checkpoints so that a resumed run draws the same ones. */
    Rng rng() {
        return rng;
    }

    /** One weight per image, uniform in [0, 1]. */
    float[] drawWeights(int n) {
        float[] weights = new float[n];
        for (int i = 0; i < n; i++) weights[i] = rng.nextFloat();
        return weights;
    }

    /** Row i of {@code rows [N, ...]} blended with row N − 1 − i by {@code weights[i]}: a constant, on the host. */
    static Tensor blendRows(Tensor rows, float[] weights) {
        int n = rows.size(0);
        if (weights.length != n) throw new IllegalArgumentException("blend: " + weights.length + " weights for " + n + " rows");
        float[] src = rows.to(Device.CPU).data();
        int width = src.length / n;
        float[] out = new float[src.length];
        for (int i = 0; i < n; i++) {
            float w = weights[i];
            int a = i * width, b = (n - 1 - i) * width;
            for (int j = 0; j < width; j++) out[a + j] = w * src[a + j] + (1 - w) * src[b + j];
        }
        return Tensor.of(out, rows.shape());
    }
}
