package ssgan.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import ssgan.engine.device.Device;
import ssgan.engine.ops.Arithmetic;
import ssgan.engine.ops.MatMul;
import ssgan.engine.ops.Reductions;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Shape;
import ssgan.engine.tensor.Storage;
import ssgan.engine.tensor.Tensor;

/**
 * Each op on the GPU against the same op on the cpu, value and gradients, on odd shapes (no multiple of
 * a tile or a warp) and through the engine's own entry points, as a model calls them; on the emulator
 * and on the GPU (see {@link Gpu}).
 */
class CudaOpsTest {
    /** Shape pairs: equal, a scalar, a row vector, a value per channel, both operands stretched, and mirrored. */
    private static final int[][][] SHAPES = {
        {{37, 65}, {37, 65}},
        {{}, {5, 3}},
        {{37, 65}, {65}},
        {{2, 3, 5, 7}, {1, 3, 1, 1}},
        {{3, 1, 5}, {4, 1}},
        {{4, 1}, {3, 1, 5}},
        {{1, 3, 1, 1}, {2, 3, 5, 7}},
    };

    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void addSubMulDivMatchTheCpuOnEveryBroadcastShape(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        Rng rng = new Rng(1);
        for (int[][] s : SHAPES) {
            String shapes = Shape.str(s[0]) + " " + Shape.str(s[1]);
            checkAgainstCpu(gpu, "add " + shapes, in -> Arithmetic.add(in[0], in[1]), Tensor.randn(rng, s[0]), Tensor.randn(rng, s[1]));
            checkAgainstCpu(gpu, "sub " + shapes, in -> Arithmetic.sub(in[0], in[1]), Tensor.randn(rng, s[0]), Tensor.randn(rng, s[1]));
            checkAgainstCpu(gpu, "mul " + shapes, in -> Arithmetic.mul(in[0], in[1]), Tensor.randn(rng, s[0]), Tensor.randn(rng, s[1]));
            checkAgainstCpu(gpu, "div " + shapes, in -> Arithmetic.div(in[0], in[1]), Tensor.randn(rng, s[0]), awayFromZero(rng, s[1]));
        }
    }

    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void aTensorUsedTwiceGetsBothGradients(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        Rng rng = new Rng(2);
        checkAgainstCpu(gpu, "x·x + x", in -> Arithmetic.add(Arithmetic.mul(in[0], in[0]), in[0]), Tensor.randn(rng, 13, 17));
    }

    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void scalarOpsMatchTheCpu(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        Rng rng = new Rng(3);
        checkAgainstCpu(gpu, "mulScalar", in -> Arithmetic.mulScalar(in[0], 2.5f), Tensor.randn(rng, 37, 11));
        checkAgainstCpu(gpu, "neg", in -> Arithmetic.neg(in[0]), Tensor.randn(rng, 37, 11));
        checkAgainstCpu(gpu, "addScalar", in -> Arithmetic.addScalar(in[0], 0.75f), Tensor.randn(rng, 37, 11));
    }

    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void matmulMatchesTheCpuOnEveryLayout(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        Rng rng = new Rng(4);
        int[][][] pairs = {
            {{37, 33}, {33, 70}},
            {{130, 70}, {70, 129}}, // several tiles each way, none full
            {{1, 1}, {1, 1}},
            {{3, 17, 9}, {3, 9, 13}}, // batched
            {{3, 17, 9}, {9, 13}}, // one matrix for the whole batch
        };
        for (int[][] p : pairs) {
            checkAgainstCpu(gpu, "matmul " + Shape.str(p[0]) + " " + Shape.str(p[1]), in -> MatMul.matmul(in[0], in[1]),
                    Tensor.randn(rng, p[0]), Tensor.randn(rng, p[1]));
        }
        checkAgainstCpu(gpu, "matmul twice", in -> MatMul.matmul(MatMul.matmul(in[0], in[1]), in[1]),
                Tensor.randn(rng, 2, 37, 40), Tensor.randn(rng, 2, 40, 40));
    }

    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void linearMatchesTheCpuWithAndWithoutBias(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        Rng rng = new Rng(5);
        checkAgainstCpu(gpu, "linear", in -> MatMul.linear(in[0], in[1], in[2]),
                Tensor.randn(rng, 37, 65), Tensor.randn(rng, 70, 65), Tensor.randn(rng, 70));
        checkAgainstCpu(gpu, "linear, no bias", in -> MatMul.linear(in[0], in[1], null), Tensor.randn(rng, 37, 65), Tensor.randn(rng, 70, 65));
        checkAgainstCpu(gpu, "linear, 3-d input", in -> MatMul.linear(in[0], in[1], in[2]),
                Tensor.randn(rng, 2, 5, 65), Tensor.randn(rng, 3, 65), Tensor.randn(rng, 3));
        // Used twice, so the second gradient of each input adds to the first.
        checkAgainstCpu(gpu, "linear twice", in -> MatMul.linear(MatMul.linear(in[0], in[1], in[2]), in[1], in[2]),
                Tensor.randn(rng, 37, 40), Tensor.randn(rng, 40, 40), Tensor.randn(rng, 40));
    }

    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void sumAndMeanMatchTheCpu(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        Rng rng = new Rng(6);
        for (int[] shape : new int[][] {{1}, {1001, 3}, {100_003}}) {
            checkAgainstCpu(gpu, "sum " + Shape.str(shape), in -> Reductions.sum(in[0]), Tensor.randn(rng, shape));
            checkAgainstCpu(gpu, "mean " + Shape.str(shape), in -> Reductions.mean(in[0]), Tensor.randn(rng, shape));
        }
    }

    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void aSmallNetworkGivesTheCpusLossAndGradients(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        Rng rng = new Rng(7);
        // b is used twice: both contributions add up in its gradient.
        checkAgainstCpu(gpu, "sum(2·(linear(x, w, b) + b))",
                in -> Reductions.sum(Arithmetic.mulScalar(Arithmetic.add(MatMul.linear(in[0], in[1], in[2]), in[2]), 2f)),
                Tensor.randn(rng, 5, 7), Tensor.randn(rng, 3, 7), Tensor.randn(rng, 3));
    }

    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void broadcastingBeyondFourDimensionsSaysSo(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        Tensor a = Tensor.zeros(2, 3, 4, 5, 6).to(gpu);
        Tensor b = Tensor.zeros(3, 1, 5, 1).to(gpu);
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> Arithmetic.mul(a, b));
        assertTrue(e.getMessage().startsWith("mul: broadcasting"), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void aTrainingStepAsksTheDriverForMemoryOnlyTheFirstTime(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        Rng rng = new Rng(8);
        Tensor x = Tensor.randn(rng, 16, 33).to(gpu);
        Tensor w = Tensor.randn(rng, 10, 33).to(gpu).requiresGrad(true);
        Tensor b = Tensor.randn(rng, 10).to(gpu).requiresGrad(true);
        Tensor gradOutput = Tensor.randn(rng, 16, 10);
        long before = 0;
        for (int step = 0; step < 3; step++) {
            if (step == 1) before = gpu.driverAllocations();
            try (Storage.Scope scope = Storage.scope()) {
                Tensor y = Arithmetic.mul(Arithmetic.add(MatMul.linear(x, w, b), b), MatMul.linear(x, w, null));
                y.backward(gradOutput);
            }
        }
        assertEquals(before, gpu.driverAllocations(), "steps after the first reuse the memory of the one before");
    }

    /**
     * Runs {@code op} on the cpu inputs and on copies of them on the GPU, and compares the values; then
     * sends one random output gradient back through both and compares every input's gradient.
     */
    private static void checkAgainstCpu(CudaDevice gpu, String what, Function<Tensor[], Tensor> op, Tensor... cpu) {
        Tensor[] onGpu = new Tensor[cpu.length];
        for (int i = 0; i < cpu.length; i++) {
            cpu[i].requiresGrad(true);
            onGpu[i] = cpu[i].to(gpu).requiresGrad(true);
        }
        Tensor expected = op.apply(cpu);
        Tensor actual = op.apply(onGpu);
        assertSame(gpu, actual.device(), what + ": the result stays on the GPU");
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        Gpu.assertRelativeError(what + ": value", expected.data(), actual.to(Device.CPU).data());

        Tensor gradOutput = Tensor.randn(new Rng(99), expected.shape());
        expected.backward(gradOutput);
        actual.backward(gradOutput);
        for (int i = 0; i < cpu.length; i++) {
            Gpu.assertRelativeError(what + ": gradient of input " + i, cpu[i].gradData(), onGpu[i].grad().to(Device.CPU).data());
        }
    }

    /** Uniform in ±[0.5, 1.5): divisors whose gradients −a/b² stay moderate. */
    private static Tensor awayFromZero(Rng rng, int[] shape) {
        Tensor t = Tensor.rand(rng, shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = (i % 2 == 0 ? 1 : -1) * (0.5f + d[i]);
        return t;
    }
}
