package ssgan.app.report;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import javax.imageio.ImageIO;

/** Writes a batch of generated 28×28 images, values in [-1, 1], as a grid PNG. */
public final class SampleGrid {
    private static final int SIDE = 28;
    private static final int GAP = 2;

    private SampleGrid() {}

    /** {@code images} holds n×784 values in [-1, 1]; they are laid out {@code cols} per row. */
    public static void write(float[] images, int n, int cols, Path file) throws IOException {
        int rows = (n + cols - 1) / cols;
        int w = cols * (SIDE + GAP) + GAP;
        int h = rows * (SIDE + GAP) + GAP;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int k = 0; k < n; k++) {
            int x0 = GAP + (k % cols) * (SIDE + GAP);
            int y0 = GAP + (k / cols) * (SIDE + GAP);
            for (int y = 0; y < SIDE; y++) {
                for (int x = 0; x < SIDE; x++) {
                    float v = images[k * SIDE * SIDE + y * SIDE + x];
                    int g = Math.round(Math.max(0f, Math.min(1f, (v + 1f) / 2f)) * 255f);
                    img.getRaster().setSample(x0 + x, y0 + y, 0, g);
                }
            }
        }
        // Our own stream: ImageIO, given a file it cannot create, prints a stack trace of its own.
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (var stream = Files.newOutputStream(tmp)) {
            if (!ImageIO.write(img, "png", stream)) throw new IOException("no PNG writer available");
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
