package ssgan.examples.figures;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import ssgan.app.report.MetricsCsv;

/**
 * Figure 5, {@code training-curves.png}: validation and test accuracy against iteration for the runs of
 * docs/results.md (2026-12-04), two seeds per setting, read with {@link MetricsCsv#read} from the copies
 * of their {@code metrics.csv} under {@code docs/figures/data/RUN/}.
 */
final class TrainingCurvesFigure {
    static final String FILE = "training-curves.png";
    /** The axis starts here; the first evaluations (87–92 % at iteration 600) lie below it. */
    static final double Y_MIN = 94.0;

    private TrainingCurvesFigure() {}

    /**
     * A setting of docs/results.md: the run folders' prefix ({@code const} for {@code const-s1} and
     * {@code const-s2}), and the label its curves get.
     */
    record Setting(String prefix, String label) {}

    static final List<Setting> SETTINGS = List.of(
            new Setting("const", "constant lr (the default)"),
            new Setting("dec50", "lr decayed to 0 over the second half (--decay 0.5)"),
            new Setting("mt", "mean teacher (--teacher average), lr decayed (--decay 0.5)"),
            new Setting("pi", "permutation-invariant (--permutation-invariant), 21,000 iterations"));
    static final int[] SEEDS = {1, 2};

    /** One run: its setting, its seed, and its rows. */
    record Run(Setting setting, int seed, List<MetricsCsv.Row> rows) {
        String name() {
            return setting.prefix() + "-s" + seed;
        }
    }

    /** The runs whose {@code metrics.csv} is under {@code dataDir}; fails naming the first one missing. */
    static List<Run> read(Path dataDir) throws IOException {
        List<Run> runs = new ArrayList<>();
        for (Setting s : SETTINGS) {
            for (int seed : SEEDS) {
                Path csv = dataDir.resolve(s.prefix() + "-s" + seed).resolve("metrics.csv");
                if (!Files.isRegularFile(csv)) throw new IllegalStateException("missing " + csv + ": see docs/figures/README.md for where it comes from");
                runs.add(new Run(s, seed, MetricsCsv.read(csv)));
            }
        }
        return runs;
    }

    static void draw(List<Run> runs, Path file) throws IOException {
        int panelWidth = 700, panelHeight = 560;
        XYChart validation = chart("Validation accuracy (10,000 held-out training images)", runs, r -> 100 * r.validationAccuracy(), panelWidth, panelHeight);
        XYChart test = chart("Test accuracy (the 10,000 MNIST test images)", runs, r -> 100 * r.testAccuracy(), panelWidth, panelHeight);
        Canvas c = new Canvas(2 * panelWidth, panelHeight + 130);
        validation.paint(c.g, panelWidth, panelHeight);
        c.g.translate(panelWidth, 0);
        test.paint(c.g, panelWidth, panelHeight);
        c.g.translate(-panelWidth, 0);

        // One legend for both panels: a colour per setting, solid for seed 1 and dashed for seed 2.
        double ly = panelHeight + 14;
        for (int i = 0; i < SETTINGS.size(); i++) {
            double lx = 90 + (i % 2) * 640, y = ly + (i / 2) * 22;
            c.color(Canvas.PALETTE[i]).thick(2.5f, () -> c.line(lx, y, lx + 34, y));
            c.font(14, false).color(Canvas.INK).text(SETTINGS.get(i).label(), lx + 44, y + 5);
        }
        c.font(13, false).color(Canvas.INK).paragraph("200 labels, batch 100, one evaluation every 600 iterations. Solid: seed 1, "
                + "dashed: seed 2 (the same 200 labelled images in every setting). The decayed runs follow the constant-rate ones "
                + "exactly up to iteration 12,000. Dotted: 21,000 iterations, the default budget until 2026-12-07. The axes start at " + (int) Y_MIN
                + " %; the first evaluations lie below. Data: docs/figures/data/*/metrics.csv, copied from the runs of "
                + "docs/results.md.", 20, ly + 62, 2 * panelWidth - 40);
        c.save(file);
    }

    private static XYChart chart(String title, List<Run> runs, ToDoubleFunction<MetricsCsv.Row> value, int width, int height) {
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle("iteration").yAxisTitle("accuracy (%)").build();
        var st = chart.getStyler();
        st.setChartBackgroundColor(Color.WHITE);
        st.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        st.setLegendVisible(false);  // one legend for both panels, drawn below them
        st.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        st.setAnnotationLineColor(Canvas.GREY);
        st.setAnnotationLineStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {2f, 3f}, 0f));
        chart.getStyler().setYAxisMin(Y_MIN).setYAxisMax(99.2).setXAxisMin(0.0).setXAxisMax(24000.0);
        chart.getStyler().setYAxisDecimalPattern("0.0");
        for (Run run : runs) {
            double[] x = run.rows().stream().mapToDouble(MetricsCsv.Row::iteration).toArray();
            double[] y = run.rows().stream().mapToDouble(value).toArray();
            Color colour = Canvas.PALETTE[SETTINGS.indexOf(run.setting())];
            XYSeries s = chart.addSeries(run.name(), x, y);
            s.setMarker(SeriesMarkers.NONE).setLineColor(colour);
            s.setLineStyle(run.seed() == SEEDS[0] ? new BasicStroke(2f)
                    : new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {7f, 4f}, 0f));
        }
        chart.addAnnotation(new AnnotationLine(21000, true, false));
        return chart;
    }
}
