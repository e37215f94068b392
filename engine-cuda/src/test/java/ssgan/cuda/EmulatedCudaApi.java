package ssgan.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import ssgan.engine.device.DeviceUnavailableException;
import ssgan.engine.kernels.BinaryOp;
import ssgan.engine.kernels.GaussianKernel;
import ssgan.engine.kernels.UnaryOp;

/**
 * A {@link CudaApi} with no GPU behind it: device memory is heap buffers, and each kernel is a plain
 * Java twin of its CUDA source. Every launch is first checked against the kernel's signature in the
 * committed PTX (the count, order and types of its parameters), so the Java side's calls are tested
 * exactly as the driver would take them; the twins then give results to compare with the cpu ops. What
 * this cannot check is the CUDA code itself: that is for the tests on a real GPU, and for PtxTest.
 */
final class EmulatedCudaApi implements CudaApi {
    /** A device built on it, for tests that run everywhere. */
    static CudaDevice device() {
        EmulatedCudaApi api = new EmulatedCudaApi();
        try {
            return CudaDevice.open(api, 0);
        } catch (DeviceUnavailableException e) {
            throw new AssertionError(e);
        }
    }

    private record Module(Map<String, List<String>> signatures) implements CudaApi.Module {}

    /** A kernel and its parameter types as PTX writes them: u64, u32, f32, or b8[bytes] for a struct. */
    private record Function(String name, List<String> parameters) implements CudaApi.Function {}

    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+(\\w+)\\s*\\(([^)]*)\\)");
    private static final Pattern PARAMETER = Pattern.compile("\\.param\\s+(?:\\.align\\s+\\d+\\s+)?\\.(\\w+)\\s+\\w+(?:\\[(\\d+)\\])?");

    /**
     * Allocation i (from 1) lives at address i·2^32, so that an address splits into the allocation's
     * number and an offset; a freed one is null. (A list, not a map: kernels look memory up per element.)
     */
    private final List<ByteBuffer> memory = new ArrayList<>(Collections.singletonList(null));

    @Override
    public String deviceName() {
        return "emulated";
    }

    @Override
    public String driverVersion() {
        return "0.0";
    }

    @Override
    public long allocate(long bytes) {
        refuseWhileCapturing("cuMemAlloc");
        assertTrue(bytes > 0 && bytes < (1L << 32), "allocate " + bytes + " bytes");
        ByteBuffer block = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        Arrays.fill(block.array(), (byte) 0xFF);   // new memory holds garbage, as on a GPU: every float reads NaN until written
        memory.add(block);
        return (long) (memory.size() - 1) << 32;
    }

    @Override
    public void free(long address) {
        refuseWhileCapturing("cuMemFree");
        assertTrue(offset(address) == 0 && buffer(address) != null, "free of an address that allocate did not return");
        memory.set((int) (address >>> 32), null);
    }

    /** Copies that make a real host wait for the device: from pageable memory to it, and every copy back. */
    private long blockingCopies;

    long blockingCopies() {
        return blockingCopies;
    }

    @Override
    public void copyToDevice(long dst, float[] src, int count) {
        refuseWhileCapturing("cuMemcpyHtoD");
        blockingCopies++;
        for (int i = 0; i < count; i++) setFloat(dst, i, src[i]);
    }

    @Override
    public void copyToDevice(long dst, long[] src) {
        refuseWhileCapturing("cuMemcpyHtoD");
        blockingCopies++;
        for (int i = 0; i < src.length; i++) buffer(dst).putLong(offset(dst) + 8 * i, src[i]);
    }

    @Override
    public void copyToDevice(long dst, int[] src) {
        refuseWhileCapturing("cuMemcpyHtoD");
        blockingCopies++;
        for (int i = 0; i < src.length; i++) buffer(dst).putInt(offset(dst) + 4 * i, src[i]);
    }

    /**
     * An async copy still pending on a real GPU: the staging bytes it was queued with, which must still be
     * there when the device catches up, since a GPU may read them at any moment until then.
     */
    private record PendingCopy(ByteBuffer pinned, int offset, byte[] bytes) {}

    private final List<PendingCopy> pending = new ArrayList<>();

    @Override
    public ByteBuffer allocatePinned(int bytes) {
        return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    }

    /** Copies at once (the emulator has no queue), and remembers the bytes to check them at the next synchronisation. */
    @Override
    public void copyToDeviceAsync(long dst, ByteBuffer pinned, int offset, int bytes) {
        assertTrue(capture == null, "copyToDeviceAsync while capturing: the emulator records launches only (CudaDevice refuses uploads in a capture)");
        byte[] copy = new byte[bytes];
        pinned.get(offset, copy);
        assertTrue(offset(dst) + bytes <= buffer(dst).capacity(), "copyToDeviceAsync: " + bytes + " bytes past the end of the allocation");
        buffer(dst).put(offset(dst), copy);
        pending.add(new PendingCopy(pinned, offset, copy));
    }

    /** The device has caught up: every pending copy must have found its staging bytes unchanged until now. */
    private void caughtUp() {
        for (PendingCopy c : pending) {
            byte[] now = new byte[c.bytes().length];
            c.pinned().get(c.offset(), now);
            assertTrue(Arrays.equals(c.bytes(), now), "the page-locked bytes of an async copy (offset " + c.offset()
                    + ", " + now.length + " bytes) were overwritten before the device caught up: a GPU may have copied the new ones");
        }
        pending.clear();
    }

    @Override
    public void copyToHost(float[] dst, long src, int count) {
        refuseWhileCapturing("cuMemcpyDtoH");
        blockingCopies++;
        caughtUp();
        for (int i = 0; i < count; i++) dst[i] = getFloat(src, i);
    }

    @Override
    public CudaApi.Module loadModule(byte[] ptx) {
        Map<String, List<String>> signatures = new HashMap<>();
        Matcher entry = ENTRY.matcher(new String(ptx, StandardCharsets.US_ASCII));
        while (entry.find()) {
            List<String> types = new ArrayList<>();
            Matcher p = PARAMETER.matcher(entry.group(2));
            while (p.find()) types.add(p.group(2) == null ? p.group(1) : p.group(1) + "[" + p.group(2) + "]");
            signatures.put(entry.group(1), types);
        }
        return new Module(signatures);
    }

    @Override
    public CudaApi.Function function(CudaApi.Module module, String name) {
        List<String> parameters = ((Module) module).signatures().get(name);
        assertTrue(parameters != null, "no kernel " + name + " in the module");
        return new Function(name, parameters);
    }

    @Override
    public void synchronize() {
        refuseWhileCapturing("cuCtxSynchronize");
        caughtUp();
    }

    /** The emulator runs each call as it comes, so an event's stamp is the host's clock when it is recorded. */
    private static final class Event implements CudaApi.Event {
        long nanos = -1;
        boolean destroyed;
    }

    @Override
    public CudaApi.Event createEvent() {
        return new Event();
    }

    @Override
    public void record(CudaApi.Event event) {
        assertTrue(capture == null, "record: the emulator does not record events into a graph");
        assertTrue(!((Event) event).destroyed, "record: the event was destroyed");
        ((Event) event).nanos = System.nanoTime();
    }

    @Override
    public float elapsedMillis(CudaApi.Event start, CudaApi.Event end) {
        Event from = (Event) start, to = (Event) end;
        refuseWhileCapturing("cuEventSynchronize");
        assertTrue(from.nanos >= 0 && to.nanos >= 0 && !from.destroyed && !to.destroyed, "elapsedMillis: both events must be recorded, and not destroyed");
        caughtUp();
        return (to.nanos - from.nanos) / 1e6f;
    }

    @Override
    public void destroy(CudaApi.Event event) {
        ((Event) event).destroyed = true;
    }

    /** The graph being recorded (launches with their arguments as they were when recorded), or null. */
    private List<Call> capture;
    private long graphsMade;
    private long graphLaunches;
    /** Kernel name → how many times it ran. */
    private final Map<String, Long> kernelsRun = new HashMap<>();

    private static final class Graph implements CudaApi.Graph {
        final List<Call> calls;
        final boolean made;   // by graph(), whose calls update() may change; else captured
        boolean destroyed;

        Graph(List<Call> calls, boolean made) {
            this.calls = calls;
            this.made = made;
        }
    }

    /** Fails as the driver does for a call that a stream capture does not allow (CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED). */
    private void refuseWhileCapturing(String call) {
        if (capture != null) throw new CudaError(call, 900, "CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED");
    }

    @Override
    public void beginCapture() {
        assertTrue(capture == null, "beginCapture: already capturing");
        capture = new ArrayList<>();
    }

    @Override
    public CudaApi.Graph endCapture() {
        assertTrue(capture != null, "endCapture without beginCapture");
        Graph graph = new Graph(capture, false);
        capture = null;
        return graph;
    }

    /**
     * Runs the graph's calls in order, with the arguments they were recorded or last updated with; an
     * upload reads its page-locked bytes now, as a GPU reads them when the graph runs.
     */
    @Override
    public void launch(CudaApi.Graph graph) {
        Graph g = (Graph) graph;
        assertTrue(!g.destroyed, "launch of a destroyed graph");
        assertTrue(capture == null, "the emulator does not record a graph launch into another graph");
        graphLaunches++;
        for (Call c : g.calls) {
            if (c instanceof Launch l) {
                run((Function) l.function(), l.gridX(), l.gridY(), l.blockX(), l.blockY(), l.args());
            } else {
                Upload u = (Upload) c;
                copyToDeviceAsync(u.dst(), u.pinned(), u.offset(), u.bytes());
            }
        }
    }

    @Override
    public void destroy(CudaApi.Graph graph) {
        Graph g = (Graph) graph;
        assertTrue(!g.destroyed, "a graph destroyed twice");
        g.destroyed = true;
    }

    /** A graph of the calls, each checked as the driver checks a node: launches against their kernel's signature. */
    @Override
    public CudaApi.Graph graph(List<Call> calls) {
        refuseWhileCapturing("cuGraphCreate");
        for (Call c : calls) {
            if (c instanceof Launch l) checkSignature((Function) l.function(), l.args());
        }
        graphsMade++;
        return new Graph(new ArrayList<>(calls), true);
    }

    /** As cuGraphExecKernelNodeSetParams and cuGraphExecMemcpyNodeSetParams: the same kind of node, kernel and geometry, or buffer and size. */
    @Override
    public void update(CudaApi.Graph graph, int index, Call call) {
        Graph g = (Graph) graph;
        assertTrue(g.made && !g.destroyed, "update: a graph made by graph() and not destroyed");
        Call was = g.calls.get(index);
        if (was instanceof Launch a && call instanceof Launch b) {
            assertTrue(a.function() == b.function() && a.gridX() == b.gridX() && a.gridY() == b.gridY()
                    && a.blockX() == b.blockX() && a.blockY() == b.blockY(), "update: another kernel or geometry for node " + index);
            checkSignature((Function) b.function(), b.args());
        } else if (was instanceof Upload a && call instanceof Upload b) {
            assertTrue(a.pinned() == b.pinned() && a.bytes() == b.bytes(), "update: another buffer or size for copy node " + index);
        } else {
            fail("update: node " + index + " is a " + was.getClass().getSimpleName() + ", not a " + call.getClass().getSimpleName());
        }
        g.calls.set(index, call);
    }

    /** How many times kernel {@code name} has run, launched on its own or in a graph. */
    long runs(String name) {
        return kernelsRun.getOrDefault(name, 0L);
    }

    /** How many graphs graph() made, and how many graph launches ran (captured or made). */
    long graphsMade() {
        return graphsMade;
    }

    long graphLaunches() {
        return graphLaunches;
    }

    /** Recorded while capturing (its array arguments copied, as the driver copies parameter values), else run now. */
    @Override
    public void launch(CudaApi.Function function, int gridX, int gridY, int blockX, int blockY, Object... args) {
        Function f = (Function) function;
        checkSignature(f, args);
        if (capture != null) {
            Object[] values = args.clone();
            for (int i = 0; i < values.length; i++) {
                if (values[i] instanceof int[] a) values[i] = a.clone();
                if (values[i] instanceof float[] a) values[i] = a.clone();
            }
            capture.add(new Launch(f, gridX, gridY, blockX, blockY, values));
            return;
        }
        run(f, gridX, gridY, blockX, blockY, args);
    }

    private void run(Function f, int gridX, int gridY, int blockX, int blockY, Object... args) {
        kernelsRun.merge(f.name(), 1L, Long::sum);
        assertTrue(gridX > 0 && gridY > 0 && blockX > 0 && blockY > 0 && blockX * blockY <= 1024, f.name() + ": launch geometry");
        switch (f.name()) {
            case "fill" -> {
                long x = (Long) args[0];
                for (int i = 0; i < (Integer) args[2]; i++) setFloat(x, i, (Float) args[1]);
            }
            case "scale" -> {
                long y = (Long) args[0], x = (Long) args[1];
                for (int i = 0; i < (Integer) args[3]; i++) setFloat(y, i, (Float) args[2] * getFloat(x, i));
            }
            case "add_scalar" -> {
                long y = (Long) args[0], x = (Long) args[1];
                for (int i = 0; i < (Integer) args[3]; i++) setFloat(y, i, getFloat(x, i) + (Float) args[2]);
            }
            case "axpy" -> {
                long y = (Long) args[0], x = (Long) args[1];
                float a = (Float) args[2];
                int incx = (Integer) args[3];
                for (int i = 0; i < (Integer) args[4]; i++) setFloat(y, i, getFloat(y, i) + a * getFloat(x, i * incx));
            }
            case "lerp" -> {
                long a = (Long) args[0], x = (Long) args[1];
                float t = (Float) args[2];
                for (int i = 0; i < (Integer) args[3]; i++) setFloat(a, i, getFloat(a, i) + t * (getFloat(x, i) - getFloat(a, i)));
            }
            case "binary" -> {
                BinaryOp op = BinaryOp.values()[(Integer) args[0]];
                long out = (Long) args[1], a = (Long) args[2], b = (Long) args[3];
                boolean accumulate = (Integer) args[5] != 0;
                for (int i = 0; i < (Integer) args[4]; i++) {
                    float v = op.apply(getFloat(a, i), getFloat(b, i));
                    setFloat(out, i, accumulate ? getFloat(out, i) + v : v);
                }
            }
            case "broadcast_binary" -> {
                BinaryOp op = BinaryOp.values()[(Integer) args[0]];
                long out = (Long) args[1], a = (Long) args[2], b = (Long) args[3];
                int[] shape = (int[]) args[4], aStrides = (int[]) args[5], bStrides = (int[]) args[6];
                boolean accumulate = (Integer) args[8] != 0;
                for (int i = 0; i < (Integer) args[7]; i++) {
                    float v = op.apply(getFloat(a, offsetOf(i, shape, aStrides)), getFloat(b, offsetOf(i, shape, bStrides)));
                    setFloat(out, i, accumulate ? getFloat(out, i) + v : v);
                }
            }
            case "sum_to_shape" -> {
                assertEquals(CudaKernels.THREADS, blockX, "block_sum needs BLOCK_SUM_THREADS threads");
                long g = (Long) args[0], target = (Long) args[1];
                int[] kept = (int[]) args[2], reduced = (int[]) args[3], gStrides = (int[]) args[4];
                for (int t = 0; t < (Integer) args[5]; t++) {
                    float s = 0;
                    int base = offsetOf(t, kept, gStrides);
                    for (int j = 0; j < (Integer) args[6]; j++) s += getFloat(g, base + offsetOf(j, reduced, gStrides));
                    setFloat(target, t, getFloat(target, t) + (Float) args[7] * s);
                }
            }
            case "sum_blocks" -> {
                assertEquals(CudaKernels.THREADS, blockX, "block_sum needs BLOCK_SUM_THREADS threads");
                long x = (Long) args[0], partial = (Long) args[1];
                float[] sums = new float[gridX];
                for (int i = 0; i < (Integer) args[2]; i++) sums[i % (gridX * blockX) / blockX] += getFloat(x, i);
                for (int b = 0; b < gridX; b++) setFloat(partial, b, (Float) args[3] * sums[b]);
            }
            case "sgemm" -> sgemm(gridX, gridY, blockX, blockY, args);
            case "linear_forward" -> linearForward(gridX, gridY, blockX, blockY, args);
            case "add_column_sums" -> {
                long g = (Long) args[0], target = (Long) args[1];
                int rows = (Integer) args[2], cols = (Integer) args[3];
                for (int c = 0; c < cols; c++) {
                    float s = 0;
                    for (int r = 0; r < rows; r++) s += getFloat(g, r * cols + c);
                    setFloat(target, c, getFloat(target, c) + s);
                }
            }
            case "unary" -> {
                UnaryOp op = UnaryOp.values()[(Integer) args[0]];
                long y = (Long) args[1], x = (Long) args[2];
                for (int i = 0; i < (Integer) args[3]; i++) setFloat(y, i, op.apply(getFloat(x, i)));
            }
            case "unary_backward" -> {
                UnaryOp op = UnaryOp.values()[(Integer) args[0]];
                long gradX = (Long) args[1], x = (Long) args[2], y = (Long) args[3], g = (Long) args[4];
                boolean accumulate = (Integer) args[6] != 0;
                for (int i = 0; i < (Integer) args[5]; i++) {
                    float v = op.derivative(getFloat(x, i), getFloat(y, i)) * getFloat(g, i);
                    setFloat(gradX, i, accumulate ? getFloat(gradX, i) + v : v);
                }
            }
            case "copy_runs" -> {
                long dst = (Long) args[0], src = (Long) args[2];
                int dstStride = (Integer) args[1], srcStride = (Integer) args[3], runs = (Integer) args[4], run = (Integer) args[5];
                boolean accumulate = (Integer) args[6] != 0;
                for (int r = 0; r < runs; r++) {
                    for (int j = 0; j < run; j++) {
                        float v = getFloat(src, r * srcStride + j);
                        setFloat(dst, r * dstStride + j, accumulate ? getFloat(dst, r * dstStride + j) + v : v);
                    }
                }
            }
            case "gather_rows" -> {
                long dst = (Long) args[0], src = (Long) args[1], rows = (Long) args[2];
                int n = (Integer) args[3], row = (Integer) args[4];
                for (int r = 0; r < n; r++) {
                    int from = buffer(rows).getInt(offset(rows) + 4 * r);
                    for (int j = 0; j < row; j++) setFloat(dst, r * row + j, getFloat(src, from * row + j));
                }
            }
            case "shift_images" -> {
                long dst = (Long) args[0], src = (Long) args[1], offsets = (Long) args[2];
                int n = (Integer) args[3], planes = (Integer) args[4], h = (Integer) args[5], w = (Integer) args[6];
                float background = (Float) args[7];
                for (int image = 0; image < n; image++) {
                    int dx = buffer(offsets).getInt(offset(offsets) + 8 * image), dy = buffer(offsets).getInt(offset(offsets) + 8 * image + 4);
                    for (int p = 0; p < planes; p++) {
                        int base = (image * planes + p) * h * w;
                        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
                            int sx = x - dx, sy = y - dy;
                            boolean inside = sx >= 0 && sx < w && sy >= 0 && sy < h;
                            setFloat(dst, base + y * w + x, inside ? getFloat(src, base + sy * w + sx) : background);
                        }
                    }
                }
            }
            case "warp_images" -> {
                long dst = (Long) args[0], src = (Long) args[1], maps = (Long) args[2], moves = (Long) args[3];
                int n = (Integer) args[4], planes = (Integer) args[5], h = (Integer) args[6], w = (Integer) args[7];
                float background = (Float) args[8];
                double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
                for (int image = 0; image < n; image++) {
                    double[] m = new double[4];
                    for (int j = 0; j < 4; j++) {
                        long lo = buffer(maps).getInt(offset(maps) + 32 * image + 8 * j) & 0xffffffffL;
                        long hi = buffer(maps).getInt(offset(maps) + 32 * image + 8 * j + 4);
                        m[j] = Double.longBitsToDouble(hi << 32 | lo);   // __hiloint2double(hi, lo)
                    }
                    for (int p = 0; p < planes; p++) {
                        int base = (image * planes + p) * h * w;
                        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
                            double u = x - cx, v = y - cy;
                            double sx = m[0] * u + m[1] * v + cx, sy = m[2] * u + m[3] * v + cy;
                            if (moves != 0) {
                                sx += getFloat(moves, 2 * image * h * w + y * w + x);
                                sy += getFloat(moves, 2 * image * h * w + h * w + y * w + x);
                            }
                            int x0 = (int) Math.floor(sx), y0 = (int) Math.floor(sy);
                            double fx = sx - x0, fy = sy - y0;
                            double top = (1 - fx) * warpPixel(src, base, h, w, x0, y0, background) + fx * warpPixel(src, base, h, w, x0 + 1, y0, background);
                            double bottom = (1 - fx) * warpPixel(src, base, h, w, x0, y0 + 1, background)
                                    + fx * warpPixel(src, base, h, w, x0 + 1, y0 + 1, background);
                            setFloat(dst, base + y * w + x, (float) ((1 - fy) * top + fy * bottom));
                        }
                    }
                }
            }
            case "im2col", "col2im", "swap_leading" -> convolution(f.name(), args);
            case "bilinear", "bilinear_backward" -> bilinear(f.name().equals("bilinear_backward"), args);
            case "channel_moments", "channel_gradient_sums", "row_norms" -> {
                assertEquals(CudaKernels.THREADS, blockX, "block_sum needs BLOCK_SUM_THREADS threads");
                perBlockSum(f.name(), args);
            }
            case "batch_norm_coefficients", "update_running_stats", "batch_norm_gradient_coefficients" -> perChannelConstants(f.name(), args);
            case "channel_affine" -> {
                long x = (Long) args[0], scale = (Long) args[1], shift = (Long) args[2], y = (Long) args[4];
                float slope = (Float) args[3];
                int c = (Integer) args[5], hw = (Integer) args[6];
                for (int i = 0; i < (Integer) args[7]; i++) {
                    int ch = i / hw % c;
                    float z = Math.fma(getFloat(x, i), getFloat(scale, ch), shift == 0 ? 0f : getFloat(shift, ch));
                    setFloat(y, i, z > 0 ? z : slope * z);
                }
            }
            case "channel_combine" -> {
                long dy = (Long) args[0], gate = (Long) args[1], x = (Long) args[3], a = (Long) args[4], b = (Long) args[5], k = (Long) args[6];
                long dx = (Long) args[7];
                float slope = (Float) args[2];
                int c = (Integer) args[8], hw = (Integer) args[9];
                for (int i = 0; i < (Integer) args[10]; i++) {
                    int ch = i / hw % c;
                    float v = getFloat(a, ch) * gated(getFloat(dy, i), getFloat(gate, i), slope);
                    if (b != 0) v = v + getFloat(b, ch) * getFloat(x, i) + getFloat(k, ch);
                    setFloat(dx, i, (Integer) args[11] != 0 ? getFloat(dx, i) + v : v);
                }
            }
            case "row_norms_backward" -> {
                long v = (Long) args[0], norms = (Long) args[1], g = (Long) args[2], dv = (Long) args[3];
                int cols = (Integer) args[5];
                for (int i = 0; i < (Integer) args[4] * cols; i++) {
                    float norm = getFloat(norms, i / cols);
                    float a = norm > 0 ? getFloat(g, i / cols) / norm : 0f;
                    setFloat(dv, i, getFloat(dv, i) + a * getFloat(v, i));
                }
            }
            case "log_sum_exp", "softmax", "softmax_backward", "argmax" -> alongDim(f.name(), args);
            case "cross_entropy", "cross_entropy_backward" -> crossEntropy(f.name(), args);
            case "gaussian" -> {
                long out = (Long) args[0], x = (Long) args[1], seed = (Long) args[5];
                int n = (Integer) args[2];
                double mean = (Float) args[3], std = (Float) args[4];
                for (int p = 0; 2 * p < n; p++) { // random.cu's loop step, in Java's double arithmetic
                    long h = GaussianKernel.hash(seed, p);
                    double u = 1.0 - ((h >>> 9) & 0x7f_ffff) * 0x1p-23;
                    double t = (h >>> 41) * 0x1p-23;
                    double radius = Math.sqrt(-2.0 * StrictMath.log(u));
                    double[] z = {radius * StrictMath.cos(2.0 * Math.PI * t), radius * StrictMath.sin(2.0 * Math.PI * t)};
                    for (int j = 2 * p; j < Math.min(2 * p + 2, n); j++) {
                        setFloat(out, j, (x == 0 ? 0f : getFloat(x, j)) + (float) (mean + std * z[j - 2 * p]));
                    }
                }
            }
            case "adam" -> adam(gridY, args);
            default -> throw new AssertionError("no Java twin for kernel " + f.name());
        }
    }

    private void sgemm(int gridX, int gridY, int blockX, int blockY, Object[] args) {
        boolean transA = (Integer) args[0] != 0, transB = (Integer) args[1] != 0;
        int m = (Integer) args[2], n = (Integer) args[3], k = (Integer) args[4];
        float alpha = (Float) args[5];
        long a = (Long) args[6], b = (Long) args[8], c = (Long) args[10];
        int lda = (Integer) args[7], ldb = (Integer) args[9], ldc = (Integer) args[11];
        boolean accumulate = (Integer) args[12] != 0;
        checkGemmLaunch("sgemm", gridX, gridY, blockX, blockY, m, n);
        float[] products = products(transA, transB, m, n, k, a, lda, b, ldb);
        float[] cs = read(c, (m - 1) * ldc + n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int at = i * ldc + j;
                float v = alpha * products[i * n + j];
                cs[at] = accumulate ? cs[at] + v : v;
            }
        }
        write(c, cs);
    }

    /** gemm.cu's linear_forward: sgemm's products, then the epilogue with channel_affine's rounding. */
    private void linearForward(int gridX, int gridY, int blockX, int blockY, Object[] args) {
        int m = (Integer) args[0], n = (Integer) args[1], k = (Integer) args[2];
        long x = (Long) args[3], w = (Long) args[4], scale = (Long) args[5], shift = (Long) args[6];
        float slope = (Float) args[7];
        long product = (Long) args[8], y = (Long) args[9];
        checkGemmLaunch("linear_forward", gridX, gridY, blockX, blockY, m, n);
        float[] t = products(false, true, m, n, k, x, k, w, k);
        float[] scales = scale == 0 ? null : read(scale, n), shifts = shift == 0 ? new float[n] : read(shift, n);
        float[] out = new float[m * n];
        for (int i = 0; i < m * n; i++) {
            int c = i % n;
            float z = scales == null ? t[i] + shifts[c] : Math.fma(t[i], scales[c], shifts[c]);
            out[i] = z > 0 ? z : slope * z;
        }
        if (product != 0) write(product, t);
        write(y, out);
    }

    private static void checkGemmLaunch(String kernel, int gridX, int gridY, int blockX, int blockY, int m, int n) {
        assertTrue(blockX == CudaKernels.GEMM_THREADS && blockY == CudaKernels.GEMM_THREADS, kernel + ": block of 16 × 16 threads");
        assertTrue(gridX * CudaKernels.GEMM_TILE >= n && gridY * CudaKernels.GEMM_TILE >= m, kernel + ": the grid covers the result");
    }

    /** op(A)·op(B), m × n, each element summed in k order as a thread of gemm.cu's gemm_tile adds. */
    private float[] products(boolean transA, boolean transB, int m, int n, int k, long a, int lda, long b, int ldb) {
        // Read into arrays once: a model's layers are millions of products, too many for a lookup each.
        float[] as = read(a, k == 0 ? 0 : (transA ? (k - 1) * lda + m : (m - 1) * lda + k));
        float[] bs = read(b, k == 0 ? 0 : (transB ? (n - 1) * ldb + k : (k - 1) * ldb + n));
        // op(A)'s rows and op(B)'s columns laid out contiguously, so that each dot product streams
        float[] rows = new float[m * k], columns = new float[n * k];
        for (int p = 0; p < k; p++) {
            for (int i = 0; i < m; i++) rows[i * k + p] = as[transA ? p * lda + i : i * lda + p];
            for (int j = 0; j < n; j++) columns[j * k + p] = bs[transB ? j * ldb + p : p * ldb + j];
        }
        float[] products = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j0 = 0; j0 < n; j0 += 4) {
                // Four dot products side by side, each in k order: independent chains, so the JIT overlaps them.
                int width = Math.min(4, n - j0);
                float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                int row = i * k, b0 = j0 * k, b1 = Math.min(j0 + 1, n - 1) * k, b2 = Math.min(j0 + 2, n - 1) * k, b3 = Math.min(j0 + 3, n - 1) * k;
                for (int p = 0; p < k; p++) {
                    float x = rows[row + p];
                    s0 += x * columns[b0 + p];
                    s1 += x * columns[b1 + p];
                    s2 += x * columns[b2 + p];
                    s3 += x * columns[b3 + p];
                }
                int at = i * n + j0;
                products[at] = s0;
                if (width > 1) products[at + 1] = s1;
                if (width > 2) products[at + 2] = s2;
                if (width > 3) products[at + 3] = s3;
            }
        }
        return products;
    }

    /** convolution.cu's kernels, element by element as their threads take them; g is its struct ConvGeometry. */
    private void convolution(String kernel, Object[] args) {
        if (kernel.equals("swap_leading")) {
            long in = (Long) args[0], bias = (Long) args[1], out = (Long) args[2];
            int a = (Integer) args[3], b = (Integer) args[4], plane = (Integer) args[5];
            boolean accumulate = (Integer) args[6] != 0;
            float[] x = read(in, a * b * plane), biases = bias == 0 ? null : read(bias, a), y = read(out, a * b * plane);
            for (int o = 0; o < y.length; o++) {
                int j = o / plane / a, i = o / plane % a, e = o % plane;
                float v = x[(i * b + j) * plane + e] + (biases == null ? 0f : biases[i]);
                y[o] = accumulate ? y[o] + v : v;
            }
            write(out, y);
            return;
        }
        int[] g = (int[]) args[kernel.equals("im2col") ? 2 : 3];
        int batch = g[0], channels = g[1], height = g[2], width = g[3], kernelH = g[5], kernelW = g[6];
        int strideH = g[7], strideW = g[8], padTop = g[9], padLeft = g[10], outH = g[11], outW = g[12];
        int taps = kernelH * kernelW, p = outH * outW, cols = batch * p, plane = height * width;
        if (kernel.equals("im2col")) {
            float[] image = read((Long) args[0], batch * channels * plane), col = new float[channels * taps * cols];
            for (int i = 0; i < col.length; i++) {
                int row = i / cols, column = i % cols;
                int c = row / taps, ky = row % taps / kernelW, kx = row % kernelW;
                int n = column / p, oy = column % p / outW, ox = column % outW;
                int y = oy * strideH - padTop + ky, x = ox * strideW - padLeft + kx;
                boolean inside = y >= 0 && y < height && x >= 0 && x < width;
                col[i] = inside ? image[((n * channels + c) * height + y) * width + x] : 0f;
            }
            write((Long) args[1], col);
            return;
        }
        long bias = (Long) args[1];
        boolean accumulate = (Integer) args[4] != 0;
        float[] col = read((Long) args[0], channels * taps * cols), biases = bias == 0 ? null : read(bias, channels);
        float[] image = read((Long) args[2], batch * channels * plane);
        for (int i = 0; i < image.length; i++) { // col2im
            int n = i / plane / channels, c = i / plane % channels, y = i % plane / width, x = i % width;
            float s = biases == null ? 0f : biases[c];
            for (int ky = 0; ky < kernelH; ky++) {
                int oy = windowAt(y, ky, strideH, padTop, outH);
                if (oy < 0) continue;
                for (int kx = 0; kx < kernelW; kx++) {
                    int ox = windowAt(x, kx, strideW, padLeft, outW);
                    if (ox >= 0) s += col[((c * kernelH + ky) * kernelW + kx) * cols + n * p + oy * outW + ox];
                }
            }
            image[i] = accumulate ? image[i] + s : s;
        }
        write((Long) args[2], image);
    }

    /** convolution.cu's window_at. */
    private static int windowAt(int i, int k, int stride, int pad, int out) {
        int t = i + pad - k;
        if (t < 0 || t % stride != 0 || t / stride >= out) return -1;
        return t / stride;
    }

    /** resize.cu's bilinear and bilinear_backward (a gather: each input pixel sums the outputs that read it). */
    private void bilinear(boolean backward, Object[] args) {
        int planes = (Integer) args[2], h = (Integer) args[3], w = (Integer) args[4], oh = (Integer) args[5], ow = (Integer) args[6];
        float[] in = read((Long) args[0], planes * (backward ? oh * ow : h * w));
        float[] out = read((Long) args[1], planes * (backward ? h * w : oh * ow));
        if (!backward) {
            for (int i = 0; i < out.length; i++) {
                int p = i / (oh * ow), oy = i / ow % oh, ox = i % ow, plane = p * h * w;
                Tap r = Tap.of(oy, h, oh), c = Tap.of(ox, w, ow);
                float top = c.wLo * in[plane + r.lo * w + c.lo] + c.wHi * in[plane + r.lo * w + c.hi];
                float bottom = c.wLo * in[plane + r.hi * w + c.lo] + c.wHi * in[plane + r.hi * w + c.hi];
                out[i] = r.wLo * top + r.wHi * bottom;
            }
        } else {
            for (int i = 0; i < out.length; i++) {
                int p = i / (h * w), iy = i / w % h, ix = i % w, plane = p * oh * ow;
                int oy0 = Tap.firstOutputFrom(iy - 1, h, oh), oy1 = Tap.firstOutputFrom(iy + 1, h, oh);
                int ox0 = Tap.firstOutputFrom(ix - 1, w, ow), ox1 = Tap.firstOutputFrom(ix + 1, w, ow);
                float s = 0;
                for (int oy = oy0; oy < oy1; oy++) {
                    float wy = Tap.of(oy, h, oh).weight(iy);
                    for (int ox = ox0; ox < ox1; ox++) s += wy * Tap.of(ox, w, ow).weight(ix) * in[plane + oy * ow + ox];
                }
                out[i] += s;
            }
        }
        write((Long) args[1], out);
    }

    /** resize.cu's struct Tap and its functions: one output index's source indices and weights along an axis. */
    private record Tap(int lo, int hi, float wLo, float wHi) {
        static Tap of(int o, int in, int out) {
            float scale = (float) in / out;
            float src = Math.max(0f, scale * (o + 0.5f) - 0.5f);
            int lo = Math.min((int) src, in - 1);
            float wHi = src - lo;
            return new Tap(lo, lo < in - 1 ? lo + 1 : lo, 1f - wHi, wHi);
        }

        float weight(int i) {
            return (lo == i ? wLo : 0f) + (hi == i ? wHi : 0f);
        }

        static int firstOutputFrom(int i, int in, int out) {
            int a = 0, b = out;
            while (a < b) {
                int m = (a + b) / 2;
                if (of(m, in, out).lo >= i) b = m;
                else a = m + 1;
            }
            return a;
        }
    }

    /** {@code count} floats from {@code address} on. */
    private float[] read(long address, int count) {
        float[] values = new float[Math.max(0, count)];
        buffer(address).slice(offset(address), 4 * values.length).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    /** {@code values} into memory from {@code address} on. */
    private void write(long address, float[] values) {
        buffer(address).slice(offset(address), 4 * values.length).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(values);
    }

    /** normalization.cu's kernels that give each channel (or row) a block and add up with block_sum. */
    private void perBlockSum(String kernel, Object[] args) {
        if (kernel.equals("row_norms")) {
            long v = (Long) args[0], norms = (Long) args[1];
            int cols = (Integer) args[3];
            for (int r = 0; r < (Integer) args[2]; r++) {
                float s = 0;
                for (int j = 0; j < cols; j++) s += getFloat(v, r * cols + j) * getFloat(v, r * cols + j);
                setFloat(norms, r, (float) Math.sqrt(s));
            }
            return;
        }
        boolean moments = kernel.equals("channel_moments");
        long x = (Long) args[moments ? 0 : 3];
        int n = (Integer) args[moments ? 1 : 5], c = (Integer) args[moments ? 2 : 6], hw = (Integer) args[moments ? 3 : 7];
        int count = n * hw;
        for (int ch = 0; ch < c; ch++) {
            if (moments) {
                double s = 0, squares = 0;
                for (int e = 0; e < count; e++) s += getFloat(x, channelIndex(e, ch, c, hw));
                double m = s / count;
                for (int e = 0; e < count; e++) {
                    double d = getFloat(x, channelIndex(e, ch, c, hw)) - m;
                    squares += d * d;
                }
                setFloat((Long) args[4], ch, (float) m);
                setFloat((Long) args[5], ch, (float) (squares / count));
            } else { // channel_gradient_sums
                long dy = (Long) args[0], gate = (Long) args[1], center = (Long) args[4];
                float slope = (Float) args[2];
                float m = center == 0 ? 0f : getFloat(center, ch);
                double s = 0, sc = 0;
                for (int e = 0; e < count; e++) {
                    int i = channelIndex(e, ch, c, hw);
                    float g = gated(getFloat(dy, i), getFloat(gate, i), slope);
                    s += g;
                    sc += (double) g * (getFloat(x, i) - m);
                }
                setFloat((Long) args[8], ch, (float) s);
                setFloat((Long) args[9], ch, (float) sc);
            }
        }
    }

    /** normalization.cu's one-thread-per-channel kernels. */
    private void perChannelConstants(String kernel, Object[] args) {
        switch (kernel) {
            case "batch_norm_coefficients" -> {
                long mean = (Long) args[0], var = (Long) args[1], gamma = (Long) args[2], beta = (Long) args[3];
                float eps = (Float) args[4];
                for (int ch = 0; ch < (Integer) args[5]; ch++) {
                    float is = (float) (1.0 / Math.sqrt((double) getFloat(var, ch) + (double) eps));
                    float s = (gamma == 0 ? 1f : getFloat(gamma, ch)) * is;
                    setFloat((Long) args[6], ch, is);
                    setFloat((Long) args[7], ch, s);
                    setFloat((Long) args[8], ch, (beta == 0 ? 0f : getFloat(beta, ch)) - getFloat(mean, ch) * s);
                }
            }
            case "update_running_stats" -> {
                long runningMean = (Long) args[0], runningVar = (Long) args[1], mean = (Long) args[2], var = (Long) args[3];
                float momentum = (Float) args[4];
                int count = (Integer) args[5];
                double unbiased = (double) count / (count - 1);
                for (int ch = 0; ch < (Integer) args[6]; ch++) {
                    setFloat(runningMean, ch, (1 - momentum) * getFloat(runningMean, ch) + momentum * getFloat(mean, ch));
                    setFloat(runningVar, ch, (float) ((1 - momentum) * getFloat(runningVar, ch) + momentum * getFloat(var, ch) * unbiased));
                }
            }
            default -> { // batch_norm_gradient_coefficients
                long sumDy = (Long) args[0], sumDyCentered = (Long) args[1], scale = (Long) args[2], invStd = (Long) args[3], mean = (Long) args[4];
                int count = (Integer) args[5];
                for (int ch = 0; ch < (Integer) args[6]; ch++) {
                    double meanDy = getFloat(sumDy, ch) / (double) count;
                    double meanDyXhat = getFloat(sumDyCentered, ch) * (double) getFloat(invStd, ch) / count;
                    double bc = -(double) getFloat(scale, ch) * getFloat(invStd, ch) * meanDyXhat;
                    setFloat((Long) args[7], ch, (float) bc);
                    setFloat((Long) args[8], ch, (float) (-getFloat(scale, ch) * meanDy - bc * getFloat(mean, ch)));
                }
            }
        }
    }

    /** along_dim.cu's kernels over rows of [outer, n, inner], one row at a time. */
    private void alongDim(String kernel, Object[] args) {
        boolean backward = kernel.equals("softmax_backward");
        int base = backward ? 5 : 2;
        int outer = (Integer) args[base], n = (Integer) args[base + 1], inner = (Integer) args[base + 2];
        for (int r = 0; r < outer * inner; r++) {
            int at = r / inner * n * inner + r % inner;
            switch (kernel) {
                case "log_sum_exp" -> setFloat((Long) args[1], r, rowLogSumExp((Long) args[0], at, n, inner));
                case "softmax" -> {
                    long x = (Long) args[0];
                    float lse = rowLogSumExp(x, at, n, inner);
                    for (int k = 0; k < n; k++) {
                        float d = getFloat(x, at + k * inner) - lse;
                        setFloat((Long) args[1], at + k * inner, (Integer) args[5] != 0 ? (float) StrictMath.exp(d) : d);
                    }
                }
                case "argmax" -> {
                    long x = (Long) args[0];
                    int best = 0;
                    float bestValue = getFloat(x, at);
                    for (int k = 1; k < n; k++) {
                        float v = getFloat(x, at + k * inner);
                        if (v > bestValue || (Float.isNaN(bestValue) && !Float.isNaN(v))) {
                            best = k;
                            bestValue = v;
                        }
                    }
                    setFloat((Long) args[1], r, best);
                }
                default -> softmaxBackwardRow((Integer) args[0], (Long) args[1], (Long) args[2], (Long) args[3], (Long) args[4], r, at, n, inner);
            }
        }
    }

    private void softmaxBackwardRow(int of, long v, long lse, long g, long dx, int r, int at, int n, int inner) {
        CudaKernels.SoftmaxOf which = CudaKernels.SoftmaxOf.values()[of];
        if (which == CudaKernels.SoftmaxOf.LOG_SUM_EXP) {
            for (int k = 0; k < n; k++) {
                int i = at + k * inner;
                setFloat(dx, i, getFloat(dx, i) + (float) StrictMath.exp(getFloat(v, i) - getFloat(lse, r)) * getFloat(g, r));
            }
            return;
        }
        boolean softmax = which == CudaKernels.SoftmaxOf.SOFTMAX;
        float sum = 0;
        for (int k = 0; k < n; k++) {
            int i = at + k * inner;
            sum += softmax ? getFloat(v, i) * getFloat(g, i) : getFloat(g, i);
        }
        for (int k = 0; k < n; k++) {
            int i = at + k * inner;
            float y = getFloat(v, i);
            float d = softmax ? y * getFloat(g, i) - y * sum : getFloat(g, i) - (float) StrictMath.exp(y) * sum;
            setFloat(dx, i, getFloat(dx, i) + d);
        }
    }

    /** along_dim.cu's cross_entropy and its backward; the labels are ints. */
    private void crossEntropy(String kernel, Object[] args) {
        boolean backward = kernel.equals("cross_entropy_backward");
        long x = (Long) args[0], labels = (Long) args[1];
        int at = backward ? 3 : 2;
        float onLabel = (Float) args[at], uniform = (Float) args[at + 1];
        int rows = (Integer) args[at + 2], k = (Integer) args[at + 3];
        float a = backward ? getFloat((Long) args[2], 0) / rows : 0f;
        for (int r = 0; r < rows; r++) {
            int label = buffer(labels).getInt(offset(labels) + 4 * r);
            float lse = rowLogSumExp(x, r * k, k, 1);
            if (backward) {
                long dx = (Long) args[7];
                for (int j = 0; j < k; j++) {
                    float p = (float) StrictMath.exp(getFloat(x, r * k + j) - lse) - uniform;
                    if (j == label) p -= onLabel;
                    setFloat(dx, r * k + j, getFloat(dx, r * k + j) + a * p);
                }
            } else {
                float sum = 0;
                if (uniform != 0f) for (int j = 0; j < k; j++) sum += getFloat(x, r * k + j);
                float targetDotX = onLabel * getFloat(x, r * k + label) + uniform * sum;
                setFloat((Long) args[6], r, (float) ((double) lse - targetDotX));
            }
        }
    }

    /** along_dim.cu's row_log_sum_exp: exp in double, the sum rounded to float, its log in double. */
    private float rowLogSumExp(long x, int at, int n, int inner) {
        float m = Float.NEGATIVE_INFINITY;
        for (int k = 0; k < n; k++) m = Math.max(m, getFloat(x, at + k * inner));
        if (Float.isInfinite(m)) return m;
        double s = 0;
        for (int k = 0; k < n; k++) s += StrictMath.exp(getFloat(x, at + k * inner) - m);
        return m + (float) StrictMath.log((float) s);
    }

    private static int channelIndex(int e, int ch, int c, int hw) {
        return (e / hw * c + ch) * hw + e % hw;
    }

    private static float gated(float dy, float gate, float slope) {
        return gate > 0 ? dy : slope * dy;
    }

    private void adam(int tensors, Object[] args) {
        float[] c = (float[]) args[5];
        float beta1 = c[0], oneMinusBeta1 = c[1], beta2 = c[2], oneMinusBeta2 = c[3], l2 = c[4], decay = c[5];
        float stepSize = c[6], invBc2 = c[7], epsInside = c[8], epsOutside = c[9];
        for (int t = 0; t < tensors; t++) {
            long p = getLong((Long) args[0], t), g = getLong((Long) args[1], t), m = getLong((Long) args[2], t), v = getLong((Long) args[3], t);
            int n = buffer((Long) args[4]).getInt(offset((Long) args[4]) + 4 * t);
            for (int i = 0; i < n; i++) {
                float pi = getFloat(p, i);
                float gi = getFloat(g, i) + l2 * pi;
                float mi = beta1 * getFloat(m, i) + oneMinusBeta1 * gi;
                float vi = beta2 * getFloat(v, i) + oneMinusBeta2 * gi * gi;
                setFloat(m, i, mi);
                setFloat(v, i, vi);
                float denom = (float) Math.sqrt(vi * invBc2 + epsInside) + epsOutside;
                setFloat(p, i, pi * decay - stepSize * mi / denom);
            }
        }
    }

    /** Each argument's Java type must be what the PTX parameter holds, byte for byte. */
    private static void checkSignature(Function f, Object[] args) {
        assertEquals(f.parameters().size(), args.length, f.name() + ": argument count (PTX: " + f.parameters() + ")");
        for (int i = 0; i < args.length; i++) {
            String type = f.parameters().get(i);
            Object arg = args[i];
            boolean fits = switch (type) {
                case "u64", "s64" -> arg instanceof Long;
                case "u32", "s32" -> arg instanceof Integer;
                case "f32" -> arg instanceof Float;
                default -> arg instanceof int[] ints && type.equals("b8[" + 4 * ints.length + "]")
                        || arg instanceof float[] floats && type.equals("b8[" + 4 * floats.length + "]");
            };
            assertTrue(fits, f.name() + ": argument " + i + " is a " + arg.getClass().getSimpleName() + " but the kernel takes ." + type);
        }
    }

    /** broadcast.cu's offset_of. */
    private static int offsetOf(int index, int[] sizes, int[] strides) {
        int offset = 0;
        for (int k = sizes.length - 1; k >= 0; k--) {
            offset += (index % sizes[k]) * strides[k];
            index /= sizes[k];
        }
        return offset;
    }

    /** warp_pixel: a source pixel of warp_images, or the background outside the plane. */
    private double warpPixel(long src, int base, int h, int w, int x, int y, float background) {
        return x < 0 || y < 0 || x >= w || y >= h ? background : getFloat(src, base + y * w + x);
    }

    private float getFloat(long address, int index) {
        return buffer(address).getFloat(offset(address) + 4 * index);
    }

    private void setFloat(long address, int index, float value) {
        buffer(address).putFloat(offset(address) + 4 * index, value);
    }

    private long getLong(long address, int index) {
        return buffer(address).getLong(offset(address) + 8 * index);
    }

    private ByteBuffer buffer(long address) {
        long number = address >>> 32;
        ByteBuffer b = number > 0 && number < memory.size() ? memory.get((int) number) : null;
        if (b == null) fail("0x" + Long.toHexString(address) + " is not in allocated memory (freed, or never allocated)");
        return b;
    }
    private static int offset(long address) {
        return (int) address;
    }
}
