package ssgan.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuCtxSynchronize;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventElapsedTime;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuGraphAddKernelNode;
import static jcuda.driver.JCudaDriver.cuGraphAddMemcpyNode;
import static jcuda.driver.JCudaDriver.cuGraphCreate;
import static jcuda.driver.JCudaDriver.cuGraphDestroy;
import static jcuda.driver.JCudaDriver.cuGraphExecDestroy;
import static jcuda.driver.JCudaDriver.cuGraphExecKernelNodeSetParams;
import static jcuda.driver.JCudaDriver.cuGraphExecMemcpyNodeSetParams;
import static jcuda.driver.JCudaDriver.cuGraphInstantiate;
import static jcuda.driver.JCudaDriver.cuGraphLaunch;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemAllocHost;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuStreamBeginCapture;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamEndCapture;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUDA_KERNEL_NODE_PARAMS;
import jcuda.driver.CUDA_MEMCPY3D;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUfunction;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUgraphNode;
import jcuda.driver.CUmemorytype;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.CUstreamCaptureMode;
import ssgan.engine.device.DeviceUnavailableException;

/**
 * {@link CudaApi} through JCuda's driver API, on one device's primary context. Every result code is
 * checked: a failing call throws {@link CudaError} naming the call.
 *
 * <p>Launches, queued copies and events go to one stream of our own, since a capture into a graph cannot
 * record the legacy default stream. It is a blocking stream (created without CU_STREAM_NON_BLOCKING), so
 * the synchronous copies, which the driver runs on the legacy default stream, still wait for its work.
 */
final class JCudaApi implements CudaApi {
    /** The oldest GPU the PTX (compiled for compute_80) can be JIT-compiled for: Ampere. */
    static final int MIN_COMPUTE_CAPABILITY = 80;

    private record JCudaModule(CUmodule module) implements Module {}

    private record JCudaFunction(CUfunction function) implements Function {}

    /** A {@code CUdeviceptr} that tells its address, which JCuda keeps to itself. */
    private static final class DevicePointer extends CUdeviceptr {
        long address() {
            return getNativePointer();
        }
    }

    private final CUcontext context;
    private final CUstream stream;
    private final String deviceName;
    /** The allocations by address: the driver calls need JCuda's pointer object back. */
    private final Map<Long, DevicePointer> allocations = new HashMap<>();
    /** The page-locked buffers and JCuda's pointers to them (by identity: a buffer's equals compares contents). */
    private final Map<ByteBuffer, Pointer> pinned = new IdentityHashMap<>();
    /** A context is current per thread: each thread that calls in makes it current once. */
    private final ThreadLocal<Boolean> contextIsCurrent = ThreadLocal.withInitial(() -> false);

    private JCudaApi(CUcontext context, String deviceName) {
        this.context = context;
        this.deviceName = deviceName;
        contextIsCurrent.set(true);
        stream = new CUstream();
        check(cuStreamCreate(stream, 0), "cuStreamCreate");   // 0: CU_STREAM_DEFAULT, ordered with the legacy stream
    }

    /**
     * Loads the driver, finds device {@code ordinal} and makes its primary context current. Each way this
     * can fail becomes one line that says what is missing and what to do.
     */
    static JCudaApi open(int ordinal) throws DeviceUnavailableException {
        try {
            // The first call into JCudaDriver loads JCuda's native library, which links to libcuda.so.1.
            check(cuInit(0), "cuInit");
        } catch (LinkageError e) {
            throw noDriver(e);
        } catch (CudaError e) {
            throw new DeviceUnavailableException("the NVIDIA driver found no usable GPU (" + e.getMessage()
                    + "); check nvidia-smi, or compute on the cpu", e);
        }
        try {
            return openDevice(ordinal);
        } catch (CudaError e) {
            throw new DeviceUnavailableException("cuda:" + ordinal + " could not be opened (" + e.getMessage()
                    + "); check nvidia-smi, or compute on the cpu", e);
        }
    }

