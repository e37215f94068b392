package ssgan.app.cli;

/** A mistake the user can fix (bad argument, missing file): printed as one line, exit code 2. */
public final class UserException extends RuntimeException {
    public UserException(String message) {
        super(message);
    }

    public UserException(String message, Throwable cause) {
        super(message, cause);
    }
}
