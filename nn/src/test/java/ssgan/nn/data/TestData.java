package ssgan.nn.data;

import java.io.IOException;
import java.nio.file.Path;
import ssgan.engine.tensor.Rng;

/** Small synthetic datasets and IDX folders for the data tests. */
final class TestData {
    private TestData() {}

    /**
     * {@code n} 2×2 images whose first pixel is the example's index, so a test can tell which
     * examples a batch holds; labels cycle 0..9 (uneven class sizes when n is not a multiple of 10).
     */
    static Dataset indexed(int n) {
        float[] img = new float[n * 4];
        int[] lab = new int[n];
        for (int i = 0; i < n; i++) {
            img[4 * i] = i;
            img[4 * i + 1] = -i;
            lab[i] = i % 10;
        }
        return new Dataset("indexed" + n, img, lab, 2, 2, 10);
    }

    /** Writes a folder laid out like MNIST with random content: train/test images of 28×28. */
    static void writeFakeMnist(Path folder, int train, int test, boolean gzip, long seed) throws IOException {
        Rng rng = new Rng(seed);
        write(folder, Mnist.File.TRAIN_IMAGES, images(train, rng), gzip);
        write(folder, Mnist.File.TRAIN_LABELS, labels(train, rng), gzip);
        write(folder, Mnist.File.TEST_IMAGES, images(test, rng), gzip);
        write(folder, Mnist.File.TEST_LABELS, labels(test, rng), gzip);
    }

    static void write(Path folder, Mnist.File f, IdxArray a, boolean gzip) throws IOException {
        Idx.write(folder.resolve(f.fileName() + (gzip ? ".gz" : "")), a, gzip);
    }

    static IdxArray images(int n, Rng rng) {
        byte[] px = new byte[n * 28 * 28];
        for (int i = 0; i < px.length; i++) px[i] = (byte) rng.nextInt(256);
        px[0] = 0;
        px[1] = (byte) 255;
        px[2] = 51;
        return new IdxArray(new int[] {n, 28, 28}, px);
    }

    static IdxArray labels(int n, Rng rng) {
        byte[] l = new byte[n];
        for (int i = 0; i < n; i++) l[i] = (byte) rng.nextInt(10);
        return new IdxArray(new int[] {n}, l);
    }
}
