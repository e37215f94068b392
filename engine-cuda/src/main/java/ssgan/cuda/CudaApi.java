package ssgan.cuda;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The CUDA driver calls the backend makes, in plain Java types: device memory is a {@code long} address
 * (what a {@code CUdeviceptr} holds), modules and functions are opaque handles. {@link JCudaApi} implements
 * it with JCuda; nothing else in the backend touches JCuda, so another binding (Panama's foreign function
 * API, say) would replace one class.
 *
 * <p>Everything runs in order on one stream: a kernel sees the results of every call before it, and a copy
 * to the host waits for the kernels that write its source.
 */
public interface CudaApi {
    /** A loaded PTX module. */
    interface Module {}

    /** A kernel of a loaded module. */
    interface Function {}

    /** The device's name, e.g. {@code NVIDIA H200}. */
    String deviceName();

    /** The CUDA version of the driver, e.g. {@code 12.4}. */
    String driverVersion();

    /** The address of {@code bytes} (> 0) new bytes of device memory. */
    long allocate(long bytes);

    /** Frees memory {@link #allocate} returned. */
    void free(long address);

    /** Copies {@code count} floats from the start of {@code src} to device memory at {@code dst}. */
    void copyToDevice(long dst, float[] src, int count);

    /** Copies {@code src} to device memory at {@code dst}: a table of device addresses for a kernel. */
    void copyToDevice(long dst, long[] src);

    /** Copies {@code src} to device memory at {@code dst}. */
    void copyToDevice(long dst, int[] src);

    /**
     * {@code bytes} of page-locked host memory, as a direct buffer in the platform's byte order: what
     * {@link #copyToDeviceAsync} copies from. Held for the device's life.
     */
    ByteBuffer allocatePinned(int bytes);

    /**
     * Queues a copy of {@code bytes} bytes of {@code pinned} (from {@code offset}) to device memory at
     * {@code dst} and returns at once; it runs in order with the kernels. Those bytes must not change until
     * the device has caught up ({@link #synchronize}, or any copy to the host).
     */
    void copyToDeviceAsync(long dst, ByteBuffer pinned, int offset, int bytes);

    /** Copies {@code count} floats from device memory at {@code src} to the start of {@code dst}. */
    void copyToHost(float[] dst, long src, int count);

    /** Loads a PTX module (the driver compiles it for the device). */
    Module loadModule(byte[] ptx);

    /** The kernel {@code name} (an {@code .entry} of the module). */
    Function function(Module module, String name);

    /**
     * Launches {@code function} on a {@code gridX × gridY} grid of {@code blockX × blockY} blocks. Each
     * argument is passed by value in the kernel's parameter order: a {@link Long} (a device address, or an
     * {@code unsigned long long}), an {@link Integer}, a {@link Float}, or an {@code int[]} or
     * {@code float[]} for a small struct of ints or floats.
     */
    void launch(Function function, int gridX, int gridY, int blockX, int blockY, Object... args);

    /** Waits until the device has finished everything launched so far. */
    void synchronize();

    /** A CUDA event: a mark in the device's queue that the device stamps with its clock when it gets there. */
    interface Event {}

    /** A new event, held until {@link #destroy}. */
    Event createEvent();

    /** Queues {@code event}: the device stamps it once everything launched before has finished. */
    void record(Event event);

    /** Milliseconds of device time from {@code start} to {@code end}, both recorded; waits until {@code end} is stamped. */
    float elapsedMillis(Event start, Event end);

    void destroy(Event event);

    /** A CUDA graph, instantiated: a recorded sequence of launches that {@link #launch(Graph)} replays as one. */
    interface Graph {}

    /**
     * Starts recording: until {@link #endCapture}, launches are recorded into a graph instead of run.
     * While recording, calls that wait for the device or change its memory map ({@link #allocate},
     * {@link #free}, the synchronous copies, {@link #synchronize}, {@link #elapsedMillis}) fail, as
     * the driver refuses them during a capture.
     */
    void beginCapture();

    /** Ends the recording that {@link #beginCapture} started and returns it, ready to launch. */
    Graph endCapture();

    /** Queues one replay of {@code graph}, in order with every other launch. */
    void launch(Graph graph);

    void destroy(Graph graph);

    /** One queued call of a sequence that {@link #graph} makes a graph of: a kernel launch, or a queued upload. */
    sealed interface Call permits Launch, Upload {}

    /** A kernel launch, with the arguments of {@link #launch(Function, int, int, int, int, Object...)}. */
    record Launch(Function function, int gridX, int gridY, int blockX, int blockY, Object[] args) implements Call {}

    /** A copy of {@code bytes} bytes of a page-locked buffer, from {@code offset}, to device memory at {@code dst} ({@link #copyToDeviceAsync}). */
    record Upload(long dst, ByteBuffer pinned, int offset, int bytes) implements Call {}

    /**
     * A graph of {@code calls}, each running after the one before, instantiated and ready to
     * {@link #launch(Graph)}. Its uploads read their page-locked bytes when the graph runs, not now.
     */
    Graph graph(List<Call> calls);

    /**
     * Gives call {@code index} of a graph made by {@link #graph} the arguments of {@code call}: the same
     * kind of call, for a launch the same kernel on the same grid, for an upload from the same buffer and
     * as many bytes. Launches queued before are not affected; those after run with the new arguments.
     */
    void update(Graph graph, int index, Call call);
}
