package ssgan.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import ssgan.engine.autograd.GradMode;
import ssgan.engine.device.Device;
import ssgan.engine.ops.Activations;
import ssgan.engine.ops.MatMul;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Storage;
import ssgan.engine.tensor.Tensor;

/**
 * Work captured into a CUDA graph and replayed ({@link CudaDevice#capture}): a replay computes what the
 * work computes, on the inputs copied in before it; nothing runs while recording; the arrays the work
 * released stay the graph's; and what a graph cannot record is refused with a message.
 */
class CapturedWorkTest {
    private static final int ROWS = 7, IN = 13, OUT = 5;
    private static final float SENTINEL = -12345f;

    /** relu(x · wᵀ + b), its intermediates freed with the scope, the result copied into {@code out}. */
    private record Layer(CudaDevice gpu, Tensor x, Tensor w, Tensor b, CudaArray out) implements Runnable {
        @Override
        public void run() {
            try (var noGrad = GradMode.noGrad(); var scope = Storage.scope()) {
                gpu.ops().copy(out, Activations.relu(MatMul.linear(x, w, b)).deviceData());
            }
        }

        float[] expected(float[] input) {
            Tensor host = Tensor.of(input, ROWS, IN);
            return Activations.relu(MatMul.linear(host, w.to(Device.CPU), b.to(Device.CPU))).data();
        }
    }

    /** The layer on {@code gpu}, run once eagerly, so that the arrays it makes are on the free lists for a capture. */
    private static Layer warmedUp(CudaDevice gpu) {
        Rng rng = new Rng(5);
        CudaArray out = gpu.allocate(ROWS * OUT);
        Layer layer = new Layer(gpu, Tensor.randn(rng, ROWS, IN).to(gpu), Tensor.randn(rng, OUT, IN).to(gpu), Tensor.randn(rng, OUT).to(gpu), out);
        layer.run();
        return layer;
    }

    private static float[] download(CudaArray a) {
        float[] values = new float[a.length()];
        a.copyToHost(values);
        return values;
    }

    private static float[] random(int seed, int n) {
        float[] v = new float[n];
        new Rng(seed).fillUniform(v, 0, n, -1f, 1f);
        return v;
    }

    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void aReplayComputesTheWorkOnTheInputsCopiedInBeforeIt(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        Layer layer = warmedUp(gpu);
        gpu.fill(layer.out(), SENTINEL);
        try (CapturedWork graph = gpu.capture(layer)) {
            float[] untouched = new float[ROWS * OUT];
            Arrays.fill(untouched, SENTINEL);
            assertArrayEquals(untouched, download(layer.out()), "recording runs nothing");
            assertTrue(graph.scratchArrays() >= 2, "the linear and relu results, released by the scope, are the graph's");

            for (int seed = 1; seed <= 2; seed++) {
                float[] input = random(seed, ROWS * IN);
                layer.x().deviceData().copyFromHost(input);
                graph.run();
                Gpu.assertRelativeError("replay " + seed, layer.expected(input), download(layer.out()));
            }
        }
        Gpu.record("captured work", 0);
    }

    /**
     * Work that releases an array and then needs one of the same length takes the same memory again while
     * recorded, as it does running (the graph's launches run in order): one warm-up is still enough.
     */
    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void anArrayReleasedWhileRecordedServesTheWorkAgain(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        int length = 4_099;   // a length nothing else here uses: one array of it on the free list after the warm-up
        CudaArray out = gpu.allocate(length);
        Runnable work = () -> {
            CudaArray first = gpu.allocate(length);
            gpu.fill(first, 1f);
            gpu.ops().copy(out, first);
            first.release();
            CudaArray second = gpu.allocate(length);
            gpu.fill(second, 2f);
            gpu.addInto(out, second);
            second.release();
        };
        work.run();
        gpu.fill(out, 0f);
        try (CapturedWork graph = gpu.capture(work)) {
            graph.run();
            float[] three = new float[length];
            Arrays.fill(three, 3f);
            assertArrayEquals(three, download(out));
            assertTrue(graph.scratchArrays() == 1, "one array of that length, used twice: " + graph.scratchArrays());
        }
    }

    /**
     * While the graph lives, nothing else gets its scratch memory: arrays of the same lengths allocated
     * now keep their values through a replay, which writes the graph's own.
     */
    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void theArraysAReplayWritesAreNotHandedOutAgain(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        Layer layer = warmedUp(gpu);
        try (CapturedWork graph = gpu.capture(layer)) {
            CudaArray[] others = new CudaArray[4];
            for (int i = 0; i < others.length; i++) {
                others[i] = gpu.allocate(ROWS * OUT);
                gpu.fill(others[i], i);
            }
            graph.run();
            for (int i = 0; i < others.length; i++) {
                float[] same = new float[ROWS * OUT];
                Arrays.fill(same, i);
                assertArrayEquals(same, download(others[i]), "array " + i + " after a replay");
                others[i].release();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void whatAGraphCannotRecordIsRefusedAndTheDeviceWorksOn(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        Layer layer = warmedUp(gpu);
        String[] says = {"a copy to the host", "run the work once", "waiting for the device", "a copy to the device"};
        Runnable[] works = {() -> download(layer.out()), () -> gpu.allocate(98_765), gpu::synchronize,
                            () -> layer.x().deviceData().copyFromHost(new float[ROWS * IN])};
        for (int i = 0; i < works.length; i++) {
            Runnable work = works[i];
            var e = assertThrows(IllegalStateException.class, () -> gpu.capture(() -> {
                layer.run();
                work.run();
            }));
            assertTrue(e.getMessage().startsWith("capture: ") && e.getMessage().contains(says[i]), e.getMessage());
        }
        assertThrows(IllegalStateException.class, () -> gpu.capture(() -> gpu.capture(layer)), "captures do not nest");

        float[] input = random(3, ROWS * IN);
        layer.x().deviceData().copyFromHost(input);
        layer.run();
        Gpu.assertRelativeError("eager, after the refused captures", layer.expected(input), download(layer.out()));
    }
}
