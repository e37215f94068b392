package ssgan.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;

/** MNIST loading on small fake folders (the real files are tested in MnistRealDataTest). */
class MnistTest {
    @TempDir
    Path dir;

    @Test
    void loadsAnIdxFolderWithoutChecksumsAndScalesPixels() throws Exception {
        TestData.writeFakeMnist(dir, 30, 12, true, 1);
        Mnist.Splits s = Mnist.load(dir, false);
        assertEquals(30, s.train().size());
        assertEquals(12, s.test().size());
        assertEquals(784, s.train().imageSize());
        float[] px = s.train().images();
        assertEquals(-1f, px[0]);
        assertEquals(1f, px[1]);
        assertEquals(51 / 127.5f - 1f, px[2]);
        for (float v : px) assertTrue(v >= -1f && v <= 1f);
        IdxArray labels = Idx.readLabels(dir.resolve("train-labels-idx1-ubyte.gz"));
        for (int i = 0; i < 30; i++) assertEquals(labels.unsigned(i), s.train().label(i));
        Tensor t = s.test().imagesTensor();
        assertArrayEquals(new int[] {12, 1, 28, 28}, t.shape());
        assertSame(s.test().images(), t.data(), "the tensor shares the dataset's pixels");
    }

    @Test
    void fakeFilesFailTheMnistChecksumWithAHelpfulMessage() throws Exception {
        TestData.writeFakeMnist(dir, 10, 10, false, 2);
        ChecksumMismatchException e = assertThrows(ChecksumMismatchException.class, () -> Mnist.load(dir));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte"), e.getMessage());
        assertTrue(e.getMessage().contains(Mnist.File.TRAIN_IMAGES.sha256()), e.getMessage());
        assertTrue(e.getMessage().contains("Fashion-MNIST"), e.getMessage());
    }

    @Test
    void acceptsTheDottedFileNamesToo() throws Exception {
        Rng rng = new Rng(3);
        Idx.write(dir.resolve("train-images.idx3-ubyte"), TestData.images(5, rng), false);
        Idx.write(dir.resolve("train-labels.idx1-ubyte.gz"), TestData.labels(5, rng), true);
        Idx.write(dir.resolve("t10k-images-idx3-ubyte"), TestData.images(2, rng), false);
        Idx.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), TestData.labels(2, rng), true);
        assertEquals(5, Mnist.load(dir, false).train().size());
    }

    @Test
    void missingFilesAreListedByName() throws Exception {
        TestData.writeFakeMnist(dir, 5, 5, false, 4);
        Files.delete(dir.resolve("t10k-labels-idx1-ubyte"));
        Files.delete(dir.resolve("train-images-idx3-ubyte"));
        assertEquals(List.of(Mnist.File.TRAIN_IMAGES, Mnist.File.TEST_LABELS), Mnist.missingFiles(dir));
        IOException e = assertThrows(IOException.class, () -> Mnist.load(dir, false));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte") && e.getMessage().contains("t10k-labels-idx1-ubyte"), e.getMessage());
        assertTrue(e.getMessage().contains(dir.toAbsolutePath().toString()), e.getMessage());
    }

    @Test
    void imagesAndLabelsMustAgreeInCount() throws Exception {
        TestData.writeFakeMnist(dir, 5, 5, false, 5);
        TestData.write(dir, Mnist.File.TEST_LABELS, TestData.labels(4, new Rng(6)), false);
        IOException e = assertThrows(IOException.class, () -> Mnist.load(dir, false));
        assertTrue(e.getMessage().contains("5 images but 4 labels"), e.getMessage());
    }

    @Test
    void labelsOutsideTheClassesAreRejected() throws Exception {
        TestData.writeFakeMnist(dir, 3, 3, false, 7);
        TestData.write(dir, Mnist.File.TRAIN_LABELS, new IdxArray(new int[] {3}, new byte[] {1, 12, 3}), false);
        IOException e = assertThrows(IOException.class, () -> Mnist.load(dir, false));
        assertTrue(e.getMessage().contains("label 12"), e.getMessage());
    }
}
