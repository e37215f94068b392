package ssgan.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ssgan.app.train.SsganStep;

class Lesson11TinySsganTest {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @Test
    void trainsAFewIterationsAndWritesTheSampleGrid(@TempDir Path dir) throws Exception {
        Captured out = new Captured();
        Lesson11TinySsgan.Result r = Lesson11TinySsgan.run(out.out(), dir.resolve("run"), 200, 20, 100, 15, 20, 11);

        assertEquals(15, r.losses().size());
        assertTrue(r.losses().stream().allMatch(SsganStep.Losses::finite), out.text());
        // Chance is 10 %; the classes are easy, so a working loop gets well past it in 15 iterations.
        assertTrue(r.testAccuracy() >= 0.5, "test accuracy " + r.testAccuracy() + "\n" + out.text());

        for (Path png : new Path[] {r.samples(), r.real()}) {
            assertTrue(Files.isRegularFile(png), png.toString());
            assertTrue(png.startsWith(dir), png.toString());
            byte[] bytes = Files.readAllBytes(png);
            assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(bytes, 8), png + " is not a PNG");
            BufferedImage image = ImageIO.read(png.toFile());
            assertNotNull(image, png.toString());
            assertTrue(image.getWidth() >= 10 * 28 && image.getHeight() >= 10 * 28, image.getWidth() + "×" + image.getHeight());
            assertTrue(out.text().contains(png.toAbsolutePath().toString()), out.text());
        }
    }

    @Test
    void theSyntheticClassesDiffer() {
        var data = Lesson11TinySsgan.bars("t", 20, 1);
        assertEquals(20, data.size());
        for (int i = 0; i < 20; i++) assertEquals(i % 10, data.label(i));
        // Class 0 is a horizontal bar near the top: its top rows are brighter than its bottom ones.
        float top = 0, bottom = 0;
        for (int x = 0; x < 28; x++) {
            for (int y = 3; y < 8; y++) top += data.images()[y * 28 + x];
            for (int y = 20; y < 25; y++) bottom += data.images()[y * 28 + x];
        }
        assertTrue(top > bottom + 28, top + " vs " + bottom);
    }
}