    private static JCudaApi openDevice(int ordinal) throws DeviceUnavailableException {
        int[] count = new int[1];
        check(cuDeviceGetCount(count), "cuDeviceGetCount");
        if (ordinal < 0 || ordinal >= count[0]) {
            throw new DeviceUnavailableException("no GPU cuda:" + ordinal + ": the NVIDIA driver found " + count[0]
                    + (count[0] == 1 ? " GPU" : " GPUs") + "; pick one of them, or compute on the cpu");
        }
        CUdevice device = new CUdevice();
        check(cuDeviceGet(device, ordinal), "cuDeviceGet");
        byte[] nameBytes = new byte[256];
        check(cuDeviceGetName(nameBytes, nameBytes.length, device), "cuDeviceGetName");
        String name = cString(nameBytes);
        int capability = 10 * attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR)
                + attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        if (capability < MIN_COMPUTE_CAPABILITY) {
            throw new DeviceUnavailableException("cuda:" + ordinal + " (" + name + ") has compute capability "
                    + capability / 10 + "." + capability % 10 + "; the kernels need " + MIN_COMPUTE_CAPABILITY / 10
                    + ".0 (Ampere) or newer; compute on the cpu");
        }
        CUcontext context = new CUcontext();
        check(cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain");
        check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
        return new JCudaApi(context, name);
    }

