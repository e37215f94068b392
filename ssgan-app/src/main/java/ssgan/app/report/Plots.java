package ssgan.app.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** {@code accuracy.png} and {@code losses.png}, redrawn from the metrics at each evaluation. */
public final class Plots {
    private Plots() {}

    public static void draw(List<MetricsCsv.Row> rows, Path outDir) throws IOException {
        if (rows.isEmpty()) return;
        double[] it = rows.stream().mapToDouble(MetricsCsv.Row::iteration).toArray();

        XYChart acc = chart("Accuracy", "iteration", "accuracy (%)");
        if (rows.stream().noneMatch(r -> Double.isNaN(r.validationAccuracy()))) {
            series(acc, "validation accuracy", it, rows.stream().mapToDouble(r -> 100 * r.validationAccuracy()).toArray());
        }
        series(acc, "test accuracy", it, rows.stream().mapToDouble(r -> 100 * r.testAccuracy()).toArray());
        save(acc, outDir.resolve("accuracy.png"));

        XYChart losses = chart("Losses", "iteration", "loss");
        series(losses, "supervised", it, rows.stream().mapToDouble(MetricsCsv.Row::lossSupervised).toArray());
        series(losses, "unsupervised", it, rows.stream().mapToDouble(MetricsCsv.Row::lossUnsupervised).toArray());
        series(losses, "generator (feature matching)", it, rows.stream().mapToDouble(MetricsCsv.Row::lossGenerator).toArray());
        save(losses, outDir.resolve("losses.png"));
    }

    private static XYChart chart(String title, String x, String y) {
        XYChart c = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setLegendVisible(true);
        return c;
    }

    private static void series(XYChart chart, String name, double[] x, double[] y) {
        chart.addSeries(name, x, y).setMarker(SeriesMarkers.NONE);
    }

    /** Writes next to the target and renames, so a viewer never sees a half-written image. */
    private static void save(XYChart chart, Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp.png");
        BitmapEncoder.saveBitmap(chart, tmp.toString(), BitmapEncoder.BitmapFormat.PNG);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
