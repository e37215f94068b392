package ssgan.nn.io;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict JSON reader and writer (RFC 8259), enough for safetensors headers, metadata and run
 * summaries, so the project needs no JSON dependency.
 *
 * <p>Values map to plain Java types: object → {@code Map<String, Object>} (insertion-ordered), array →
 * {@code List<Object>}, string → {@code String}, integer → {@code Long} (when it fits, else
 * {@code Double}), other numbers → {@code Double}, {@code true}/{@code false} → {@code Boolean},
 * {@code null} → {@code null}.
 *
 * <p>Strict because the input may be untrusted (a downloaded checkpoint): no trailing commas, no
 * comments, no duplicate keys, no unescaped control characters, no lone surrogates, nesting limited to
 * {@link #MAX_DEPTH} (so a hostile file cannot overflow the stack), and nothing but whitespace after the
 * value. Every error is a {@link JsonException} carrying the character offset.
 */
public final class Json {
    /** Deepest nesting accepted; real headers are 3 deep. */
    public static final int MAX_DEPTH = 64;

    private final String text;
    private int pos;

    private Json(String text) {
        this.text = text;
    }

    /** Thrown for malformed JSON; {@link #offset()} is where the reader stopped. */
    public static final class JsonException extends IllegalArgumentException {
        private final int offset;

        JsonException(String message, int offset) {
            super(message + " at character " + offset);
            this.offset = offset;
        }

        public int offset() {
            return offset;
        }
    }

    // ---- reading --------------------------------------------------------------------------------

    /** Parses one JSON value that must span the whole text (surrounding whitespace allowed). */
    public static Object parse(String text) {
        Json p = new Json(text);
        p.skipWhitespace();
        Object value = p.readValue(0);
        p.skipWhitespace();
        if (p.pos != text.length()) throw p.error("unexpected '" + text.charAt(p.pos) + "' after the JSON value");
        return value;
    }

    /** Parses text that must be a JSON object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text) {
        Object value = parse(text);
        if (!(value instanceof Map)) throw new JsonException("expected a JSON object, got " + typeName(value), 0);
        return (Map<String, Object>) value;
    }

    /** A short name of the JSON type of a parsed value, for error messages. */
    public static String typeName(Object value) {
        if (value == null) return "null";
        if (value instanceof Map) return "object";
        if (value instanceof List) return "array";
        if (value instanceof String) return "string";
        if (value instanceof Boolean) return "boolean";
        return "number";
    }

    private Object readValue(int depth) {
        if (pos >= text.length()) throw error("unexpected end of input, expected a value");
        char c = text.charAt(pos);
        switch (c) {
            case '{':
                return readObject(depth + 1);
            case '[':
                return readArray(depth + 1);
            case '"':
                return readString();
            case 't':
                expectWord("true");
                return Boolean.TRUE;
            case 'f':
                expectWord("false");
                return Boolean.FALSE;
            case 'n':
                expectWord("null");
                return null;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) return readNumber();
                throw error("unexpected character '" + c + "'");
        }
    }

    private Map<String, Object> readObject(int depth) {
        checkDepth(depth);
        pos++; // '{'
        Map<String, Object> map = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return map;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') throw error("expected a string key");
            int keyAt = pos;
            String key = readString();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            Object value = readValue(depth);
            if (map.containsKey(key)) throw new JsonException("duplicate key \"" + key + "\"", keyAt);
            map.put(key, value);
            skipWhitespace();
            char c = next("',' or '}'");
            if (c == '}') return map;
            if (c != ',') throw error(pos - 1, "expected ',' or '}' but found '" + c + "'");
        }
    }

    private List<Object> readArray(int depth) {
        checkDepth(depth);
        pos++; // '['
        List<Object> list = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return list;
        }
        while (true) {
            skipWhitespace();
            list.add(readValue(depth));
            skipWhitespace();
            char c = next("',' or ']'");
            if (c == ']') return list;
            if (c != ',') throw error(pos - 1, "expected ',' or ']' but found '" + c + "'");
        }
    }

    private String readString() {
        pos++; // opening quote
        StringBuilder sb = new StringBuilder();
        while (true) {
            char c = next("closing '\"'");
            if (c == '"') break;
            if (c < 0x20) throw error(pos - 1, "unescaped control character in string");
            if (c != '\\') {
                if (Character.isHighSurrogate(c)) {
                    if (pos >= text.length() || !Character.isLowSurrogate(text.charAt(pos))) throw error(pos - 1, "lone surrogate in string");
                    sb.append(c).append(text.charAt(pos++));
                    continue;
                }
                if (Character.isLowSurrogate(c)) throw error(pos - 1, "lone surrogate in string");
                sb.append(c);
                continue;
            }
            char e = next("escape character");
            switch (e) {
                case '"': sb.append('"'); break;
                case '\\': sb.append('\\'); break;
                case '/': sb.append('/'); break;
                case 'b': sb.append('\b'); break;
                case 'f': sb.append('\f'); break;
                case 'n': sb.append('\n'); break;
                case 'r': sb.append('\r'); break;
                case 't': sb.append('\t'); break;
                case 'u': {
                    char u = readHex4();
                    if (Character.isHighSurrogate(u)) {
                        // A pair is written as two escapes: "\ud83d\ude00".
                        if (!text.startsWith("\\u", pos)) throw error("lone surrogate escape in string");
                        pos += 2;
                        char low = readHex4();
                        if (!Character.isLowSurrogate(low)) throw error("lone surrogate escape in string");
                        sb.append(u).append(low);
                    } else if (Character.isLowSurrogate(u)) {
                        throw error("lone surrogate escape in string");
                    } else {
                        sb.append(u);
                    }
                    break;
                }
                default:
                    throw error(pos - 1, "invalid escape '\\" + e + "'");
            }
        }
        return sb.toString();
    }

    private char readHex4() {
        if (pos + 4 > text.length()) throw error("truncated \\u escape");
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(text.charAt(pos + i), 16);
            if (d < 0) throw error(pos + i, "invalid hex digit in \\u escape");
            v = v * 16 + d;
        }
        pos += 4;
        return (char) v;
    }

    private Object readNumber() {
        int start = pos;
        if (peek() == '-') pos++;
        if (peek() == '0') {
            pos++;
        } else if (isDigit(peek())) {
            while (isDigit(peek())) pos++;
        } else {
            throw error("expected a digit");
        }
        boolean integral = true;
        if (peek() == '.') {
            integral = false;
            pos++;
            if (!isDigit(peek())) throw error("expected a digit after '.'");
            while (isDigit(peek())) pos++;
        }
        if (peek() == 'e' || peek() == 'E') {
            integral = false;
            pos++;
            if (peek() == '+' || peek() == '-') pos++;
            if (!isDigit(peek())) throw error("expected a digit in the exponent");
            while (isDigit(peek())) pos++;
        }
        String s = text.substring(start, pos);
        // A long has at most 19 digits; the sign does not count (-1234567890123456789 is a long too).
        int digits = s.length() - (s.charAt(0) == '-' ? 1 : 0);
        if (integral && digits <= 19) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException tooBig) {
                // falls through to double
            }
        }
        return Double.parseDouble(s);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** The next character, or 0 at the end (0 never matches anything the grammar looks for). */
    private char peek() {
        return pos < text.length() ? text.charAt(pos) : 0;
    }

    private char next(String expected) {
        if (pos >= text.length()) throw error("unexpected end of input, expected " + expected);
        return text.charAt(pos++);
    }

    private void expect(char c) {
        char got = next("'" + c + "'");
        if (got != c) throw error(pos - 1, "expected '" + c + "' but found '" + got + "'");
    }

    private void expectWord(String word) {
        if (!text.startsWith(word, pos)) throw error("invalid literal, expected " + word);
        pos += word.length();
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
            pos++;
        }
    }

    private void checkDepth(int depth) {
        if (depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH);
    }

    private JsonException error(String message) {
        return error(pos, message);
    }

    private static JsonException error(int at, String message) {
        return new JsonException(message, at);
    }

    // ---- writing --------------------------------------------------------------------------------

    /**
     * Writes a value as compact JSON. Accepts Map (keys are turned into strings), Iterable, arrays of
     * int/long/float/double, CharSequence, Number, Boolean and null. Non-finite numbers are rejected
     * because JSON cannot represent them.
     */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, -1, 0);
        return sb.toString();
    }

    /** Like {@link #write(Object)} but indented by two spaces per level, for files people read. */
    public static String writePretty(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 2, 0);
        return sb.append('\n').toString();
    }

    private static void write(StringBuilder sb, Object v, int indent, int level) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof CharSequence) {
            quote(sb, v.toString());
        } else if (v instanceof Boolean) {
            sb.append(v);
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (!Double.isFinite(d)) throw new IllegalArgumentException("JSON cannot hold the number " + d);
            sb.append(v instanceof Float ? Float.toString((Float) v) : Double.toString(d));
        } else if (v instanceof Number) {
            sb.append(v);
        } else if (v instanceof Map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                if (!first) sb.append(',');
                first = false;
                newline(sb, indent, level + 1);
                quote(sb, String.valueOf(e.getKey()));
                sb.append(indent >= 0 ? ": " : ":");
                write(sb, e.getValue(), indent, level + 1);
            }
            if (!first) newline(sb, indent, level);
            sb.append('}');
        } else if (v instanceof Iterable) {
            writeList(sb, (Iterable<?>) v, indent, level);
        } else if (v instanceof int[]) {
            List<Object> l = new ArrayList<>();
            for (int x : (int[]) v) l.add(x);
            writeList(sb, l, -1, level);
        } else if (v instanceof long[]) {
            List<Object> l = new ArrayList<>();
            for (long x : (long[]) v) l.add(x);
            writeList(sb, l, -1, level);
        } else if (v instanceof float[]) {
            List<Object> l = new ArrayList<>();
            for (float x : (float[]) v) l.add(x);
            writeList(sb, l, -1, level);
        } else if (v instanceof double[]) {
            List<Object> l = new ArrayList<>();
            for (double x : (double[]) v) l.add(x);
            writeList(sb, l, -1, level);
        } else {
            throw new IllegalArgumentException("cannot write " + v.getClass().getName() + " as JSON");
        }
    }

    /** Arrays of numbers stay on one line even when pretty-printing: shapes read better that way. */
    private static void writeList(StringBuilder sb, Iterable<?> items, int indent, int level) {
        sb.append('[');
        boolean first = true;
        for (Object item : items) {
            if (!first) sb.append(indent >= 0 ? ", " : ",");
            first = false;
            write(sb, item, indent, level + 1);
        }
        sb.append(']');
    }

    private static void newline(StringBuilder sb, int indent, int level) {
        if (indent < 0) return;
        sb.append('\n');
        sb.append(String.join("", Collections.nCopies(indent * level, " ")));
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                case '\b': sb.append("\\b"); break;
                case '\f': sb.append("\\f"); break;
                default:
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
            }
        }
        sb.append('"');
    }
}
