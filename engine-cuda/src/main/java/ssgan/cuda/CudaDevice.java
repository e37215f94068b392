package ssgan.cuda;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import ssgan.engine.device.Device;
import ssgan.engine.device.DeviceArray;
import ssgan.engine.device.DeviceUnavailableException;

/**
 * One GPU as an engine {@link Device}: its memory ({@link CudaArray}), its kernels ({@link CudaKernels})
 * and the ops built on them ({@link CudaOps}). Get it from {@link Cuda#open}. Like the engine's CPU
 * tensors, it is meant for one thread at a time.
 *
 * <p>Memory is recycled: a released array goes onto a free list for its length, and the next allocation
 * of that length takes it. A training step allocates the same lengths every time, so after the first
 * step it no longer calls the driver's (slow, synchronising) allocator at all.
 */
public final class CudaDevice implements Device {
    private static final int CUDA_ERROR_OUT_OF_MEMORY = 2;

    private final LaunchBatches api;
    private final int ordinal;
    private final CudaKernels kernels;
    private final CudaOps ops;
    private final Uploads uploads;
    /** Released memory by array length. */
    private final Map<Integer, ArrayDeque<Long>> freeLists = new HashMap<>();
    /** During a batch, each allocation takes the address it had in the batch before when it can. */
    private final Placements placements = new Placements();
    private long driverAllocations;
    /**
     * While work is being captured into a graph: the arrays it released, by length. It may take them
     * again, as it would running (the graph's launches run in order); those left are the graph's. Else null.
     */
    private Map<Integer, ArrayDeque<Long>> capturing;

    /** The device over {@code driver}'s GPU {@code ordinal}, its kernels loaded. */
    static CudaDevice open(CudaApi driver, int ordinal) throws DeviceUnavailableException {
        LaunchBatches api = new LaunchBatches(driver);
        return new CudaDevice(api, ordinal, Kernels.load(api));
    }

    private CudaDevice(LaunchBatches api, int ordinal, Kernels kernels) {
        this.api = api;
        this.ordinal = ordinal;
        this.kernels = new CudaKernels(this, kernels);
        this.ops = new CudaOps(this);
        this.uploads = new Uploads(api);
    }

    @Override
    public String name() {
        return "cuda:" + ordinal;
    }

    /** The name and the GPU, for logs: {@code cuda:0 (NVIDIA H200, driver CUDA 12.8)}. */
    public String description() {
        return name() + " (" + api.deviceName() + ", driver CUDA " + api.driverVersion() + ")";
    }

    @Override
    public CudaArray allocate(int length) {
        if (length < 0) throw new IllegalArgumentException("allocate: negative length " + length);
        if (length == 0) return new CudaArray(this, 0, 0L);
        ArrayDeque<Long> released = capturing == null ? null : capturing.get(length);
        if (released != null && !released.isEmpty()) return new CudaArray(this, length, released.pop());
        ArrayDeque<Long> free = freeLists.get(length);
        long address;
        if (free != null && !free.isEmpty()) {
            address = placements.inBatch() ? placements.take(length, free) : free.pop();
        } else if (capturing != null) {
            throw new IllegalStateException("capture: the work needs a new array of " + length + " floats, and no memory can be "
                    + "allocated while a graph is recorded; run the work once before capturing it, so that its arrays are there to reuse");
        } else {
            address = fromDriver(length);
        }
        if (placements.inBatch()) placements.given(length, address);
        return new CudaArray(this, length, address);
    }

    /**
     * One array of the lengths' sum (one allocation, taken like any other), handed out as its parts, end
     * to end in the order given: a slab. {@link #whole} gives it back for launches over every part.
     */
    @Override
    public List<DeviceArray> allocateTogether(int[] lengths) {
        long total = 0;
        for (int length : lengths) {
            if (length < 0) throw new IllegalArgumentException("allocateTogether: negative length " + length);
            total += length;
        }
        if (total > Integer.MAX_VALUE) throw new IllegalArgumentException("allocateTogether: " + total + " floats, more than one array holds");
        CudaArray.Slab slab = new CudaArray.Slab(allocate((int) total));
        int offset = 0;
        for (int length : lengths) {
            slab.parts.add(new CudaArray(this, length, slab.whole.address(offset), slab));
            offset += length;
        }
        return List.copyOf(slab.parts);
    }

