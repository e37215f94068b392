package ssgan.engine.device;

/** A device that was asked for cannot be used here; the message is one line: what was looked for, and how to fix it. */
public final class DeviceUnavailableException extends Exception {
    public DeviceUnavailableException(String message) {
        super(message);
    }

    public DeviceUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
