package ssgan.engine.kernels;

/**
 * Scratch arrays reused across kernel calls, so a training loop does not allocate an im2col matrix per
 * layer per step. Each thread has its own few numbered slots; a slot grows when a larger size is asked
 * for and is otherwise handed back as is (callers use only the first {@code size} elements and must
 * not assume any content).
 */
final class Workspace {
    static final int SLOTS = 4;
    /** Slot numbers: convolution column matrix, convolution channel-major buffer, batch-norm lane sums. */
    static final int CONV_COLUMNS = 0, CONV_CHANNEL_MAJOR = 1, BATCH_NORM = 2;
    private static final ThreadLocal<float[][]> ARRAYS = ThreadLocal.withInitial(() -> new float[SLOTS][0]);

    private Workspace() {}

    static float[] get(int slot, int size) {
        float[][] arrays = ARRAYS.get();
        if (arrays[slot].length < size) arrays[slot] = new float[size];
        return arrays[slot];
    }
}
