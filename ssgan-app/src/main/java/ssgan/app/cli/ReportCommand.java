package ssgan.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import ssgan.app.report.ResultsTable;
import ssgan.nn.io.Json;

/** {@code ssgan report}: the results of finished runs as a Markdown table, from their summary.json files. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Print a Markdown table of finished runs (one row each, then mean ± std) from their summary.json files.")
public final class ReportCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "RUN", description = "Run folders written by train (each holds summary.json).")
    List<Path> runs;

    @Override
    public Integer call() {
        List<Map.Entry<String, Map<String, Object>>> rows = new ArrayList<>();
        for (Path run : runs) {
            Path file = Files.isDirectory(run) ? run.resolve("summary.json") : run;
            try {
                rows.add(new AbstractMap.SimpleEntry<>(run.getFileName().toString(), Json.parseObject(Files.readString(file))));
            } catch (IOException | RuntimeException e) {
                throw new UserException("cannot read " + file + " (" + e.getMessage() + "); give run folders written by train");
            }
        }
        System.out.print(ResultsTable.markdown(rows));
        return 0;
    }
}