    @Override
    public CudaArray whole(List<? extends DeviceArray> parts) {
        if (parts.isEmpty() || !(parts.get(0) instanceof CudaArray first) || first.slab() == null) return null;
        CudaArray.Slab slab = first.slab();
        if (!slab.intact() || !slab.parts.equals(parts)) return null;
        return slab.whole;
    }

    /** New memory for {@code length} floats. */
    private long fromDriver(int length) {
        long bytes = (long) length * Float.BYTES;
        driverAllocations++;
        try {
            return api.allocate(bytes);
        } catch (CudaError e) {
            if (e.code() != CUDA_ERROR_OUT_OF_MEMORY) throw e;
            freeCachedMemory(); // the free lists may hold enough, in the wrong lengths
            return api.allocate(bytes);
        }
    }

    /** How many arrays so far needed new memory from the driver: flat from the second training step on. */
    public long driverAllocations() {
        return driverAllocations;
    }

    /** Takes back the memory of a released array. */
    void recycle(int length, long address) {
        if (length == 0) return;
        // While recording, the memory stays with the work (a replay writes it), not for anyone else.
        Map<Integer, ArrayDeque<Long>> lists = capturing != null ? capturing : freeLists;
        lists.computeIfAbsent(length, n -> new ArrayDeque<>()).push(address);
    }

    /** Gives the memory on the free lists back to the driver. */
    public void freeCachedMemory() {
        refuseWhileCapturing("freeing memory");
        for (ArrayDeque<Long> free : freeLists.values()) {
            while (!free.isEmpty()) api.free(free.pop());
        }
    }

    @Override
    public void fill(DeviceArray array, float value) {
        kernels.fill(cuda(array), value);
    }

    @Override
    public void addInto(DeviceArray target, DeviceArray source) {
        if (target.length() != source.length()) {
            throw new IllegalArgumentException("addInto: " + source.length() + " floats into " + target.length());
        }
        kernels.axpy(cuda(target), 1f, cuda(source), 1, target.length());
    }

    @Override
    public CudaOps ops() {
        return ops;
    }

    /** The launchers of this device's kernels, for code that works on arrays rather than tensors. */
    public CudaKernels kernels() {
        return kernels;
    }

    /**
     * Records {@code work} (launches on this device) as a CUDA graph instead of running it, for
     * {@link CapturedWork#run} to replay. The work must have run once before, so that every array it
     * allocates comes from the free lists (no memory can be allocated while a graph is recorded), and it
     * may not copy to or from the host, or wait for the device: all three fail here with a message.
     * Nothing of the work runs until the first replay.
     */
    public CapturedWork capture(Runnable work) {
        if (capturing != null) throw new IllegalStateException("capture: already capturing; captures do not nest");
        capturing = new HashMap<>();
        api.beginCapture();
        try {
            work.run();
        } catch (RuntimeException | Error e) {
            List<CapturedWork.Scratch> released = endCapturing();
            try {
                api.destroy(api.endCapture());
            } catch (RuntimeException again) {
                e.addSuppressed(again);
            }
            for (CapturedWork.Scratch s : released) recycle(s.length(), s.address());   // nothing will replay into them
            throw e;
        }
        List<CapturedWork.Scratch> scratch = endCapturing();
        return new CapturedWork(this, api.endCapture(), scratch);
    }

    /** Stops holding released arrays for a graph; returns those it holds. */
    private List<CapturedWork.Scratch> endCapturing() {
        List<CapturedWork.Scratch> held = new ArrayList<>();
        capturing.forEach((length, addresses) -> addresses.forEach(a -> held.add(new CapturedWork.Scratch(length, a))));
        capturing = null;
        return held;
    }

