package ssgan.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import ssgan.engine.device.DeviceUnavailableException;
import ssgan.engine.kernels.BinaryOp;

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
            return new CudaDevice(api, 0, Kernels.load(api));
        } catch (DeviceUnavailableException e) {
            throw new AssertionError(e);
        }
    }

    private record Module(Map<String, List<String>> signatures) implements CudaApi.Module {}

    /** A kernel and its parameter types as PTX writes them: u64, u32, f32, or b8[bytes] for a struct. */
    private record Function(String name, List<String> parameters) implements CudaApi.Function {}

    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+(\\w+)\\s*\\(([^)]*)\\)");
    private static final Pattern PARAMETER = Pattern.compile("\\.param\\s+(?:\\.align\\s+\\d+\\s+)?\\.(\\w+)\\s+\\w+(?:\\[(\\d+)\\])?");

    /** Allocations by base address: each at its own multiple of 2^32, so an address splits into base and offset. */
    private final Map<Long, ByteBuffer> memory = new HashMap<>();
    private long allocations;

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
        assertTrue(bytes > 0 && bytes < (1L << 32), "allocate " + bytes + " bytes");
        long address = ++allocations << 32;
        memory.put(address, ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN));
        return address;
    }

    @Override
    public void free(long address) {
        assertTrue(memory.remove(address) != null, "free of an address that is not allocated");
    }

    @Override
    public void copyToDevice(long dst, float[] src, int count) {
        for (int i = 0; i < count; i++) setFloat(dst, i, src[i]);
    }

    @Override
    public void copyToDevice(long dst, long[] src) {
        for (int i = 0; i < src.length; i++) buffer(dst).putLong(offset(dst) + 8 * i, src[i]);
    }

    @Override
    public void copyToDevice(long dst, int[] src) {
        for (int i = 0; i < src.length; i++) buffer(dst).putInt(offset(dst) + 4 * i, src[i]);
    }

    @Override
    public void copyToHost(float[] dst, long src, int count) {
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
    public void synchronize() {}

    @Override
    public void launch(CudaApi.Function function, int gridX, int gridY, int blockX, int blockY, Object... args) {
        Function f = (Function) function;
        checkSignature(f, args);
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
            case "add_bias_rows" -> {
                long out = (Long) args[0], bias = (Long) args[1];
                int cols = (Integer) args[3];
                for (int i = 0; i < (Integer) args[2] * cols; i++) setFloat(out, i, getFloat(out, i) + getFloat(bias, i % cols));
            }
            case "add_column_sums" -> {
                long g = (Long) args[0], target = (Long) args[1];
                int rows = (Integer) args[2], cols = (Integer) args[3];
                for (int c = 0; c < cols; c++) {
                    float s = 0;
                    for (int r = 0; r < rows; r++) s += getFloat(g, r * cols + c);
                    setFloat(target, c, getFloat(target, c) + s);
                }
            }
            case "gaussian" -> {
                long out = (Long) args[0], x = (Long) args[1];
                long seed = ((Integer) args[5] & 0xFFFFFFFFL) | (long) (Integer) args[6] << 32;
                for (int j = 0; j < (Integer) args[2]; j++) {
                    float z = (float) Philox.sample(seed, (Long) args[7], j);
                    setFloat(out, j, (x == 0 ? 0f : getFloat(x, j)) + (Float) args[3] + (Float) args[4] * z);
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
        assertTrue(blockX == CudaKernels.GEMM_THREADS && blockY == CudaKernels.GEMM_THREADS, "sgemm: block of 16 × 16 threads");
        assertTrue(gridX * CudaKernels.GEMM_TILE >= n && gridY * CudaKernels.GEMM_TILE >= m, "sgemm: the grid covers C");
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0;
                for (int p = 0; p < k; p++) {
                    s += getFloat(a, transA ? p * lda + i : i * lda + p) * getFloat(b, transB ? j * ldb + p : p * ldb + j);
                }
                float v = alpha * s;
                setFloat(c, i * ldc + j, accumulate ? getFloat(c, i * ldc + j) + v : v);
            }
        }
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
        ByteBuffer b = memory.get(address & ~0xFFFFFFFFL);
        assertTrue(b != null, "0x" + Long.toHexString(address) + " is not in allocated memory (freed, or never allocated)");
        return b;
    }

    private static int offset(long address) {
        return (int) address;
    }
}