    /**
     * The message for a driver library that would not load. JCuda's own error is many lines (one stack
     * trace per way it tried, the first attempt's, or a cause's on a later attempt); the line that matters
     * names libcuda.so.1 when the NVIDIA driver is missing.
     */
    static DeviceUnavailableException noDriver(Throwable e) {
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) messages.append(t.getMessage()).append('\n');
        String text = messages.toString();
        Matcher libcuda = Pattern.compile("libcuda\\.so\\.1: ([^\\r\\n]*)").matcher(text);
        if (libcuda.find()) {
            return new DeviceUnavailableException("no NVIDIA driver: libcuda.so.1 could not be loaded (" + libcuda.group(1).trim()
                    + "); install the NVIDIA driver, or compute on the cpu", e);
        }
        return new DeviceUnavailableException("JCuda's driver library could not be loaded (" + text.lines().findFirst().orElse(text).trim()
                + "); check that the NVIDIA driver is installed, or compute on the cpu", e);
    }

    @Override
    public String driverVersion() {
        int[] version = new int[1];
        check(cuDriverGetVersion(version), "cuDriverGetVersion");
        return version[0] / 1000 + "." + version[0] % 1000 / 10;
    }

    @Override
    public String deviceName() {
        return deviceName;
    }

    @Override
    public long allocate(long bytes) {
        makeCurrent();
        DevicePointer p = new DevicePointer();
        check(cuMemAlloc(p, bytes), "cuMemAlloc(" + bytes + " bytes)");
        allocations.put(p.address(), p);
        return p.address();
    }

    @Override
    public void free(long address) {
        makeCurrent();
        check(cuMemFree(pointer(address)), "cuMemFree");
        allocations.remove(address);
    }

    @Override
    public void copyToDevice(long dst, float[] src, int count) {
        makeCurrent();
        check(cuMemcpyHtoD(pointer(dst), Pointer.to(src), (long) count * Sizeof.FLOAT), "cuMemcpyHtoD");
    }

    @Override
    public void copyToDevice(long dst, long[] src) {
        makeCurrent();
        check(cuMemcpyHtoD(pointer(dst), Pointer.to(src), (long) src.length * Sizeof.LONG), "cuMemcpyHtoD");
    }

    @Override
    public void copyToDevice(long dst, int[] src) {
        makeCurrent();
        check(cuMemcpyHtoD(pointer(dst), Pointer.to(src), (long) src.length * Sizeof.INT), "cuMemcpyHtoD");
    }

    @Override
    public ByteBuffer allocatePinned(int bytes) {
        makeCurrent();
        Pointer host = new Pointer();
        check(cuMemAllocHost(host, bytes), "cuMemAllocHost(" + bytes + " bytes)");
        // JCuda sets a pointer from cuMemAllocHost to a direct buffer over that memory; a slice of it is
        // big-endian until told otherwise, while the GPU reads the host's order.
        ByteBuffer buffer = host.getByteBuffer(0, bytes);
        if (buffer == null) throw new IllegalStateException("cuMemAllocHost: JCuda gave no buffer over the memory");
        buffer.order(ByteOrder.nativeOrder());
        pinned.put(buffer, host);
        return buffer;
    }

    @Override
    public void copyToDeviceAsync(long dst, ByteBuffer buffer, int offset, int bytes) {
        makeCurrent();
        Pointer host = pinned.get(buffer);
        if (host == null) throw new IllegalArgumentException("copyToDeviceAsync: a buffer that allocatePinned did not return");
        check(cuMemcpyHtoDAsync(pointer(dst), host.withByteOffset(offset), bytes, stream), "cuMemcpyHtoDAsync");
    }

    @Override
    public void copyToHost(float[] dst, long src, int count) {
        makeCurrent();
        check(cuMemcpyDtoH(Pointer.to(dst), pointer(src), (long) count * Sizeof.FLOAT), "cuMemcpyDtoH");
    }

    @Override
    public Module loadModule(byte[] ptx) {
        makeCurrent();
        CUmodule module = new CUmodule();
        // The driver reads PTX as a C string: it must end with a NUL byte.
        check(cuModuleLoadData(module, Arrays.copyOf(ptx, ptx.length + 1)), "cuModuleLoadData");
        return new JCudaModule(module);
    }

    @Override
    public Function function(Module module, String name) {
        makeCurrent();
        CUfunction function = new CUfunction();
        check(cuModuleGetFunction(function, ((JCudaModule) module).module(), name), "cuModuleGetFunction(" + name + ")");
        return new JCudaFunction(function);
    }

    @Override
    public void launch(Function function, int gridX, int gridY, int blockX, int blockY, Object... args) {
        makeCurrent();
        check(cuLaunchKernel(((JCudaFunction) function).function(), gridX, gridY, 1, blockX, blockY, 1,
                0, stream, arguments(args), null), "cuLaunchKernel");
    }

    @Override
    public void synchronize() {
        makeCurrent();
        check(cuCtxSynchronize(), "cuCtxSynchronize");
    }

    private record JCudaEvent(CUevent event) implements Event {}

    @Override
    public Event createEvent() {
        makeCurrent();
        CUevent event = new CUevent();
        check(cuEventCreate(event, 0), "cuEventCreate");   // 0: with timing (CU_EVENT_DEFAULT)
        return new JCudaEvent(event);
    }

    @Override
    public void record(Event event) {
        makeCurrent();
        check(cuEventRecord(((JCudaEvent) event).event(), stream), "cuEventRecord");   // the stream of every launch
    }

    @Override
    public float elapsedMillis(Event start, Event end) {
        makeCurrent();
        check(cuEventSynchronize(((JCudaEvent) end).event()), "cuEventSynchronize");
        float[] millis = new float[1];
        check(cuEventElapsedTime(millis, ((JCudaEvent) start).event(), ((JCudaEvent) end).event()), "cuEventElapsedTime");
        return millis[0];
    }

    @Override
    public void destroy(Event event) {
        makeCurrent();
        check(cuEventDestroy(((JCudaEvent) event).event()), "cuEventDestroy");
    }

    /** An instantiated graph; one made by {@link #graph} also keeps its graph and nodes, whose arguments {@link #update} sets. */
    private record JCudaGraph(CUgraphExec exec, CUgraph graph, CUgraphNode[] nodes) implements Graph {}

    @Override
    public void beginCapture() {
        makeCurrent();
        check(cuStreamBeginCapture(stream, CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_GLOBAL), "cuStreamBeginCapture");
    }

    @Override
    public Graph endCapture() {
        makeCurrent();
        CUgraph graph = new CUgraph();
        check(cuStreamEndCapture(stream, graph), "cuStreamEndCapture");
        try {
            CUgraphExec exec = new CUgraphExec();
            check(cuGraphInstantiate(exec, graph, 0), "cuGraphInstantiate");
            return new JCudaGraph(exec, null, null);
        } finally {
            check(cuGraphDestroy(graph), "cuGraphDestroy");   // the instantiated graph keeps its own copy
        }
    }

    @Override
    public void launch(Graph graph) {
        makeCurrent();
        check(cuGraphLaunch(((JCudaGraph) graph).exec(), stream), "cuGraphLaunch");
    }

    @Override
    public void destroy(Graph graph) {
        makeCurrent();
        JCudaGraph g = (JCudaGraph) graph;
        check(cuGraphExecDestroy(g.exec()), "cuGraphExecDestroy");   // a replay still running finishes first
        if (g.graph() != null) check(cuGraphDestroy(g.graph()), "cuGraphDestroy");
    }

    @Override
    public Graph graph(List<Call> calls) {
        makeCurrent();
        CUgraph graph = new CUgraph();
        check(cuGraphCreate(graph, 0), "cuGraphCreate");
        CUgraphNode[] nodes = new CUgraphNode[calls.size()];
        for (int i = 0; i < nodes.length; i++) {
            nodes[i] = new CUgraphNode();
            CUgraphNode[] after = i == 0 ? null : new CUgraphNode[] {nodes[i - 1]};
            int count = after == null ? 0 : 1;
            if (calls.get(i) instanceof Launch l) {
                check(cuGraphAddKernelNode(nodes[i], graph, after, count, kernelNode(l)), "cuGraphAddKernelNode");
            } else {
                check(cuGraphAddMemcpyNode(nodes[i], graph, after, count, memcpyNode((Upload) calls.get(i)), context), "cuGraphAddMemcpyNode");
            }
        }
        CUgraphExec exec = new CUgraphExec();
        check(cuGraphInstantiate(exec, graph, 0), "cuGraphInstantiate");
        return new JCudaGraph(exec, graph, nodes);
    }

    @Override
    public void update(Graph graph, int index, Call call) {
        makeCurrent();
        JCudaGraph g = (JCudaGraph) graph;
        if (g.nodes() == null) throw new IllegalArgumentException("update: a captured graph has no nodes to update; make it with graph()");
        if (call instanceof Launch l) {
            check(cuGraphExecKernelNodeSetParams(g.exec(), g.nodes()[index], kernelNode(l)), "cuGraphExecKernelNodeSetParams");
        } else {
            check(cuGraphExecMemcpyNodeSetParams(g.exec(), g.nodes()[index], memcpyNode((Upload) call), context), "cuGraphExecMemcpyNodeSetParams");
        }
    }

    /** A launch as a graph node's parameters (the driver copies the argument values when it takes them). */
    private static CUDA_KERNEL_NODE_PARAMS kernelNode(Launch l) {
        CUDA_KERNEL_NODE_PARAMS p = new CUDA_KERNEL_NODE_PARAMS();
        p.func = ((JCudaFunction) l.function()).function();
        p.gridDimX = l.gridX();
        p.gridDimY = l.gridY();
        p.gridDimZ = 1;
        p.blockDimX = l.blockX();
        p.blockDimY = l.blockY();
        p.blockDimZ = 1;
        p.sharedMemBytes = 0;
        p.kernelParams = arguments(l.args());
        return p;
    }

    /** An upload as a copy node's parameters: one row of bytes from page-locked host memory to the device. */
    private CUDA_MEMCPY3D memcpyNode(Upload u) {
        Pointer host = pinned.get(u.pinned());
        if (host == null) throw new IllegalArgumentException("graph: an upload from a buffer that allocatePinned did not return");
        CUDA_MEMCPY3D p = new CUDA_MEMCPY3D();
        p.srcMemoryType = CUmemorytype.CU_MEMORYTYPE_HOST;
        p.srcHost = host;
        p.srcXInBytes = u.offset();
        p.srcPitch = u.bytes();
        p.srcHeight = 1;
        p.dstMemoryType = CUmemorytype.CU_MEMORYTYPE_DEVICE;
        p.dstDevice = pointer(u.dst());
        p.dstPitch = u.bytes();
        p.dstHeight = 1;
        p.WidthInBytes = u.bytes();
        p.Height = 1;
        p.Depth = 1;
        return p;
    }

    /** The kernel parameter array of a launch: a pointer to each argument's bytes. */
    private static Pointer arguments(Object[] args) {
        Pointer[] values = new Pointer[args.length];
        for (int i = 0; i < args.length; i++) values[i] = argument(args[i]);
        return Pointer.to(values);
    }

    /** A pointer to one kernel argument's bytes: the driver copies as many as the parameter's size. */
    private static Pointer argument(Object arg) {
        if (arg instanceof Long v) return Pointer.to(new long[] {v});
        if (arg instanceof Integer v) return Pointer.to(new int[] {v});
        if (arg instanceof Float v) return Pointer.to(new float[] {v});
        if (arg instanceof int[] v) return Pointer.to(v);
        if (arg instanceof float[] v) return Pointer.to(v);
        throw new IllegalArgumentException("kernel argument of type " + (arg == null ? "null" : arg.getClass().getSimpleName())
                + ": pass a Long (address), Integer, Float, int[] or float[]");
    }

    private DevicePointer pointer(long address) {
        DevicePointer p = allocations.get(address);
        if (p == null) throw new IllegalArgumentException("0x" + Long.toHexString(address) + " is not an address allocate() returned");
        return p;
    }

    private void makeCurrent() {
        if (!contextIsCurrent.get()) {
            check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
            contextIsCurrent.set(true);
        }
    }

    private static int attribute(CUdevice device, int attribute) {
        int[] value = new int[1];
        check(cuDeviceGetAttribute(value, attribute, device), "cuDeviceGetAttribute");
        return value[0];
    }

    private static String cString(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) end++;
        return new String(bytes, 0, end, StandardCharsets.US_ASCII);
    }

    private static void check(int result, String call) {
        if (result != CUresult.CUDA_SUCCESS) throw new CudaError(call, result, CUresult.stringFor(result));
    }
}
