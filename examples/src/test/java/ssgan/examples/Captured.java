package ssgan.examples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** A PrintStream for a lesson to print into, and what it printed. */
final class Captured {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    PrintStream out() {
        return out;
    }

    String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
