package ssgan.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import ssgan.engine.device.DeviceUnavailableException;

/**
 * A cuda device whose driver does nothing: every launch, copy and graph call returns at once, and copies
 * to the host read zeros. What is left of a training step on it is the host's own share of a GPU step
 * (the ops, the autograd, the memory pool, building and updating the graph) without the driver's, which
 * a GPU step can never be faster than. {@code StepTimer host-only:mlp:...} times it.
 */
public final class HostOnlyCuda {
    private HostOnlyCuda() {}

    public static CudaDevice device() {
        try {
            return CudaDevice.open(new Driver(), 0);
        } catch (DeviceUnavailableException e) {
            throw new IllegalStateException(e);
        }
    }

    private record NoModule() implements CudaApi.Module {}

    private record NoFunction(String name) implements CudaApi.Function {}

    private static final class NoGraph implements CudaApi.Graph {}

    private static final class NoEvent implements CudaApi.Event {}

    private static final class Driver implements CudaApi {
        private long next = 1L << 32;

        @Override public String deviceName() { return "host only (no GPU work)"; }
        @Override public String driverVersion() { return "0.0"; }
        @Override public long allocate(long bytes) { long a = next; next += (bytes + 255) / 256 * 256; return a; }
        @Override public void free(long address) {}
        @Override public void copyToDevice(long dst, float[] src, int count) {}
        @Override public void copyToDevice(long dst, long[] src) {}
        @Override public void copyToDevice(long dst, int[] src) {}
        @Override public ByteBuffer allocatePinned(int bytes) { return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder()); }
        @Override public void copyToDeviceAsync(long dst, ByteBuffer pinned, int offset, int bytes) {}
        @Override public void copyToHost(float[] dst, long src, int count) { Arrays.fill(dst, 0, count, 0f); }
        @Override public CudaApi.Module loadModule(byte[] ptx) { return new NoModule(); }
        @Override public CudaApi.Function function(CudaApi.Module module, String name) { return new NoFunction(name); }
        @Override public void launch(CudaApi.Function function, int gridX, int gridY, int blockX, int blockY, Object... args) {}
        @Override public void synchronize() {}
        @Override public CudaApi.Event createEvent() { return new NoEvent(); }
        @Override public void record(CudaApi.Event event) {}
        @Override public float elapsedMillis(CudaApi.Event start, CudaApi.Event end) { return 0f; }
        @Override public void destroy(CudaApi.Event event) {}
        @Override public void beginCapture() {}
        @Override public CudaApi.Graph endCapture() { return new NoGraph(); }
        @Override public void launch(CudaApi.Graph graph) {}
        @Override public void destroy(CudaApi.Graph graph) {}
        @Override public CudaApi.Graph graph(List<Call> calls) { return new NoGraph(); }
        @Override public void update(CudaApi.Graph graph, int index, Call call) {}
    }
}
