package ssgan.nn.data;

import java.util.Arrays;
import ssgan.engine.tensor.Tensor;

/**
 * Labelled single-channel images held in memory: pixels as floats in [-1, 1], one image after the
 * other ({@code float[N * height * width]}, row-major), and an int label per image.
 *
 * <p>Pixels are scaled {@code x / 127.5 - 1} so that 0 maps to -1 and 255 to 1, the range of a
 * {@code tanh} generator's output: real and generated images then look alike to the discriminator.
 */
public final class Dataset {
    private final String name;
    private final float[] images;
    private final int[] labels;
    private final int height;
    private final int width;
    private final int numClasses;

    public Dataset(String name, float[] images, int[] labels, int height, int width, int numClasses) {
        if (height <= 0 || width <= 0) throw new IllegalArgumentException(name + ": image size must be positive, got " + height + "x" + width);
        if ((long) labels.length * height * width != images.length) {
            throw new IllegalArgumentException(name + ": " + images.length + " pixels are not " + labels.length + " images of " + height + "x" + width);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) throw new IllegalArgumentException(name + ": label " + labels[i] + " of example " + i + " is not in [0, " + numClasses + ")");
        }
        this.name = name;
        this.images = images;
        this.labels = labels;
        this.height = height;
        this.width = width;
        this.numClasses = numClasses;
    }

    /** Builds a dataset from an images IDX array {@code [N, rows, cols]} and a labels one {@code [N]}. */
    public static Dataset fromIdx(String name, IdxArray images, IdxArray labels, int numClasses) {
        if (images.rank() != 3) throw new IllegalArgumentException(name + ": images must be rank 3 [N, rows, cols], got " + Arrays.toString(images.dims()));
        if (labels.rank() != 1) throw new IllegalArgumentException(name + ": labels must be rank 1 [N], got " + Arrays.toString(labels.dims()));
        if (images.count() != labels.count()) {
            throw new IllegalArgumentException(name + ": " + images.count() + " images but " + labels.count() + " labels; the files do not belong together");
        }
        float[] scale = new float[256];
        for (int v = 0; v < 256; v++) scale[v] = v / 127.5f - 1f;
        byte[] px = images.data();
        float[] pixels = new float[px.length];
        for (int i = 0; i < px.length; i++) pixels[i] = scale[px[i] & 0xFF];
        int[] lab = new int[labels.count()];
        for (int i = 0; i < lab.length; i++) lab[i] = labels.unsigned(i);
        int[] dims = images.dims();
        return new Dataset(name, pixels, lab, dims[1], dims[2], numClasses);
    }

    public String name() {
        return name;
    }

    /** Number of examples. */
    public int size() {
        return labels.length;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** Pixels per image (784 for MNIST). */
    public int imageSize() {
        return height * width;
    }

    public int numClasses() {
        return numClasses;
    }

    /** All pixels, image after image; the dataset's own array (do not modify). */
    public float[] images() {
        return images;
    }

    /** All labels; the dataset's own array (do not modify). */
    public int[] labels() {
        return labels;
    }

    public int label(int i) {
        return labels[i];
    }

    /** All images as a {@code [N, 1, H, W]} tensor sharing this dataset's array. */
    public Tensor imagesTensor() {
        return Tensor.wrap(images, size(), 1, height, width);
    }

    /** How many examples each class has. */
    public int[] classCounts() {
        int[] counts = new int[numClasses];
        for (int l : labels) counts[l]++;
        return counts;
    }

    /** A new dataset holding copies of the examples at {@code indices}, in that order. */
    public Dataset subset(String subsetName, int[] indices) {
        int px = imageSize();
        float[] img = new float[indices.length * px];
        int[] lab = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            int i = indices[k];
            if (i < 0 || i >= size()) throw new IllegalArgumentException(name + ": subset index " + i + " is outside [0, " + size() + ")");
            System.arraycopy(images, i * px, img, k * px, px);
            lab[k] = labels[i];
        }
        return new Dataset(subsetName, img, lab, height, width, numClasses);
    }

    @Override
    public String toString() {
        return name + " (" + size() + " images of " + height + "x" + width + ", " + numClasses + " classes)";
    }
}
