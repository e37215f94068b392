package ssgan.examples.figures;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Figure 4, {@code layers-vs-pytorch.png}: for each convolution layer of the SSGAN and each pass, the
 * share of this machine's fp32 peak that the engine reaches, and the share PyTorch reaches on the same
 * layer. The numbers are parsed from the layer table committed in {@code docs/benchmarks.md} (columns
 * "now", "% of peak" and "PyTorch"). PyTorch's share is not in the table; since both do the same
 * flops, it is ours × (our time / PyTorch's time).
 */
final class PeakShareFigure {
    static final String FILE = "layers-vs-pytorch.png";
    /** The share of peak that docs/benchmarks.md sets as the target for the layers ("≥ 60 % of peak"). */
    static final double TARGET = 60;

    private PeakShareFigure() {}

    /** One row of the table: a layer ("d1", "g3", ...), a pass, our time, our % of peak, PyTorch's time. */
    record LayerRow(String layer, String pass, double oursMs, double oursPercent, double pytorchMs) {
        double pytorchPercent() {
            return oursPercent * oursMs / pytorchMs;
        }
    }

    /** The rows, and the peak the percentages refer to (GFLOP/s; NaN when the text does not say). */
    record Data(List<LayerRow> rows, double peakGflops) {}

    /**
     * Reads the first table of {@code benchmarksMd} whose header has the columns layer, pass, now,
     * "% of peak" and PyTorch. A row with an empty layer cell continues the layer above (the Markdown
     * puts the backward pass on its own row). Fails, naming the file, when no such table is there.
     */
    static Data parse(Path benchmarksMd) throws IOException {
        List<String> lines = Files.readAllLines(benchmarksMd);
        for (int i = 0; i < lines.size(); i++) {
            List<String> header = cells(lines.get(i));
            int layer = header.indexOf("layer"), pass = header.indexOf("pass"), now = header.indexOf("now");
            int percent = header.indexOf("% of peak"), pytorch = header.indexOf("PyTorch");
            if (layer < 0 || pass < 0 || now < 0 || percent < 0 || pytorch < 0) continue;
            List<LayerRow> rows = new ArrayList<>();
            String current = null;
            for (int j = i + 2; j < lines.size() && lines.get(j).startsWith("|"); j++) {  // i + 1 is the |---| line
                List<String> row = cells(lines.get(j));
                if (!row.get(layer).isEmpty()) current = row.get(layer).split(" ")[0];
                rows.add(new LayerRow(current, row.get(pass), millis(row.get(now)), number(row.get(percent)), millis(row.get(pytorch))));
            }
            // The sentence above the table names the peak: "Peak: median 355 GFLOP/s".
            double peak = Double.NaN;
            for (int j = Math.max(0, i - 12); j < i; j++) {
                Matcher m = Pattern.compile("Peak: median (\\d+) GFLOP/s").matcher(lines.get(j) + " " + (j + 1 < i ? lines.get(j + 1) : ""));
                if (m.find()) peak = Double.parseDouble(m.group(1));
            }
            return new Data(rows, peak);
        }
        throw new IllegalStateException(benchmarksMd + " has no table with the columns layer, pass, now, % of peak and PyTorch:"
                + " the figure " + FILE + " draws from that table");
    }

    private static List<String> cells(String line) {
        if (!line.startsWith("|")) return List.of();
        String[] parts = line.substring(1, line.lastIndexOf('|')).split("\\|", -1);
        return Arrays.stream(parts).map(String::trim).toList();
    }

    /** "0.93 ms", "95.0 µs" → milliseconds. */
    private static double millis(String cell) {
        double v = number(cell);
        return cell.endsWith("µs") ? v / 1000 : v;
    }

    /** The first number in a cell: "19 %" → 19, "1.35" → 1.35. */
    private static double number(String cell) {
        Matcher m = Pattern.compile("[0-9]+(\\.[0-9]+)?").matcher(cell);
        if (!m.find()) throw new IllegalStateException("no number in the table cell '" + cell + "'");
        return Double.parseDouble(m.group());
    }

    static void draw(Data d, Path file) throws IOException {
        List<String> labels = new ArrayList<>();
        List<Double> ours = new ArrayList<>(), pytorch = new ArrayList<>();
        for (LayerRow r : d.rows()) {
            labels.add(r.layer() + " " + (r.pass().startsWith("f") ? "fwd" : "bwd"));
            ours.add(r.oursPercent());
            pytorch.add(Math.round(r.pytorchPercent() * 10) / 10.0);
        }
        int width = 1300, chartHeight = 600;
        String peak = Double.isNaN(d.peakGflops()) ? "" : String.format(" (%.0f GFLOP/s, median)", d.peakGflops());
        CategoryChart chart = new CategoryChartBuilder().width(width).height(chartHeight)
                .title("SSGAN convolution layers, batch 100, 2 threads: share of this machine's 2-thread fp32 peak" + peak)
                .xAxisTitle("layer and pass (d: discriminator convolutions, g: generator transposed convolutions)")
                .yAxisTitle("% of peak").build();
        var st = chart.getStyler();
        st.setSeriesColors(new Color[] {Canvas.PALETTE[0], Canvas.PALETTE[1]});
        st.setLegendPosition(Styler.LegendPosition.InsideNW);
        st.setChartBackgroundColor(Color.WHITE);
        st.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 17));
        st.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        st.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        st.setAnnotationLineColor(Canvas.PALETTE[3]);
        st.setAnnotationLineStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(100.0);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        chart.addSeries("ours (pure Java, Vector API)", labels, ours);
        chart.addSeries("PyTorch 1.13 (oneDNN; OpenBLAS for the transposed ones)", labels, pytorch);
        chart.addAnnotation(new AnnotationLine(TARGET, false, false));

        Canvas c = new Canvas(width, chartHeight + 62);
        chart.paint(c.g, width, chartHeight);
        c.font(13, false).color(Canvas.INK).paragraph("Dashed: the 60 % target of docs/benchmarks.md. Ours: the \"now\" build's "
                + "\"% of peak\" column; PyTorch: the same share times our time over PyTorch's (the same flops), medians of "
                + "three runs in the same hour. Parsed from the layer table of docs/benchmarks.md (" + d.rows().size()
                + " rows), which gives the date, builds and conditions.", 20, chartHeight + 20, width - 40);
        c.save(file);
    }
}
