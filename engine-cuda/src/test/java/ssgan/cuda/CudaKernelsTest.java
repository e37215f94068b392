package ssgan.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
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
    void gaussianNoiseIsPhiloxBoxMullerAndStandardNormal(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        int n = 1_000_003;
        long seed = 0x1234_5678_9ABCL, offset = 77;
        CudaArray out = gpu.allocate(n);
        gpu.kernels().gaussian(out, null, 0f, 1f, seed, offset);
        float[] z = download(out);
        for (int j : new int[] {0, 1, 2, 3, 4, 5, 4097, n - 3, n - 2, n - 1}) {
            double expected = Philox.sample(seed, offset, j);
            assertEquals(expected, z[j], 1e-5 * (1 + Math.abs(expected)), "sample " + j);
        }
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
    void gaussianNoiseIsReproducibleAndItsCountersLineUp(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        int n = 1001;
        float[] x = random(new Rng(3), n);
        CudaArray dx = upload(gpu, x), first = gpu.allocate(n), again = gpu.allocate(n), shifted = gpu.allocate(n);
        gpu.kernels().gaussian(first, dx, 0.5f, 0.1f, 9, 0);
        gpu.kernels().gaussian(again, dx, 0.5f, 0.1f, 9, 0);
        gpu.kernels().gaussian(shifted, dx, 0.5f, 0.1f, 9, 1);
        float[] a = download(first), b = download(again), c = download(shifted);
        assertArrayEquals(a, b, "the same seed and offset draw the same noise");
        for (int j = 0; j + 4 < n; j++) { // counter 1 holds samples 4..7 of the draw that starts at counter 0
            assertEquals(a[j + 4] - x[j + 4], c[j] - x[j], 1e-6f, "sample " + j);
        }
        for (int j = 0; j < n; j++) assertEquals(x[j] + 0.5 + 0.1 * Philox.sample(9, 0, j), a[j], 1e-5, "x + mean + std·z at " + j);
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
