package ssgan.examples.figures;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import javax.imageio.ImageIO;

/**
 * A white picture to draw a figure on with Java2D, and the few drawing helpers the figures share: text
 * placed by its left edge or its centre, grids of labelled cells, and saving as PNG.
 */
final class Canvas {
    /** Colours used across the figures, so that "channel 0", "phase 1", ... look alike everywhere. */
    static final Color[] PALETTE = {
        new Color(0x4C72B0), new Color(0xDD8452), new Color(0x55A868), new Color(0xC44E52),
        new Color(0x8172B3), new Color(0x937860), new Color(0xDA8BC3), new Color(0x8C8C8C)};
    static final Color INK = new Color(0x222222);
    static final Color GREY = new Color(0x9A9A9A);
    static final Color LIGHT_GREY = new Color(0xEEEEEE);

    final BufferedImage image;
    final Graphics2D g;

    Canvas(int width, int height) {
        image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        font(14, false);
        g.setColor(INK);
    }

    /** A lighter version of {@code c} (t = 0: c itself, t = 1: white), for filled cells under dark text. */
    static Color tint(Color c, double t) {
        return new Color((int) Math.round(c.getRed() + (255 - c.getRed()) * t),
                (int) Math.round(c.getGreen() + (255 - c.getGreen()) * t),
                (int) Math.round(c.getBlue() + (255 - c.getBlue()) * t));
    }

    Canvas font(int size, boolean bold) {
        g.setFont(new Font(Font.SANS_SERIF, bold ? Font.BOLD : Font.PLAIN, size));
        return this;
    }

    Canvas color(Color c) {
        g.setColor(c);
        return this;
    }

    Canvas stroke(float width) {
        g.setStroke(new BasicStroke(width));
        return this;
    }

    Canvas dashed(float width) {
        g.setStroke(new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 3f}, 0f));
        return this;
    }

    /** Text with its left end at x and its baseline at y. */
    void text(String s, double x, double y) {
        g.drawString(s, (float) x, (float) y);
    }

    /** Text centred on (cx, cy), horizontally and vertically. */
    void centred(String s, double cx, double cy) {
        FontMetrics m = g.getFontMetrics();
        Rectangle2D r = m.getStringBounds(s, g);
        g.drawString(s, (float) (cx - r.getWidth() / 2), (float) (cy - r.getHeight() / 2 + m.getAscent()));
    }

    /** Text whose right end is at x, baseline at y. */
    void right(String s, double x, double y) {
        g.drawString(s, (float) (x - g.getFontMetrics().getStringBounds(s, g).getWidth()), (float) y);
    }

    /**
     * Text wrapped at word boundaries to {@code width} pixels, first baseline at y; returns the baseline
     * after the last line, so that paragraphs can follow one another.
     */
    double paragraph(String s, double x, double y, double width) {
        FontMetrics m = g.getFontMetrics();
        double step = m.getHeight() * 1.15;
        StringBuilder line = new StringBuilder();
        for (String word : s.split(" ")) {
            String tried = line.length() == 0 ? word : line + " " + word;
            if (line.length() > 0 && m.getStringBounds(tried, g).getWidth() > width) {
                text(line.toString(), x, y);
                y += step;
                line.setLength(0);
                line.append(word);
            } else {
                line.setLength(0);
                line.append(tried);
            }
        }
        if (line.length() > 0) {
            text(line.toString(), x, y);
            y += step;
        }
        return y;
    }

    /** A cell: filled with {@code fill} (null: none), outlined in the current colour, its label centred. */
    void cell(double x, double y, double w, double h, Color fill, String label) {
        Color ink = g.getColor();
        if (fill != null) {
            g.setColor(fill);
            g.fill(new Rectangle2D.Double(x, y, w, h));
        }
        g.setColor(ink);
        g.draw(new Rectangle2D.Double(x, y, w, h));
        if (label != null && !label.isEmpty()) centred(label, x + w / 2, y + h / 2);
    }

    void rect(double x, double y, double w, double h) {
        g.draw(new Rectangle2D.Double(x, y, w, h));
    }

    void fill(double x, double y, double w, double h) {
        g.fill(new Rectangle2D.Double(x, y, w, h));
    }

    void line(double x0, double y0, double x1, double y1) {
        g.draw(new java.awt.geom.Line2D.Double(x0, y0, x1, y1));
    }

    /** Runs {@code body} with a thicker outline, then restores the stroke. */
    void thick(float width, Runnable body) {
        Stroke old = g.getStroke();
        g.setStroke(new BasicStroke(width));
        body.run();
        g.setStroke(old);
    }

    /** Writes the PNG next to its target and renames it, so that a reader never sees half a file. */
    static void save(BufferedImage image, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (var out = Files.newOutputStream(tmp)) {
            if (!ImageIO.write(image, "png", out)) throw new IOException("no PNG writer available");
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    void save(Path file) throws IOException {
        g.dispose();
        save(image, file);
    }
}
