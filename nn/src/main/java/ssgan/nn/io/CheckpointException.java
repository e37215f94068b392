package ssgan.nn.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A checkpoint file is malformed, unsupported, or does not match the tensors it is loaded into.
 *
 * <p>Checked, and an {@link IOException}, because a bad file is an input problem the caller must be
 * ready for (like a missing file), not a programming error. The message names the file and, where one
 * is involved, the tensor.
 */
public class CheckpointException extends IOException {
    private final Path file;

    public CheckpointException(Path file, String message) {
        super(file + ": " + message);
        this.file = file;
    }

    public CheckpointException(Path file, String message, Throwable cause) {
        super(file + ": " + message, cause);
        this.file = file;
    }

    /** The file that was being read or written. */
    public Path file() {
        return file;
    }
}
