package ssgan.nn.data;

import java.io.IOException;
import java.nio.file.Path;

/** A data file's SHA-256 is not the published one: it is corrupt, truncated, or a different dataset. */
public class ChecksumMismatchException extends IOException {
    public ChecksumMismatchException(Path file, String expected, String actual, String hint) {
        super(file + ": SHA-256 of the (decompressed) content is " + actual + " but " + expected + " was expected; " + hint);
    }
}
