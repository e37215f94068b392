package ssgan.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import ssgan.engine.device.DeviceArray;
import ssgan.engine.kernels.ScalarGaussian;
import ssgan.engine.tensor.Rng;

/**
 * What the op tests do not cover in full: the GEMM's every layout, the deterministic sum, the Gaussian
 * noise, the free list; on the emulator and on the GPU (see {@link Gpu}).
 */
class CudaKernelsTest {
    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void gemmMatchesADoublePrecisionProductForEveryTransposeAndOffset(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        Rng rng = new Rng(1);
        int m = 129, n = 67, k = 300;
        int off = 5; // every matrix starts inside its array, with rows longer than it needs
        for (boolean transA : new boolean[] {false, true}) {
            for (boolean transB : new boolean[] {false, true}) {
                for (boolean accumulate : new boolean[] {false, true}) {
                    int lda = (transA ? m : k) + 3, ldb = (transB ? k : n) + 2, ldc = n + 1;
                    float[] a = random(rng, off + (transA ? k : m) * lda);
                    float[] b = random(rng, off + (transB ? n : k) * ldb);
                    float[] c = random(rng, off + m * ldc);
                    float alpha = 0.75f;
                    double[] expected = new double[c.length];
                    for (int i = 0; i < c.length; i++) expected[i] = c[i];
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            double s = 0;
                            for (int p = 0; p < k; p++) {
                                s += (double) a[off + (transA ? p * lda + i : i * lda + p)] * b[off + (transB ? j * ldb + p : p * ldb + j)];
                            }
                            int at = off + i * ldc + j;
                            expected[at] = alpha * s + (accumulate ? c[at] : 0);
                        }
                    }
                    CudaArray da = upload(gpu, a), db = upload(gpu, b), dc = upload(gpu, c);
                    gpu.kernels().gemm(transA, transB, m, n, k, alpha, da, off, lda, db, off, ldb, dc, off, ldc, accumulate);
                    Gpu.assertRelativeError("gemm transA=" + transA + " transB=" + transB + " accumulate=" + accumulate,
                            expected, download(dc));
                    da.release();
                    db.release();
                    dc.release();
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void sumIsTheSameToTheBitEveryTime(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        float[] x = random(new Rng(2), 1_000_003);
        CudaArray dx = upload(gpu, x), out = gpu.allocate(1);
        gpu.kernels().sum(dx, out, 1f);
        float first = download(out)[0];
        for (int run = 0; run < 5; run++) {
            gpu.kernels().sum(dx, out, 1f);
            assertEquals(Float.floatToIntBits(first), Float.floatToIntBits(download(out)[0]), "run " + run);
        }
        double expected = 0;
        for (float v : x) expected += v;
        assertEquals(expected, first, 1e-5 * Math.sqrt(x.length));
    }

    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void gaussianNoiseIsTheEnginesStreamAndStandardNormal(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        int n = 1_000_003; // odd: the last pair is half used
        long seed = 0x1234_5678_9ABCL;
        CudaArray out = gpu.allocate(n);
        gpu.kernels().gaussian(out, null, 0f, 1f, seed);
        float[] z = download(out);
        out.release();
        float[] reference = new float[n];
        new ScalarGaussian().fill(seed, 0, reference, 0, n, 0f, 1f); // the plain cpu stream, in double like the kernel
        assertSameSamples("gaussian against ScalarGaussian", reference, z);
        double sum = 0, sumOfSquares = 0;
        for (float v : z) {
            sum += v;
            sumOfSquares += (double) v * v;
        }
        double mean = sum / n;
        assertEquals(0, mean, 0.005, "mean");
        assertEquals(1, Math.sqrt(sumOfSquares / n - mean * mean), 0.005, "standard deviation");
    }

    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void noiseAddedToXIsWhatRngAddGaussianGivesForTheSameSeed(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        int n = 1001;
        float[] x = random(new Rng(3), n);
        float[] expected = new float[n];
        new Rng(9).addGaussian(x, expected, 0.1f); // the cpu's own kernel (vectorised where it can be)
        long seed = new Rng(9).nextLong(); // the one long addGaussian takes
        CudaArray dx = upload(gpu, x), first = gpu.allocate(n), again = gpu.allocate(n);
        gpu.kernels().gaussian(first, dx, 0f, 0.1f, seed);
        gpu.kernels().gaussian(again, dx, 0f, 0.1f, seed);
        float[] a = download(first);
        assertArrayEquals(a, download(again), "the same seed draws the same noise");
        assertSameSamples("gaussian: x + std·z against Rng.addGaussian", expected, a);
        for (CudaArray c : new CudaArray[] {dx, first, again}) c.release();
    }

    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void lerpAndCopyAreTheParameterAveragesSteps(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        int n = 70_001; // more than one block per thread of the grid, and a ragged end
        float[] average = random(new Rng(4), n), value = random(new Rng(5), n);
        float weight = 0.01f;
        float[] expected = new float[n];
        for (int i = 0; i < n; i++) expected[i] = average[i] + weight * (value[i] - average[i]);
        CudaArray da = upload(gpu, average), dv = upload(gpu, value);
        gpu.ops().lerp(da, dv, weight);
        Gpu.assertRelativeError("lerp", expected, download(da)); // a GPU may fuse the multiply-add: one rounding fewer
        gpu.ops().copy(da, dv);
        assertArrayEquals(value, download(da), "copy");
        CudaArray shorter = gpu.allocate(3);
        assertThrows(IllegalArgumentException.class, () -> gpu.ops().copy(da, shorter));
        for (CudaArray c : new CudaArray[] {da, dv, shorter}) c.release();
    }

    /** A copy into part of a longer array (how the trainer keeps its losses on the device) touches only that part. */
    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void aCopyFromAnOffsetLeavesTheRestAlone(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        float[] target = random(new Rng(6), 301), source = random(new Rng(7), 3);
        CudaArray dt = upload(gpu, target), ds = upload(gpu, source);
        gpu.ops().copy(dt, 297, ds);
        float[] expected = target.clone();
        System.arraycopy(source, 0, expected, 297, 3);
        assertArrayEquals(expected, download(dt));
        assertThrows(IllegalArgumentException.class, () -> gpu.ops().copy(dt, 299, ds), "past the end");
        assertThrows(IllegalArgumentException.class, () -> gpu.ops().copy(dt, -1, ds), "before the start");
        for (CudaArray c : new CudaArray[] {dt, ds}) c.release();
    }

    /** The same samples up to the rounding of log and cos: a few float roundings apart, relative to 1 + |z|. */
    private static void assertSameSamples(String what, float[] expected, float[] actual) {
        double worst = 0;
        int at = 0;
        for (int j = 0; j < expected.length; j++) {
            double error = Math.abs(actual[j] - expected[j]) / (1 + Math.abs(expected[j]));
            if (error > worst) {
                worst = error;
                at = j;
            }
        }
        Gpu.record(what, worst);
        assertTrue(worst < 1e-6, what + ": sample " + at + " is " + actual[at] + ", expected " + expected[at]);
    }

    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void releasedMemoryIsReusedAndReleasedArraysCannotBeRead(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        CudaArray a = gpu.allocate(12_345);
        gpu.fill(a, 3f);
        CudaArray b = gpu.allocate(12_345);
        gpu.fill(b, 0.5f);
        gpu.addInto(a, b);
        float[] expected = new float[12_345];
        Arrays.fill(expected, 3.5f);
        assertArrayEquals(expected, download(a));
        long before = gpu.driverAllocations();
        a.release();
        CudaArray c = gpu.allocate(12_345);
        assertEquals(before, gpu.driverAllocations(), "the released memory came back");
        assertThrows(IllegalStateException.class, () -> a.copyToHost(new float[12_345]));
        b.release();
        c.release();
    }

    /**
     * Arrays allocated together are one allocation, end to end; {@code whole} gives it back for exactly
     * those parts in that order, and its memory returns with the last part.
     */
    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void arraysAllocatedTogetherAreOneSlab(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        int[] lengths = {7, 0, 130, 1};
        long before = gpu.driverAllocations();
        List<DeviceArray> parts = gpu.allocateTogether(lengths);
        assertTrue(gpu.driverAllocations() - before <= 1, "at most one new allocation");
        CudaArray whole = gpu.whole(parts);
        assertEquals(138, whole.length());
        long at = whole.address();
        for (int i = 0; i < lengths.length; i++) {
            CudaArray part = (CudaArray) parts.get(i);
            assertEquals(lengths[i], part.length());
            assertEquals(at, part.address(), "part " + i + " follows the one before");
            at += (long) lengths[i] * Float.BYTES;
        }
        float[] values = new float[138];
        for (int i = 0; i < values.length; i++) values[i] = i;
        for (int i = 0, offset = 0; i < lengths.length; offset += lengths[i++]) {
            parts.get(i).copyFromHost(Arrays.copyOfRange(values, offset, offset + lengths[i]));
        }
        assertArrayEquals(values, download(whole), "the parts' values, end to end");
        gpu.fill(whole, 2f);
        float[] twos = new float[130];
        Arrays.fill(twos, 2f);
        assertArrayEquals(twos, download((CudaArray) parts.get(2)), "one launch over the whole reaches every part");

        assertNull(gpu.whole(parts.subList(0, 3)), "not every part");
        assertNull(gpu.whole(List.of(parts.get(1), parts.get(0), parts.get(2), parts.get(3))), "another order");
        CudaArray alone = gpu.allocate(3);
        assertNull(gpu.whole(List.of(alone)), "not a slab's");
        alone.release();
        parts.get(0).release();
        assertNull(gpu.whole(parts), "a part was released");
        assertThrows(IllegalStateException.class, () -> parts.get(0).copyToHost(new float[7]));
        long allocated = gpu.driverAllocations();
        for (int i = 1; i < parts.size(); i++) parts.get(i).release();
        CudaArray again = gpu.allocate(138);
        assertEquals(allocated, gpu.driverAllocations(), "the slab's memory came back with its last part");
        again.release();
    }

    private static float[] random(Rng rng, int n) {
        float[] a = new float[n];
        rng.fillGaussian(a, 0, n, 0f, 1f);
        return a;
    }

    private static CudaArray upload(CudaDevice gpu, float[] values) {
        CudaArray a = gpu.allocate(values.length);
        a.copyFromHost(values);
        return a;
    }

    private static float[] download(CudaArray a) {
        float[] values = new float[a.length()];
        a.copyToHost(values);
        return values;
    }
}
