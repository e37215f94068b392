package ssgan.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Copies to the device through the page-locked ring ({@link Uploads}): they arrive whole, and the ring is
 * written again only after the device has caught up, which the emulator checks at every synchronisation
 * (a pending copy whose staging bytes changed fails there); on the emulator and on the GPU (see {@link Gpu}).
 */
class UploadsTest {
    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void copiesQueuedWithoutWaitingArriveWhole(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        int length = Uploads.CAPACITY / 4 / 3 + 1;   // three fill more than the ring: the third waits for the device first
        CudaArray[] arrays = new CudaArray[3];
        float[][] values = new float[3][length];
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < length; i++) values[k][i] = k * 1000 + i % 997;
            arrays[k] = gpu.allocate(length);
            arrays[k].copyFromHost(values[k]);
            values[k][0] = -1; // the caller may reuse its array at once: the values were staged
        }
        assertEquals(1, gpu.uploadWaits(), "the ring was full once before the first read");
        for (int k = 0; k < 3; k++) {
            float[] back = new float[length];
            arrays[k].copyToHost(back);
            assertEquals(k * 1000, back[0], "array " + k + ", element 0");
            values[k][0] = k * 1000;
            assertArrayEquals(values[k], back, "array " + k);
        }
        int[] labels = {3, 1, 4, 1, 5, 9, 2, 6};
        CudaArray onDevice = gpu.upload(labels);
        float[] raw = new float[labels.length];
        onDevice.copyToHost(raw);
        for (int i = 0; i < labels.length; i++) assertEquals(labels[i], Float.floatToRawIntBits(raw[i]), "label " + i);
        assertEquals(1, gpu.uploadWaits(), "a read lets the ring start again: no more waits");
        for (CudaArray a : arrays) a.release();
        onDevice.release();
    }

    /**
     * Device time between CUDA events: it covers the work between them (on the emulator, where every
     * call runs as it comes, the host's time; on a GPU, the kernels'), and it waits for that work, so the
     * ring may be written again straight after.
     */
    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void eventsTimeTheWorkBetweenThemAndWaitForIt(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        int length = Uploads.CAPACITY / 4 / 2;   // two fill the ring: a third waits unless the device has caught up
        CudaArray a = gpu.allocate(length), b = gpu.allocate(length);
        float[] values = new float[length];
        java.util.Arrays.fill(values, 2.5f);
        double millis = gpu.timeMillis(() -> {
            a.copyFromHost(values);
            b.copyFromHost(values);
            for (int i = 0; i < 50; i++) gpu.addInto(a, b);
        });
        assertTrue(millis > 0 && millis < 60_000, "elapsed " + millis + " ms");
        a.copyFromHost(values);
        assertEquals(0, gpu.uploadWaits(), "timing waited for the device, so the ring was free again");
        float[] back = new float[length];
        b.copyToHost(back);
        assertEquals(2.5f, back[length - 1]);
        a.release();
        b.release();
    }

    /** The emulator's guard itself: staging bytes changed before a synchronisation are caught. */
    @Test
    void theEmulatorCatchesStagingBytesOverwrittenTooEarly() {
        EmulatedCudaApi api = new EmulatedCudaApi();
        ByteBuffer pinned = api.allocatePinned(64);
        long dst = api.allocate(64);
        pinned.putFloat(0, 1f);
        api.copyToDeviceAsync(dst, pinned, 0, 4);
        api.synchronize();
        api.copyToDeviceAsync(dst, pinned, 0, 4);
        pinned.putFloat(0, 2f); // too early: a GPU may still be reading the 1
        assertThrows(AssertionError.class, api::synchronize);
    }
}
