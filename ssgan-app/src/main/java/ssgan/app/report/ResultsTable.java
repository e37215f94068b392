package ssgan.app.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Markdown table of finished runs, one row per run and a mean ± std row, made from their
 * {@code summary.json} files alone: so the published tables are generated, not typed.
 */
public final class ResultsTable {
    private static final int TEST_SIZE = 10_000;

    private ResultsTable() {}

    /** The table for runs given as (folder name, parsed summary) pairs, in that order. */
    public static String markdown(List<Map.Entry<String, Map<String, Object>>> runs) {
        StringBuilder sb = new StringBuilder();
        sb.append("| run | seed | iterations | minutes | validation acc. | test acc. | test errors | minutes to 99 % (validation) "
                + "| minutes to 99 % (test) | selected at | its validation acc. | its test acc. |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        List<double[]> columns = new ArrayList<>();
        for (var run : runs) {
            Map<String, Object> s = run.getValue();
            double[] v = {
                number(s, "iterations"), number(s, "elapsed_seconds") / 60, number(s, "validation_accuracy"),
                number(s, "test_accuracy"), Math.round(TEST_SIZE * (1 - number(s, "test_accuracy"))),
                number(s, "seconds_to_99_validation") / 60, number(s, "seconds_to_99") / 60,
                number(s, "selected_iteration"), number(s, "selected_validation_accuracy"), number(s, "selected_test_accuracy")};
            columns.add(v);
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s |%n", run.getKey(), s.get("seed"), cells(v, null)));
        }
        int n = columns.size();
        if (n > 1) {
            double[] mean = new double[columns.get(0).length];
            double[] std = new double[mean.length];
            for (double[] v : columns) for (int j = 0; j < mean.length; j++) mean[j] += v[j] / n;
            for (double[] v : columns) for (int j = 0; j < mean.length; j++) std[j] += (v[j] - mean[j]) * (v[j] - mean[j]) / (n - 1);
            for (int j = 0; j < std.length; j++) std[j] = Math.sqrt(std[j]);
            sb.append(String.format(Locale.ROOT, "| mean ± std | | %s |%n", cells(mean, std)));
        }
        return sb.toString();
    }

    /** The cells after seed, formatted by column: counts, minutes, accuracies in percent. */
    private static String cells(double[] v, double[] std) {
        String[] kinds = {"count", "minutes", "percent", "percent", "count", "minutes", "minutes", "count", "percent", "percent"};
        List<String> out = new ArrayList<>();
        for (int j = 0; j < v.length; j++) {
            double s = std == null ? Double.NaN : std[j];
            out.add(cell(kinds[j], v[j], s));
        }
        return String.join(" | ", out);
    }

    private static String cell(String kind, double v, double std) {
        if (Double.isNaN(v)) return "–";
        String plusMinus = Double.isNaN(std) ? "" : " ± ";
        return switch (kind) {
            case "percent" -> String.format(Locale.ROOT, "%.2f %%", 100 * v) + (plusMinus.isEmpty() ? "" : String.format(Locale.ROOT, "%s%.2f", plusMinus, 100 * std));
            case "minutes" -> String.format(Locale.ROOT, "%.1f", v) + (plusMinus.isEmpty() ? "" : String.format(Locale.ROOT, "%s%.1f", plusMinus, std));
            default -> String.format(Locale.ROOT, "%.0f", v) + (plusMinus.isEmpty() ? "" : String.format(Locale.ROOT, "%s%.1f", plusMinus, std));
        };
    }

    /** A number of the summary, NaN where it is null or missing (a milestone never reached). */
    private static double number(Map<String, Object> s, String key) {
        return s.get(key) instanceof Number x ? x.doubleValue() : Double.NaN;
    }
}
