package ssgan.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static ssgan.engine.kernels.KernelTestData.SIZES;
import static ssgan.engine.kernels.KernelTestData.uniform;
import static ssgan.engine.testing.Approx.assertClose;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import ssgan.engine.parallel.Parallel;
import ssgan.engine.tensor.Rng;

/** Both reduction kernels against double references, and the determinism of the parallel facade. */
class ReductionKernelTest {
    static Stream<ReductionKernel> kernels() {
        return Stream.of(new ScalarReductions(), new VectorReductions());
    }

    private final Rng rng = new Rng(99);

    @ParameterizedTest
    @MethodSource("kernels")
    void segmentReductionsMatchDoubleReference(ReductionKernel k) {
        for (int n : SIZES) {
            int off = 3; // a segment inside a larger array
            float[] x = uniform(rng, n + 7, -2, 2);
            double sum = 0;
            double sq = 0;
            double abs = 0;
            double max = Double.NEGATIVE_INFINITY;
            for (int i = off; i < off + n; i++) {
                sum += x[i];
                sq += (double) x[i] * x[i];
                abs += Math.abs(x[i]);
                max = Math.max(max, x[i]);
            }
            double sumExp = 0;
            for (int i = off; i < off + n; i++) sumExp += Math.exp(x[i] - max);
            float tol = (float) (1e-6 * abs + 1e-7);
            assertClose("sum n=" + n, new double[] {sum}, new float[] {k.sum(x, off, n)}, 0, tol);
            assertClose("sumOfSquares n=" + n, new double[] {sq}, new float[] {k.sumOfSquares(x, off, n)}, 1e-6, 1e-7);
            assertClose("max n=" + n, new double[] {max}, new float[] {k.max(x, off, n)}, 0, 0);
            assertClose("sumExp n=" + n, new double[] {sumExp}, new float[] {k.sumExp(x, off, n, (float) max)}, 1e-6, 1e-7);
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void columnSumsAddIntoTheirRange(ReductionKernel k) {
        for (int cols : SIZES) {
            int rows = 5;
            float[] x = uniform(rng, rows * cols, -2, 2);
            float[] out = uniform(rng, cols, -1, 1);
            double[] expected = new double[cols];
            for (int c = 0; c < cols; c++) {
                expected[c] = out[c];
                for (int r = 0; r < rows; r++) expected[c] += x[r * cols + c];
            }
            k.addColumnSums(x, rows, cols, out, 0, cols);
            assertClose("column sums cols=" + cols, expected, out, 1e-6, 1e-6);
        }
    }

    @Test
    void largeSumIsAccurateAndBitwiseIndependentOfThreadCount() {
        int n = 5 * Elementwise.GRAIN + 123;
        float[] x = uniform(rng, n, -1, 1);
        double expected = 0;
        double abs = 0;
        for (float v : x) {
            expected += v;
            abs += Math.abs(v);
        }
        float parallel = Reduce.sum(x, 0, n);
        int threads = Parallel.threads();
        float sequential;
        try {
            Parallel.setThreads(1);
            sequential = Reduce.sum(x, 0, n);
        } finally {
            Parallel.setThreads(threads);
        }
        assertEquals(Float.floatToIntBits(sequential), Float.floatToIntBits(parallel), "same bits with 1 and " + threads + " threads");
        assertClose("sum", new double[] {expected}, new float[] {parallel}, 0, 1e-6 * abs);
    }

    /** The Vector API may order a lane reduction differently once the JIT compiles it; check that it does not here. */
    @Test
    void vectorSumGivesTheSameBitsBeforeAndAfterJitCompilation() {
        ReductionKernel k = new VectorReductions();
        float[] x = uniform(rng, 1000, -1, 1);
        int first = Float.floatToIntBits(k.sum(x, 0, x.length));
        for (int i = 0; i < 20_000; i++) {
            assertEquals(first, Float.floatToIntBits(k.sum(x, 0, x.length)), "call " + i);
        }
    }

    @Test
    void rowLogSumExpHandlesHugeValuesAndInfiniteRows() {
        float[] x = {1e4f, 1e4f, 1e4f - 1, -1e4f, /* row 2 */ Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY};
        float[] out = new float[2];
        Reduce.rowLogSumExp(x, 2, 4, out);
        double expected = 1e4 + Math.log(2 + Math.exp(-1));
        assertClose("lse of 1e4", new double[] {expected}, new float[] {out[0]}, 1e-6, 0);
        assertTrue(out[1] == Float.NEGATIVE_INFINITY, "all −∞ row gives −∞, got " + out[1]);
    }

    @Test
    void channelAndRowSumsMatchReference() {
        int outer = 3;
        int channels = 4;
        int inner = 17;
        float[] x = uniform(rng, outer * channels * inner, -1, 1);
        double[] want = NaiveBroadcast.sumTo(x, new int[] {outer, channels, inner}, new int[] {channels, 1});
        float[] got = new float[channels];
        Reduce.addChannelSums(x, outer, channels, inner, got);
        assertClose("channel sums", want, got, 1e-6, 1e-6);
        double[] wantRows = NaiveBroadcast.sumTo(x, new int[] {outer * channels, inner}, new int[] {outer * channels, 1});
        float[] gotRows = new float[outer * channels];
        Reduce.addRowSums(x, outer * channels, inner, gotRows);
        assertClose("row sums", wantRows, gotRows, 1e-6, 1e-6);
    }
}
