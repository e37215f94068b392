package ssgan.engine.device;

/**
 * A backend that can open devices of one kind (for example {@code cuda}, in the engine-cuda module),
 * found with {@link java.util.ServiceLoader} when its module is on the class path: the engine itself
 * names no backend and loads nothing native.
 */
public interface DeviceProvider {
    /** The kind of device, as the user names it: {@code cuda}. */
    String kind();

    /** Opens the first device of this kind, or fails with one line saying what is missing and how to fix it. */
    Device open() throws DeviceUnavailableException;
}
