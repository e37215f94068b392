package ssgan.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import ssgan.engine.device.DeviceUnavailableException;

/**
 * Launches held back in a batch and submitted as a CUDA graph ({@link CudaDevice#batch}, {@link LaunchBatches}):
 * the results are those of launching each call as it comes; a batch of the same shape replays the kept
 * graph with its new arguments; what must come after the held calls (a copy to the host) submits them
 * first; and a graph the driver refuses leaves the calls to run one by one.
 */
class LaunchBatchesTest {
    private static final int N = 37;

    /** x ← ((x + 1)·a + 1)·a … in {@code rounds} rounds of two launches, then the batch's upload into {@code y}, then y += x. */
    private static void rounds(CudaDevice gpu, CudaArray x, CudaArray y, float a, int rounds, float[] upload) {
        for (int r = 0; r < rounds; r++) {
            gpu.kernels().addScalar(x, x, 1f);
            gpu.kernels().scale(x, a, x);
        }
        y.copyFromHost(upload);
        gpu.kernels().axpy(y, 1f, x, 1, N);
    }

    private static float[] expected(float[] x0, float a, int rounds, float[] upload) {
        float[] y = new float[N];
        for (int i = 0; i < N; i++) {
            float x = x0[i];
            for (int r = 0; r < rounds; r++) x = a * (x + 1f);
            y[i] = upload[i] + x;
        }
        return y;
    }

    private static float[] values(int seed) {
        float[] v = new float[N];
        for (int i = 0; i < N; i++) v[i] = (float) Math.sin(seed * 31 + i);
        return v;
    }

    private static float[] download(CudaArray a) {
        float[] v = new float[a.length()];
        a.copyToHost(v);
        return v;
    }

    @Test
    void aBatchComputesWhatItsCallsComputeAndTheNextOfItsShapeReplaysTheGraphWithNewArguments() {
        CudaDevice gpu = EmulatedCudaApi.device();
        CudaArray x = gpu.allocate(N), y = gpu.allocate(N);
        for (int batch = 0; batch < 3; batch++) {
            float a = 0.5f + batch;
            float[] start = values(batch);
            float[] up = values(10 + batch);
            x.copyFromHost(start);
            gpu.batch(() -> rounds(gpu, x, y, a, 5, up));
            assertArrayEquals(expected(start, a, 5, up), download(y), 1e-5f, "batch " + batch);
        }
        assertEquals(1, gpu.graphsMade(), "one graph for three batches of one shape");
        assertEquals(3, gpu.graphsLaunched());
        // each later batch: its five scale launches have a new factor (the upload's place in the page-locked
        // ring is the same, as each batch began after a copy to the host)
        assertEquals(2 * 5, gpu.graphNodesUpdated());
    }

    /**
     * On every device, the GPU's driver included: batches of one shape replay one graph whose kernel and
     * copy nodes are given each batch's arguments (a new factor, another target array for the upload and
     * the sum), and compute what their calls compute.
     */
    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void replayedGraphsComputeWithEachBatchsArguments(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        CudaArray x = gpu.allocate(N);
        CudaArray[] targets = {gpu.allocate(N), gpu.allocate(N)};
        long launched = gpu.graphsLaunched(), updated = gpu.graphNodesUpdated();
        for (int batch = 0; batch < 4; batch++) {
            CudaArray y = targets[batch % 2];
            float a = 0.25f * (batch + 3);
            float[] start = values(20 + batch), up = values(30 + batch);
            x.copyFromHost(start);
            gpu.batch(() -> rounds(gpu, x, y, a, 6, up));
            float[] expected = expected(start, a, 6, up);
            double[] wanted = new double[N];
            for (int i = 0; i < N; i++) wanted[i] = expected[i];
            Gpu.assertRelativeError("batch " + batch + " as a graph", wanted, download(y));
        }
        assertEquals(4, gpu.graphsLaunched() - launched);
        assertTrue(gpu.graphNodesUpdated() - updated >= 3 * (6 + 2), "each later batch: six factors, the upload's and the sum's target");
        for (CudaArray t : targets) t.release();
        x.release();
    }

