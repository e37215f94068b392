package ssgan.app.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import ssgan.nn.io.AtomicFiles;
import ssgan.nn.io.Json;

/** {@code summary.json}: the run's settings and headline results, rewritten atomically at each evaluation. */
public final class Summary {
    private Summary() {}

    public static void write(Path file, Map<String, Object> summary) throws IOException {
        AtomicFiles.writeString(file, Json.writePretty(summary) + "\n");
    }
}
