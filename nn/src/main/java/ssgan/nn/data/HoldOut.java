package ssgan.nn.data;

import java.util.Arrays;
import ssgan.engine.tensor.Rng;

/**
 * A training set cut in two: the examples to train on, and a validation set held out of training
 * entirely (neither labelled nor unlabelled), so that its accuracy estimates test accuracy without
 * bias and choices made on it never touch the test set.
 *
 * <p>The held-out examples are a uniform random sample, like the test set. They are drawn from a fixed
 * seed, not the run's: every run sees the same validation set, so runs with different seeds or settings
 * are compared on the same images.
 *
 * @param trainIndices the examples left for training, ascending
 * @param validation   copies of the held-out examples (empty when none are held out)
 */
public record HoldOut(int[] trainIndices, Dataset validation) {
    /** The seed of the validation sample; one for all runs. */
    public static final long SEED = 20_160_610L;

    /** Holds out {@code n} examples of {@code data}, chosen at random from {@link #SEED}; 0 keeps them all for training. */
    public static HoldOut split(Dataset data, int n) {
        if (n < 0 || n >= data.size()) {
            throw new IllegalArgumentException("validation size must be in [0, " + data.size() + "), got " + n);
        }
        int[] order = new int[data.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        // A partial Fisher-Yates shuffle: the first n places end up holding a uniform sample.
        Rng rng = new Rng(SEED);
        for (int i = 0; i < n; i++) {
            int j = i + rng.nextInt(order.length - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] held = Arrays.copyOfRange(order, 0, n);
        int[] kept = Arrays.copyOfRange(order, n, order.length);
        Arrays.sort(held);
        Arrays.sort(kept);
        return new HoldOut(kept, data.subset(data.name() + "-validation" + n, held));
    }

    /** The number of examples left for training. */
    public int trainSize() {
        return trainIndices.length;
    }
}
