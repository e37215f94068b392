package ssgan.engine.kernels;

/**
 * Scratch arrays reused across kernel calls, so a training loop does not allocate an im2col matrix per
 * layer per step. Each thread has its own few numbered slots; a slot grows when a larger size is asked
 * for and is otherwise handed back as is (callers use only the first {@code size} elements and must
 * not assume any content).
 */
final class Workspace {
    static final int SLOTS = 7;
    /**
     * Slot numbers: a block of an implicit matrix written out, a convolution's channel-major buffer,
     * batch-norm lane sums, the weights of one sub-pixel phase, a convolution's written-out columns, the
     * lanes of one vector, the radii of a block of Gaussian samples.
     */
    static final int IMPLICIT_BLOCK = 0, CONV_CHANNEL_MAJOR = 1, BATCH_NORM = 2, PHASE_WEIGHTS = 3, COLUMNS = 4, LANES = 5,
            GAUSSIAN_RADII = 6;
    private static final ThreadLocal<float[][]> ARRAYS = ThreadLocal.withInitial(() -> new float[SLOTS][0]);

    private Workspace() {}

    static float[] get(int slot, int size) {
        float[][] arrays = ARRAYS.get();
        if (arrays[slot].length < size) arrays[slot] = new float[size];
        return arrays[slot];
    }
}
