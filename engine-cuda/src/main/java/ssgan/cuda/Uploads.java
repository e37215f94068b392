package ssgan.cuda;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;

/**
 * Copies to the device that do not make the host wait. A copy from ordinary (pageable) Java memory first
 * waits for every kernel launched so far, draining the GPU's queue at each batch, noise draw or set of
 * labels. Here the values are written into page-locked memory and copied from there asynchronously, in
 * order with the kernels, so a training step queues its work without stopping until it reads a loss.
 *
 * <p>The page-locked memory is a ring that is reused only after a synchronisation: the bytes of a pending
 * copy must stay as they are until the device has surely read them. Every copy to the host waits for all
 * earlier work, and so does {@link CudaDevice#synchronize}; both call {@link #deviceCaughtUp}. A ring that
 * fills up before one synchronises first. Copies larger than the ring (a model, a training set, once per
 * run) go the blocking way, as do all copies when the driver gives no page-locked memory or refuses a
 * queued copy (said once on stderr: the GPU run of device-check.sh should go on, and show it).
 */
final class Uploads {
    /** Bytes of page-locked memory: the uploads of several training steps at batch 100 (about 0.4 MB each). */
    static final int CAPACITY = 16 << 20;
    /** Set to true, every copy blocks as before this class existed: for timing the difference (device-check.sh). */
    static final String BLOCKING = "ssgan.cuda.blockingUploads";

    private final CudaApi api;
    private ByteBuffer pinned;         // null: every copy blocks
    private final FloatBuffer floats;
    private final IntBuffer ints;
    private int used;                  // bytes written since the last synchronisation
    private long waits;

    Uploads(CudaApi api) {
        this.api = api;
        ByteBuffer memory;
        try {
            memory = Boolean.getBoolean(BLOCKING) ? null : api.allocatePinned(CAPACITY);
        } catch (RuntimeException e) {
            System.err.println("engine-cuda: no page-locked memory for uploads (" + e.getMessage() + "); every copy to the GPU waits for it");
            memory = null;
        }
        pinned = memory;
        floats = memory == null ? null : memory.asFloatBuffer();
        ints = memory == null ? null : memory.asIntBuffer();
    }

    /** Copies {@code count} floats of {@code src} to device memory at {@code dst}. */
    void floats(long dst, float[] src, int count) {
        int at = reserve(4L * count);
        if (at >= 0) {
            floats.put(at / 4, src, 0, count);
            if (queued(dst, at, 4 * count)) return;
        }
        api.copyToDevice(dst, src, count);
    }

    /** Copies {@code src} to device memory at {@code dst}, as ints. */
    void ints(long dst, int[] src) {
        int at = reserve(4L * src.length);
        if (at >= 0) {
            ints.put(at / 4, src);
            if (queued(dst, at, 4 * src.length)) return;
        }
        api.copyToDevice(dst, src);
    }

    /** The device has finished everything queued so far: the whole ring may be written again. */
    void deviceCaughtUp() {
        used = 0;
    }

    /** How many times a full ring made the host wait for the device (for tests and timings). */
    long waits() {
        return waits;
    }

    /** Queues the copy of staged bytes; false, and blocking copies from now on, when the driver refuses it. */
    private boolean queued(long dst, int at, int bytes) {
        try {
            api.copyToDeviceAsync(dst, pinned, at, bytes);
            return true;
        } catch (RuntimeException e) {
            System.err.println("engine-cuda: a queued copy to the GPU failed (" + e.getMessage() + "); every copy waits for it from now on");
            pinned = null;
            return false;
        }
    }

    /** Where in the ring {@code bytes} may be written, or −1 for a blocking copy. */
    private int reserve(long bytes) {
        if (pinned == null || bytes > CAPACITY) return -1;
        if (used + bytes > CAPACITY) {
            api.synchronize();
            waits++;
            used = 0;
        }
        int at = used;
        used += (int) bytes;
        return at;
    }
}