    /** The error for a call that a capture cannot record. */
    private void refuseWhileCapturing(String what) {
        if (capturing != null) throw new IllegalStateException("capture: " + what + " cannot be recorded into a graph; do it before or after the captured work");
    }

    /**
     * Runs {@code work} with its launches and uploads held back, and submits them when it ends as one
     * CUDA graph ({@link LaunchBatches}): the same kernels in the same order, with one launch from the
     * host instead of hundreds. Its arrays go where the same arrays of the batch before went, when they
     * can ({@link Placements}), so that a replay of the same work has few arguments to change. A call that
     * must wait for the held ones (a copy to the host, say) submits them first. Inside a batch this just
     * runs {@code work}; with {@code -Dssgan.cuda.stepGraphs=false} every call is launched as it comes.
     */
    @Override
    public void batch(Runnable work) {
        if (!api.begin()) {
            work.run();
            return;
        }
        placements.begin();
        try {
            work.run();
        } finally {
            placements.end();
            api.submit();
        }
    }

    /** How many graphs batches have made (instantiated) so far: a training step's, once for its shapes. */
    public long graphsMade() {
        return api.graphsMade();
    }

    /** How many batches ran as a graph. */
    public long graphsLaunched() {
        return api.graphsLaunched();
    }

    /** How many graph nodes were given new arguments before a replay. */
    public long graphNodesUpdated() {
        return api.nodesUpdated();
    }

    /** How many calls (launches and uploads) the launched graphs ran, all together. */
    public long graphCalls() {
        return api.callsInGraphs();
    }

    /** Waits until everything launched so far has finished (for timing; copies to the host wait anyway). */
    public void synchronize() {
        refuseWhileCapturing("waiting for the device");
        api.synchronize();
        uploads.deviceCaughtUp();
    }

    /**
     * Runs {@code work} (which launches on this device) and returns the device time it took, in
     * milliseconds: between CUDA events recorded before and after it, so the host's own time between
     * launches counts only where the device waited for it. Waits until the work has finished.
     */
    public double timeMillis(Runnable work) {
        refuseWhileCapturing("timing with events");
        CudaApi.Event start = api.createEvent(), end = api.createEvent();
        try {
            api.record(start);
            work.run();
            api.record(end);
            float millis = api.elapsedMillis(start, end);
            uploads.deviceCaughtUp();   // everything queued before the end event has run, copies included
            return millis;
        } finally {
            api.destroy(start);
            api.destroy(end);
        }
    }

    /** Copies {@code count} floats of {@code src} to device memory at {@code dst}, without waiting for the device ({@link Uploads}). */
    void copyToDevice(long dst, float[] src, int count) {
        refuseWhileCapturing("a copy to the device");
        uploads.floats(dst, src, count);
    }

    /** Copies {@code count} floats from device memory at {@code src}: waits for everything launched before. */
    void copyToHost(float[] dst, long src, int count) {
        refuseWhileCapturing("a copy to the host");
        api.copyToHost(dst, src, count);
        uploads.deviceCaughtUp();
    }

    /** How many times the uploads' page-locked ring was full and the host waited for the device. */
    public long uploadWaits() {
        return uploads.waits();
    }

    CudaApi api() {
        return api;
    }

    /** The driver's api under the batches (for tests: the emulator's counters). */
    CudaApi driver() {
        return api.driver();
    }

    /**
     * A new array holding {@code values} as ints (an int takes a float's room), for kernels that read ints:
     * labels, row numbers. The copy does not wait for the device ({@link Uploads}).
     */
    CudaArray upload(int[] values) {
        refuseWhileCapturing("a copy to the device");
        CudaArray a = allocate(values.length);
        if (values.length > 0) uploads.ints(a.address(), values);
        return a;
    }

    /** {@code array} as this device's array, or an error naming both devices. */
    CudaArray cuda(DeviceArray array) {
        if (array instanceof CudaArray c && c.device() == this) return c;
        throw new IllegalArgumentException("an array on " + array.device().name() + " passed to " + name());
    }

    @Override
    public String toString() {
        return name();
    }
}
