package ssgan.app.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultsTableTest {
    private static Map.Entry<String, Map<String, Object>> run(String name, long seed, double test, Double secondsTo99) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("seed", seed);
        s.put("iterations", 24000);
        s.put("elapsed_seconds", 780.0);
        s.put("validation_accuracy", test - 0.002);
        s.put("test_accuracy", test);
        s.put("seconds_to_99_validation", null);
        s.put("seconds_to_99", secondsTo99);
        s.put("selected_iteration", 24000);
        s.put("selected_validation_accuracy", test - 0.002);
        s.put("selected_test_accuracy", test);
        return new AbstractMap.SimpleEntry<>(name, s);
    }

    @Test
    void oneRowPerRunThenMeanAndSampleStandardDeviation() {
        String table = ResultsTable.markdown(List.of(run("s1", 1, 0.9910, 540.0), run("s2", 2, 0.9920, 600.0), run("s3", 3, 0.9930, null)));
        String[] lines = table.split("\n");
        assertEquals(6, lines.length, table);
        assertTrue(lines[2].startsWith("| s1 | 1 | 24000 | 13.0 | 98.90 % | 99.10 % | 90 | – | 9.0 | 24000 |"), lines[2]);
        assertTrue(lines[4].contains("| – | – |"), "a milestone never reached is a dash: " + lines[4]);
        // Errors 90, 80, 70: mean 80, sample std 10. No mean time to 99 % when a run never got there.
        assertTrue(lines[5].startsWith("| mean ± std | | 24000 ± 0.0 | 13.0 ± 0.0 | 99.00 % ± 0.10 | 99.20 % ± 0.10 | 80 ± 10.0 | – | – |"), lines[5]);
    }
}
