package ssgan.nn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void parsesEveryValueType() {
        Map<String, Object> m = Json.parseObject(" {\"a\": 1, \"b\": -2.5e3, \"c\": [true, false, null], \"d\": {\"e\": \"x\"}, \"big\": 12345678901234567890} ");
        assertEquals(1L, m.get("a"));
        assertEquals(-2500.0, m.get("b"));
        assertEquals(Arrays.asList(true, false, null), m.get("c"));
        assertEquals(Map.of("e", "x"), m.get("d"));
        assertEquals(1.2345678901234567e19, (Double) m.get("big"), 1e4);
        assertEquals(List.of("a", "b", "c", "d", "big"), List.copyOf(m.keySet()), "insertion order is kept");
    }

    @Test
    void decodesEscapesAndSurrogatePairs() {
        assertEquals("q\"b\\s/\b\f\n\r\t\u00e9\uD83D\uDE00", Json.parse("\"q\\\"b\\\\s\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\""));
        assertEquals("\u00e9\uD83D\uDE00", Json.parse("\"\u00e9\uD83D\uDE00\""), "raw non-ASCII passes through");
    }

    @Test
    void rejectsMalformedInput() {
        String[] bad = {
            "", "{", "}", "{\"a\":1,}", "[1,]", "[1 2]", "{\"a\" 1}", "{a:1}", "{\"a\":1}x", "01", "1.", ".5", "-", "1e", "+1",
            "tru", "nul", "\"abc", "\"a\\x\"", "\"\\u12g4\"", "\"\\u12\"", "\"tab\there\"", "\"\\ud83d\"", "\"\\ude00\"",
            "{\"a\":1,\"a\":2}", "// comment\n1", "'single'", "[1]]", "NaN",
        };
        for (String s : bad) {
            Json.JsonException e = assertThrows(Json.JsonException.class, () -> Json.parse(s), "should reject: " + s);
            assertTrue(e.getMessage().contains("at character"), e.getMessage());
        }
    }

    @Test
    void duplicateKeyIsNamed() {
        Json.JsonException e = assertThrows(Json.JsonException.class, () -> Json.parse("{\"w\":1,\"w\":2}"));
        assertTrue(e.getMessage().contains("duplicate key \"w\""), e.getMessage());
    }

    @Test
    void deepNestingIsAnErrorNotAStackOverflow() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        assertThrows(Json.JsonException.class, () -> Json.parse(deep));
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        Json.parse(ok);
    }

    @Test
    void writesWhatItReads() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "tab\t \"quoted\" \\ \u0001 \u00e9");
        m.put("shape", new int[] {2, 0, 3});
        m.put("offsets", new long[] {0, 1L << 40});
        m.put("loss", 0.125);
        m.put("flag", true);
        m.put("none", null);
        m.put("nested", Map.of("k", List.of(1, "two")));
        for (String text : new String[] {Json.write(m), Json.writePretty(m)}) {
            Map<String, Object> back = Json.parseObject(text);
            assertEquals(m.get("name"), back.get("name"));
            assertEquals(List.of(2L, 0L, 3L), back.get("shape"));
            assertEquals(List.of(0L, 1L << 40), back.get("offsets"));
            assertEquals(0.125, back.get("loss"));
            assertEquals(true, back.get("flag"));
            assertNull(back.get("none"));
            assertTrue(back.containsKey("none"));
            assertEquals(Map.of("k", List.of(1L, "two")), back.get("nested"));
        }
    }

    @Test
    void refusesNumbersJsonCannotHold() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(List.of(Double.NaN)));
        assertThrows(IllegalArgumentException.class, () -> Json.write(new float[] {Float.POSITIVE_INFINITY}));
    }
}
