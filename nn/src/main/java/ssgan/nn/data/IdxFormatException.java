package ssgan.nn.data;

import java.io.IOException;
import java.nio.file.Path;

/** A data file is not a valid IDX file of the expected kind, or is truncated. The message names the file. */
public class IdxFormatException extends IOException {
    public IdxFormatException(Path file, String message) {
        super(file + ": " + message);
    }

    public IdxFormatException(Path file, String message, Throwable cause) {
        super(file + ": " + message, cause);
    }
}
