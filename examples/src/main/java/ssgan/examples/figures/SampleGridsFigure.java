package ssgan.examples.figures;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import ssgan.app.report.MetricsCsv;

/**
 * Figure 6, {@code samples-over-training.png}: the generator's 100 samples from one fixed noise batch at a
 * few evaluations of one run, side by side, each captioned with its iteration and the run's test accuracy
 * there. The grids are copies of the run's own {@code samples/iter-*.png} (written by the trainer), kept
 * under {@code docs/figures/data/RUN/samples/}; every grid found there is drawn, in order of iteration.
 */
final class SampleGridsFigure {
    static final String FILE = "samples-over-training.png";
    /** The run whose grids are drawn. */
    static final String RUN = "const-s1";
    private static final Pattern NAME = Pattern.compile("iter-0*(\\d+)\\.png");

    private SampleGridsFigure() {}

    /** One grid: its iteration, its image, the test accuracy logged at that iteration (NaN if none). */
    record Grid(long iteration, BufferedImage image, double testAccuracy) {}

    static List<Grid> read(Path dataDir) throws IOException {
        Path run = dataDir.resolve(RUN), samples = run.resolve("samples");
        List<MetricsCsv.Row> rows = MetricsCsv.read(run.resolve("metrics.csv"));
        List<Grid> grids = new ArrayList<>();
        try (Stream<Path> files = Files.list(samples)) {
            for (Path f : files.sorted().toList()) {
                Matcher m = NAME.matcher(f.getFileName().toString());
                if (!m.matches()) continue;
                long iteration = Long.parseLong(m.group(1));
                BufferedImage image = ImageIO.read(f.toFile());
                if (image == null) throw new IOException(f + " is not an image ImageIO can read");
                double acc = rows.stream().filter(r -> r.iteration() == iteration).mapToDouble(MetricsCsv.Row::testAccuracy).findFirst().orElse(Double.NaN);
                grids.add(new Grid(iteration, image, acc));
            }
        }
        if (grids.isEmpty()) throw new IllegalStateException("no samples/iter-*.png under " + run + ": see docs/figures/README.md");
        grids.sort((a, b) -> Long.compare(a.iteration(), b.iteration()));
        return grids;
    }

    static void draw(List<Grid> grids, Path file) throws IOException {
        int gap = 24, margin = 20, top = 86;
        int width = margin, height = 0;
        for (Grid g : grids) {
            width += g.image().getWidth() + gap;
            height = Math.max(height, g.image().getHeight());
        }
        width += margin - gap;
        Canvas c = new Canvas(width, top + height + 60);
        c.font(18, true).color(Canvas.INK).text("The generator over training: run " + RUN + " of docs/results.md (the default settings, seed 1, 24,000 iterations)", margin, 32);
        c.font(13, false).text("The same 100 noise vectors at each evaluation: the run's own samples/iter-*.png, copied to docs/figures/data/" + RUN + "/samples/.", margin, 56);
        int x = margin;
        for (Grid g : grids) {
            c.g.drawImage(g.image(), x, top, null);
            c.font(14, true).color(Canvas.INK).centred(String.format("iteration %,d", g.iteration()), x + g.image().getWidth() / 2.0, top + height + 18);
            if (!Double.isNaN(g.testAccuracy())) {
                c.font(13, false).centred(String.format("test accuracy %.2f %%", 100 * g.testAccuracy()), x + g.image().getWidth() / 2.0, top + height + 40);
            }
            x += g.image().getWidth() + gap;
        }
        c.save(file);
    }
}
