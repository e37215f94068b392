package ssgan.nn.data;

import java.util.Arrays;
import ssgan.engine.tensor.Rng;

/**
 * The semi-supervised view of a training set: a small labelled subset with the same number of
 * examples per class (say 100 = 10 per digit), chosen reproducibly from a seed, and the images used
 * without labels.
 *
 * <p>The SSGAN feeds every training image to the discriminator as unlabelled ({@link #unlabelled()}),
 * the labelled ones included, as in Salimans et al. (2016); the trainer leaves out the images it holds
 * back for validation, and draws the labelled ones from the rest ({@link #balanced(Dataset, int[], int, long)}). {@link #restIndices()} gives the training
 * set minus the labelled examples, for experiments that keep them apart.
 */
public final class SemiSupervisedSplit {
    private final Dataset train;
    private final int[] labelledIndices;
    private final Dataset labelled;

    private SemiSupervisedSplit(Dataset train, int[] labelledIndices) {
        this.train = train;
        this.labelledIndices = labelledIndices;
        this.labelled = train.subset(train.name() + "-labelled" + labelledIndices.length, labelledIndices);
    }

    /** Chooses {@code n} labelled examples, {@code n / numClasses} per class, from {@code seed}. */
    public static SemiSupervisedSplit balanced(Dataset train, int n, long seed) {
        return new SemiSupervisedSplit(train, balancedIndices(train.labels(), train.numClasses(), n, new Rng(seed)));
    }

    /**
     * The same, choosing only among the examples at {@code pool} (ascending; for example what a
     * {@link HoldOut} left for training). With every index in the pool this is {@link #balanced(Dataset, int, long)}.
     */
    public static SemiSupervisedSplit balanced(Dataset train, int[] pool, int n, long seed) {
        int[] poolLabels = new int[pool.length];
        for (int i = 0; i < pool.length; i++) poolLabels[i] = train.label(pool[i]);
        int[] chosen = balancedIndices(poolLabels, train.numClasses(), n, new Rng(seed));
        for (int i = 0; i < chosen.length; i++) chosen[i] = pool[chosen[i]];
        return new SemiSupervisedSplit(train, chosen);
    }

    /** The largest labelled count {@link #balanced(Dataset, int[], int, long)} can draw from {@code pool}: the classes times the rarest one's examples. */
    public static int largestBalanced(Dataset train, int[] pool) {
        int[] counts = new int[train.numClasses()];
        for (int i : pool) counts[train.label(i)]++;
        return train.numClasses() * Arrays.stream(counts).min().orElse(0);
    }

    /**
     * The indices (ascending) of {@code n} examples, {@code n / numClasses} of each class, drawn
     * without replacement: for each class in turn, a partial Fisher-Yates shuffle of that class's
     * indices picks its share. Same labels, n and RNG state give the same subset.
     */
    public static int[] balancedIndices(int[] labels, int numClasses, int n, Rng rng) {
        if (n <= 0 || n % numClasses != 0) {
            throw new IllegalArgumentException("labelled count must be a positive multiple of " + numClasses + " (the same number per class), got " + n);
        }
        int perClass = n / numClasses;
        int[][] byClass = indicesByClass(labels, numClasses);
        for (int c = 0; c < numClasses; c++) {
            if (byClass[c].length < perClass) {
                throw new IllegalArgumentException("labelled count " + n + " needs " + perClass + " examples of class " + c + " but the dataset has only "
                        + byClass[c].length + "; use at most " + numClasses * minLength(byClass));
            }
        }
        int[] chosen = new int[n];
        int k = 0;
        for (int c = 0; c < numClasses; c++) {
            int[] pool = byClass[c];
            for (int i = 0; i < perClass; i++) {
                int j = i + rng.nextInt(pool.length - i);
                int t = pool[i];
                pool[i] = pool[j];
                pool[j] = t;
                chosen[k++] = pool[i];
            }
        }
        Arrays.sort(chosen);
        return chosen;
    }

    private static int[][] indicesByClass(int[] labels, int numClasses) {
        int[] counts = new int[numClasses];
        for (int l : labels) counts[l]++;
        int[][] byClass = new int[numClasses][];
        for (int c = 0; c < numClasses; c++) byClass[c] = new int[counts[c]];
        int[] fill = new int[numClasses];
        for (int i = 0; i < labels.length; i++) byClass[labels[i]][fill[labels[i]]++] = i;
        return byClass;
    }

    private static int minLength(int[][] arrays) {
        int m = Integer.MAX_VALUE;
        for (int[] a : arrays) m = Math.min(m, a.length);
        return m;
    }

    /** The labelled examples (a copy, in ascending index order). */
    public Dataset labelled() {
        return labelled;
    }

    /** Where the labelled examples sit in the training set, ascending. */
    public int[] labelledIndices() {
        return labelledIndices.clone();
    }

    /** Every training image, to be used without its label (what the SSGAN trains on). */
    public Dataset unlabelled() {
        return train;
    }

    /** Indices of the training examples that are not in the labelled subset, ascending. */
    public int[] restIndices() {
        int[] rest = new int[train.size() - labelledIndices.length];
        int k = 0;
        int next = 0;
        for (int i = 0; i < train.size(); i++) {
            if (next < labelledIndices.length && labelledIndices[next] == i) {
                next++;
            } else {
                rest[k++] = i;
            }
        }
        return rest;
    }
}