    /**
     * Arrays a batch allocates get the addresses the same allocations had in the batch before, although
     * the free list hands back last what came back first: so a replay of the same work has nothing to set.
     */
    @Test
    void eachBatchsArraysGoWhereTheLastBatchsWent() {
        CudaDevice gpu = EmulatedCudaApi.device();
        CudaArray x = gpu.allocate(N);
        x.copyFromHost(values(1));
        long[][] addresses = new long[4][3];
        for (int batch = 0; batch < 4; batch++) {
            long[] at = addresses[batch];
            gpu.batch(() -> {
                CudaArray[] t = {gpu.allocate(N), gpu.allocate(N), gpu.allocate(N)};
                for (int i = 0; i < 3; i++) {
                    at[i] = t[i].address();
                    gpu.kernels().scale(t[i], 2f, x);
                    gpu.kernels().addScalar(t[i], t[i], i);
                    gpu.kernels().axpy(x, 0.5f, t[i], 1, N);
                }
                for (CudaArray a : t) a.release();   // in the order they were made, as a step's scope does
            });
        }
        assertArrayEquals(addresses[1], addresses[0]);
        assertArrayEquals(addresses[2], addresses[1]);
        assertArrayEquals(addresses[3], addresses[2]);
        assertEquals(1, gpu.graphsMade());
        assertEquals(0, gpu.graphNodesUpdated());
    }

    @Test
    void batchesOfAnotherShapeGetGraphsOfTheirOwnAndTheOldestKeptGoes() {
        CudaDevice gpu = EmulatedCudaApi.device();
        CudaArray x = gpu.allocate(N), y = gpu.allocate(N);
        float[] up = values(3);
        for (int rounds = 4; rounds < 4 + LaunchBatches.KEPT + 1; rounds++) {
            int r = rounds;
            x.copyFromHost(values(r));
            gpu.batch(() -> rounds(gpu, x, y, 0.75f, r, up));
            assertArrayEquals(expected(values(r), 0.75f, r, up), download(y), 1e-5f, r + " rounds");
        }
        assertEquals(LaunchBatches.KEPT + 1, gpu.graphsMade());
        x.copyFromHost(values(4));
        gpu.batch(() -> rounds(gpu, x, y, 0.75f, 4, up));   // its graph was the oldest, and went
        assertEquals(LaunchBatches.KEPT + 2, gpu.graphsMade());
        assertArrayEquals(expected(values(4), 0.75f, 4, up), download(y), 1e-5f);
    }

    @Test
    void aCopyToTheHostInsideABatchSeesEveryCallBeforeIt() {
        CudaDevice gpu = EmulatedCudaApi.device();
        CudaArray x = gpu.allocate(N), y = gpu.allocate(N);
        float[] start = values(1), up = values(2);
        float[][] seen = new float[1][];
        x.copyFromHost(start);
        gpu.batch(() -> {
            rounds(gpu, x, y, 2f, 5, up);
            seen[0] = download(y);           // submits the calls so far first
            gpu.kernels().scale(y, -1f, y);  // and the batch goes on after it
        });
        float[] y5 = expected(start, 2f, 5, up);
        assertArrayEquals(y5, seen[0], 1e-4f);
        for (int i = 0; i < N; i++) y5[i] = -y5[i];
        assertArrayEquals(y5, download(y), 1e-4f);
    }

    @Test
    void fewCallsAreLaunchedOneByOneAndBatchesDoNotNest() {
        CudaDevice gpu = EmulatedCudaApi.device();
        CudaArray x = gpu.allocate(N), y = gpu.allocate(N);
        x.copyFromHost(values(1));
        gpu.batch(() -> gpu.batch(() -> rounds(gpu, x, y, 2f, 1, values(2))));   // four calls
        assertEquals(0, gpu.graphsMade());
        assertArrayEquals(expected(values(1), 2f, 1, values(2)), download(y), 1e-5f);
    }

    /** A driver that refuses to make graphs, as a GPU might: the batch runs call by call, and so does every later one. */
    @Test
    void aGraphTheDriverRefusesLeavesTheCallsToRunOneByOne() throws DeviceUnavailableException {
        EmulatedCudaApi emulator = new EmulatedCudaApi();
        CudaApi refusing = (CudaApi) Proxy.newProxyInstance(CudaApi.class.getClassLoader(), new Class<?>[] {CudaApi.class}, (proxy, method, args) -> {
            if (method.getName().equals("graph")) throw new CudaError("cuGraphInstantiate", 999, "CUDA_ERROR_UNKNOWN");
            try {
                return method.invoke(emulator, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
        CudaDevice gpu = CudaDevice.open(refusing, 0);
        CudaArray x = gpu.allocate(N), y = gpu.allocate(N);
        for (int batch = 0; batch < 2; batch++) {
            x.copyFromHost(values(batch));
            gpu.batch(() -> rounds(gpu, x, y, 1.5f, 5, values(7)));
            assertArrayEquals(expected(values(batch), 1.5f, 5, values(7)), download(y), 1e-5f, "batch " + batch);
        }
        assertEquals(0, gpu.graphsLaunched());
        assertTrue(emulator.graphLaunches() == 0 && emulator.graphsMade() == 0);
    }
}
