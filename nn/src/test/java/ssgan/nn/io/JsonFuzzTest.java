package ssgan.nn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Property-based fuzzing of {@link Json#parse} and {@link Json#parseObject}, the reader of
 * safetensors headers: random text, valid documents with characters inserted, deleted and replaced,
 * deep nesting, and number literals of every size. Every input must give a value or a
 * {@link Json.JsonException}: never another exception (a NumberFormatException, an index error, a
 * StackOverflowError), an outsized allocation or a hang (see {@link Fuzz#parse}). A value must
 * survive {@link Json#write} and parse back equal.
 *
 * <p>Tries and seed as in {@link SafeTensorsFuzzTest}: {@code -Dfuzz.tries=100000 -Dfuzz.seed=random}
 * for a longer campaign.
 */
@AddLifecycleHook(Fuzz.FixedSeed.class)
class JsonFuzzTest {
    /** Allocation allowed per input byte (UTF-16: two per character): the text, the parsed maps and lists. */
    private static final long BYTES_PER_BYTE = 64;

    /** Parses {@code text} as any value and as an object, and checks what comes back. */
    static void parsesOrIsRejected(String text) {
        byte[] utf16 = text.getBytes(StandardCharsets.UTF_16LE);
        Fuzz.Outcome<Object> any = Fuzz.parse(utf16, Json.JsonException.class, BYTES_PER_BYTE, () -> Json.parse(text));
        Fuzz.Outcome<Map<String, Object>> object = Fuzz.parse(utf16, Json.JsonException.class, BYTES_PER_BYTE, () -> Json.parseObject(text));
        if (any.ok()) {
            roundTrips(any.result());
            assertEquals(any.result() instanceof Map, object.ok(), "parseObject accepts exactly the objects parse returns");
        } else {
            assertTrue(any.error().getMessage().contains(" at character "), any.error().getMessage());
            int offset = ((Json.JsonException) any.error()).offset();
            assertTrue(offset >= 0 && offset <= text.length(), "offset " + offset + " in a text of " + text.length());
            assertTrue(!object.ok(), "parseObject rejects what parse rejects");
        }
    }

    /** write then parse gives the value back (Infinity, from a literal like 1e400, has no JSON form). */
    static void roundTrips(Object value) {
        if (hasNonFinite(value)) return;
        assertEquals(value, Json.parse(Json.write(value)));
        assertEquals(value, Json.parse(Json.writePretty(value)));
    }

    private static boolean hasNonFinite(Object v) {
        if (v instanceof Double d) return !Double.isFinite(d);
        if (v instanceof Map<?, ?> m) return m.values().stream().anyMatch(JsonFuzzTest::hasNonFinite);
        if (v instanceof List<?> l) return l.stream().anyMatch(JsonFuzzTest::hasNonFinite);
        return false;
    }

    // ---- random text --------------------------------------------------------------------------------

    /** Characters that matter to the grammar, so random text gets past the first character often. */
    private static final String JSON_CHARS = "{}[]\":,\\/ \t\n\r-+.0123456789eEtrufalsnbu\u00e9\ud83d\ude00\u0000\u001f";

    @Provide
    Arbitrary<String> text() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(64),
                Arbitraries.strings().withChars(JSON_CHARS).ofMaxLength(200));
    }

    @Property
    void randomTextParsesOrIsRejected(@ForAll("text") String text) {
        parsesOrIsRejected(text);
    }

    // ---- valid documents, edited ----------------------------------------------------------------------

    /** JSON values as the reader returns them: no lone surrogates in strings, finite doubles. */
    @Provide
    Arbitrary<Object> values() {
        return value(4);
    }

    private static Arbitrary<Object> value(int depth) {
        Arbitrary<Object> scalar = Arbitraries.oneOf(
                strings().map(s -> (Object) s),
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.doubles().map(d -> (Object) d),
                Arbitraries.of(Boolean.TRUE, Boolean.FALSE),
                Arbitraries.just(null));
        if (depth == 0) return scalar;
        Arbitrary<Object> list = Arbitraries.lazy(() -> value(depth - 1)).list().ofMaxSize(4).map(l -> (Object) l);
        Arbitrary<Object> map = Arbitraries.maps(strings(), Arbitraries.lazy(() -> value(depth - 1))).ofMaxSize(4)
                .map(m -> (Object) new LinkedHashMap<>(m));
        return Arbitraries.frequencyOf(Tuple.of(3, scalar), Tuple.of(1, list), Tuple.of(1, map));
    }

    /** Any string without lone surrogates (the reader refuses them, so it never returns one). */
    private static Arbitrary<String> strings() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(12).map(s -> s.replaceAll("[\\ud800-\\udfff]", "?")),
                Arbitraries.of("dtype", "F32", "shape", "data_offsets", "__metadata__", "", "\ud83d\ude00", "\"\\/\b\f\n\r\t\u0001"));
    }

    @Property
    void generatedValuesRoundTrip(@ForAll("values") Object value) {
        for (String text : List.of(Json.write(value), Json.writePretty(value))) {
            Fuzz.Outcome<Object> o = Fuzz.parse(text.getBytes(StandardCharsets.UTF_16LE), Json.JsonException.class, BYTES_PER_BYTE, () -> Json.parse(text));
            assertTrue(o.ok(), () -> "a written value must parse back: " + o.error());
            assertEquals(value, o.result());
        }
    }

    /** One character-level edit: insert, delete or replace at a scaled position. */
    record Edit(int fraction, int kind, String with) {
        String apply(String s) {
            int at = Fuzz.at(fraction, s.length());
            return switch (kind) {
                case 0 -> s.substring(0, at) + with + s.substring(at);
                case 1 -> s.isEmpty() ? s : s.substring(0, at) + s.substring(at + 1);
                default -> s.isEmpty() ? s : s.substring(0, at) + with + s.substring(at + 1);
            };
        }
    }

    @Provide
    Arbitrary<List<Edit>> edits() {
        Arbitrary<String> with = Arbitraries.oneOf(
                Arbitraries.strings().withChars(JSON_CHARS).ofMinLength(1).ofMaxLength(3),
                Arbitraries.of("\\u", "\\ud83d", "\\ud83d\\u0041", "1e400", "-", "9223372036854775808", "[[[[", "{\"", "\"a\":", "true", "null"),
                Arbitraries.chars().map(String::valueOf));
        return Combinators.combine(Arbitraries.integers().between(0, (1 << 20) - 1), Arbitraries.integers().between(0, 2), with)
                .as(Edit::new).list().ofMinSize(1).ofMaxSize(5);
    }

    @Provide
    Arbitrary<String> documents() {
        return Arbitraries.oneOf(
                values().map(Json::write),
                values().map(Json::writePretty),
                Arbitraries.of(
                        "{\"__metadata__\":{\"format\":\"pt\"},\"conv.weight\":{\"dtype\":\"F32\",\"shape\":[2,3,2,2],\"data_offsets\":[0,96]},"
                                + "\"step\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[96,100]}}",
                        "{\"a\": [1, -2.5e3, true, false, null, \"x\\u00e9\\ud83d\\ude00\"], \"b\": {\"c\": {}}}"));
    }

    @Property
    void editedDocumentsParseOrAreRejected(@ForAll("documents") String document, @ForAll("edits") List<Edit> edits) {
        String text = document;
        for (Edit e : edits) text = e.apply(text);
        parsesOrIsRejected(text);
    }

    // ---- nesting ------------------------------------------------------------------------------------

    @Property
    void deepNestingIsLimitedNotAStackOverflow(@ForAll @IntRange(min = 0, max = 3000) int depth, @ForAll("openers") List<String> openers,
                                               @ForAll boolean closed) {
        StringBuilder open = new StringBuilder();
        List<String> closers = new ArrayList<>();
        for (int i = 0; i < depth; i++) {
            String o = openers.get(i % openers.size());
            open.append(o);
            closers.add(o.startsWith("[") ? "]" : "}");
        }
        StringBuilder text = new StringBuilder(open).append("0");
        if (closed) for (int i = closers.size() - 1; i >= 0; i--) text.append(closers.get(i));
        String s = text.toString();
        Fuzz.Outcome<Object> o = Fuzz.parse(s.getBytes(StandardCharsets.UTF_16LE), Json.JsonException.class, BYTES_PER_BYTE, () -> Json.parse(s));
        boolean valid = (closed || depth == 0) && depth <= Json.MAX_DEPTH;
        assertEquals(valid, o.ok(), () -> "depth " + depth + (closed ? ", closed" : ", open") + ": " + o.error());
        if (valid) assertEquals(depth, depthOf(o.result()));
    }

    @Provide
    Arbitrary<List<String>> openers() {
        return Arbitraries.of("[", "{\"a\":", "[1,", "{\"\":").list().ofMinSize(1).ofMaxSize(3);
    }

    private static int depthOf(Object v) {
        if (v instanceof Map<?, ?> m) return 1 + m.values().stream().mapToInt(JsonFuzzTest::depthOf).max().orElse(0);
        if (v instanceof List<?> l) return 1 + l.stream().mapToInt(JsonFuzzTest::depthOf).max().orElse(0);
        return 0;
    }

    // ---- numbers ------------------------------------------------------------------------------------

    @Provide
    Arbitrary<String> numbers() {
        Arbitrary<String> digits = Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(400);
        Arbitrary<String> integer = Arbitraries.oneOf(
                Arbitraries.just("0"),
                Combinators.combine(Arbitraries.chars().range('1', '9'), Arbitraries.strings().numeric().ofMaxLength(30)).as((c, s) -> c + s),
                Combinators.combine(Arbitraries.chars().range('1', '9'), digits).as((c, s) -> c + s),
                Arbitraries.of("9223372036854775807", "9223372036854775808", "18446744073709551615", "99999999999999999999"));
        Arbitrary<String> fraction = Arbitraries.oneOf(Arbitraries.just(""), Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(30).map(s -> "." + s));
        Arbitrary<String> exponent = Arbitraries.oneOf(Arbitraries.just(""),
                Combinators.combine(Arbitraries.of("e", "E"), Arbitraries.of("", "+", "-"), Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(12))
                        .as((e, sign, d) -> e + sign + d));
        return Combinators.combine(Arbitraries.of("", "-"), integer, fraction, exponent).as((sign, i, f, e) -> sign + i + f + e);
    }

    /** Every literal of the JSON number grammar is a Long when integral and in range, else the Double Java reads. */
    @Property
    void numberLiteralsOfAnySizeParse(@ForAll("numbers") String literal) {
        Fuzz.Outcome<Object> o = Fuzz.parse(literal.getBytes(StandardCharsets.UTF_16LE), Json.JsonException.class, BYTES_PER_BYTE, () -> Json.parse(literal));
        assertTrue(o.ok(), () -> literal + " is a JSON number: " + o.error());
        boolean integral = !literal.contains(".") && !literal.contains("e") && !literal.contains("E");
        if (integral && new BigInteger(literal).bitLength() < 64) {
            assertEquals(new BigInteger(literal).longValueExact(), assertInstanceOf(Long.class, o.result()));
        } else {
            assertEquals(Double.parseDouble(literal), assertInstanceOf(Double.class, o.result()));
        }
    }
}
