package ssgan.app.report;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code metrics.csv}: one row per evaluation. Each row is flushed at once, so a crash loses nothing
 * already measured; a resumed run appends to the file it finds.
 */
public final class MetricsCsv implements AutoCloseable {
    public static final List<String> COLUMNS = List.of(
            "iteration", "epoch", "elapsed_s", "loss_supervised", "loss_unsupervised", "loss_generator", "test_accuracy",
            "validation_accuracy");

    /** One evaluation's numbers; the columns above, in order. The validation accuracy is NaN without a validation set. */
    public record Row(long iteration, int epoch, double elapsedSeconds, double lossSupervised,
                      double lossUnsupervised, double lossGenerator, double testAccuracy, double validationAccuracy) {}

    private final Path file;
    private BufferedWriter out;

    private MetricsCsv(Path file, BufferedWriter out) {
        this.file = file;
        this.out = out;
    }

    /** Opens {@code file} for appending, writing the header if the file is new. */
    public static MetricsCsv open(Path file, boolean append) throws IOException {
        boolean fresh = !append || !Files.exists(file) || Files.size(file) == 0;
        MetricsCsv csv = new MetricsCsv(file, writer(file, fresh));
        if (fresh) csv.line(String.join(",", COLUMNS));
        return csv;
    }

    private static BufferedWriter writer(Path file, boolean fresh) throws IOException {
        return Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                fresh ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    /** Removes the rows after {@code iteration} (a training that went back there abandons them). */
    public void dropAfter(long iteration) throws IOException {
        out.close();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<String> kept = new ArrayList<>(lines.subList(0, 1));  // the header
        for (String line : lines.subList(1, lines.size())) {
            if (Long.parseLong(line.substring(0, line.indexOf(','))) <= iteration) kept.add(line);
        }
        Files.write(file, kept, StandardCharsets.UTF_8);
        out = writer(file, false);
    }

    public void append(Row r) {
        String validation = Double.isNaN(r.validationAccuracy()) ? "" : String.format(Locale.ROOT, "%.4f", r.validationAccuracy());
        line(String.format(Locale.ROOT, "%d,%d,%.2f,%.6g,%.6g,%.6g,%.4f,%s", r.iteration(), r.epoch(), r.elapsedSeconds(),
                r.lossSupervised(), r.lossUnsupervised(), r.lossGenerator(), r.testAccuracy(), validation));
    }

    private void line(String s) {
        try {
            out.write(s);
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metrics.csv", e);
        }
    }

    /** Reads back the rows of an existing file (for plots after a resume); files without the validation column too. */
    public static List<Row> read(Path file) throws IOException {
        List<Row> rows = new ArrayList<>();
        if (!Files.exists(file)) return rows;
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",", -1);
            if (f.length != COLUMNS.size() && f.length != COLUMNS.size() - 1) continue;
            double validation = f.length < COLUMNS.size() || f[7].isEmpty() ? Double.NaN : Double.parseDouble(f[7]);
            rows.add(new Row(Long.parseLong(f[0]), Integer.parseInt(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                    Double.parseDouble(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[6]), validation));
        }
        return rows;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
