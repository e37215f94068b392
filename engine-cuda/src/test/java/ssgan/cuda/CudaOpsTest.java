package ssgan.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import ssgan.engine.autograd.GradMode;
import ssgan.engine.device.Device;
import ssgan.engine.ops.Activations;
import ssgan.engine.ops.Arithmetic;
import ssgan.engine.ops.Conv2dSpec;
import ssgan.engine.ops.ConvTranspose2dSpec;
import ssgan.engine.ops.Convolution;
import ssgan.engine.ops.Losses;
import ssgan.engine.ops.MatMul;
import ssgan.engine.ops.Normalization;
import ssgan.engine.ops.Padding;
import ssgan.engine.ops.Pointwise;
import ssgan.engine.ops.Reductions;
import ssgan.engine.ops.Resize;
import ssgan.engine.ops.Shapes;
import ssgan.engine.ops.Stochastic;
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

    /**
     * The weight-normalised layer's fused forward: the cpu's two ops within tolerance, and on this
     * device the bits of its own two ops (the epilogue rounds as channel_affine does), in one launch.
     */
    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void linearAffineIsTheTwoOpsItFusesInOneLaunch(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        Rng rng = new Rng(12);
        for (float slope : new float[] {Normalization.NO_ACTIVATION, 0f, 0.2f}) {
            for (int[] s : new int[][] {{13, 9, 7}, {130, 65, 70}}) { // rows, in, units: one tile; several, none full
                String what = "linearAffine slope " + slope + " " + Arrays.toString(s);
                Function<Tensor[], Tensor> twoOps = in -> Normalization.channelAffine(MatMul.linear(in[0], in[1], null), in[2], in[3], slope);
                Function<Tensor[], Tensor> fused = in -> MatMul.linearAffine(in[0], in[1], in[2], in[3], slope);
                Tensor[] inputs = {Tensor.randn(rng, s[0], s[1]), Tensor.randn(rng, s[2], s[1]), Tensor.randn(rng, s[2]), Tensor.randn(rng, s[2])};
                checkAgainstCpu(gpu, what, twoOps, fused, inputs);
                checkAgainstCpu(gpu, what + ", no shift", in -> Normalization.channelAffine(MatMul.linear(in[0], in[1], null), in[2], null, slope),
                        in -> MatMul.linearAffine(in[0], in[1], in[2], null, slope), inputs[0], inputs[1], inputs[2]);
                assertSameOnDevice(gpu, what, twoOps, fused, inputs);
            }
        }
        if (gpu.driver() instanceof EmulatedCudaApi emulator) {
            Tensor x = Tensor.randn(rng, 5, 3).to(gpu), w = Tensor.randn(rng, 4, 3).to(gpu), scale = Tensor.randn(rng, 4).to(gpu);
            long gemms = emulator.runs("linear_forward") + emulator.runs("sgemm"), affines = emulator.runs("channel_affine");
            MatMul.linearAffine(x, w, scale, null, 0f);
            assertEquals(gemms + 1, emulator.runs("linear_forward") + emulator.runs("sgemm"), "one product");
            assertEquals(affines, emulator.runs("channel_affine"), "no separate pass for the scale, shift and activation");
            MatMul.linear(x, w, scale);
            assertEquals(gemms + 2, emulator.runs("linear_forward") + emulator.runs("sgemm"), "linear with a bias: one launch");
        }
    }

    /** gpuOp and gpuOp2 on the device: the same values and gradients to the last bit. */
    private static void assertSameOnDevice(CudaDevice gpu, String what, Function<Tensor[], Tensor> gpuOp, Function<Tensor[], Tensor> gpuOp2,
                                           Tensor... cpu) {
        float[][] values = new float[2][];
        float[][][] grads = new float[2][cpu.length][];
        List<Function<Tensor[], Tensor>> ops = List.of(gpuOp, gpuOp2);
        for (int run = 0; run < 2; run++) {
            Tensor[] onGpu = new Tensor[cpu.length];
            for (int i = 0; i < cpu.length; i++) onGpu[i] = cpu[i].detach().to(gpu).requiresGrad(true);
            Tensor y = ops.get(run).apply(onGpu);
            values[run] = y.to(Device.CPU).data();
            y.backward(Tensor.randn(new Rng(99), y.shape()).to(gpu));
            for (int i = 0; i < cpu.length; i++) grads[run][i] = onGpu[i].grad().to(Device.CPU).data();
        }
        assertArrayEquals(values[0], values[1], what + ": values on the device");
        for (int i = 0; i < cpu.length; i++) assertArrayEquals(grads[0][i], grads[1][i], what + ": gradient of input " + i + " on the device");
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
    void elementWiseFunctionsMatchTheCpu(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        Rng rng = new Rng(10);
        checkAgainstCpu(gpu, "tanh", in -> Activations.tanh(in[0]), scaled(Tensor.randn(rng, 37, 11), 3f));
        checkAgainstCpu(gpu, "softplus", in -> Activations.softplus(in[0]), scaled(Tensor.randn(rng, 37, 11), 30f)); // both tails
        checkAgainstCpu(gpu, "sigmoid", in -> Activations.sigmoid(in[0]), scaled(Tensor.randn(rng, 37, 11), 5f));
        checkAgainstCpu(gpu, "exp", in -> Pointwise.exp(in[0]), Tensor.randn(rng, 37, 11));
        checkAgainstCpu(gpu, "abs", in -> Pointwise.abs(in[0]), Tensor.randn(rng, 37, 11));
        checkAgainstCpu(gpu, "log", in -> Pointwise.log(in[0]), Arithmetic.addScalar(Tensor.rand(rng, 37, 11), 0.5f));
        checkAgainstCpu(gpu, "sqrt", in -> Pointwise.sqrt(in[0]), Arithmetic.addScalar(Tensor.rand(rng, 37, 11), 0.5f));
    }

    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void leakyReluMatchesTheCpuForEverySlope(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        Rng rng = new Rng(21);
        for (float slope : new float[] {0.2f, 0f, -0.5f}) {
            checkAgainstCpu(gpu, "leakyRelu slope " + slope, in -> Activations.leakyRelu(in[0], slope), Tensor.randn(rng, 3, 5, 7, 3));
        }
        checkAgainstCpu(gpu, "relu", in -> Activations.relu(in[0]), Tensor.randn(rng, 37, 11));
    }

    /** Odd sizes everywhere: batch 3, channel counts and planes that fill no tile, strides 1 to 3, every kind of padding. */
    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void conv2dMatchesTheCpuOnOddShapes(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        Rng rng = new Rng(22);
        checkAgainstCpu(gpu, "conv2d 5x5 SAME/2", in -> Convolution.conv2d(in[0], in[1], in[2], Conv2dSpec.same(2)),
                Tensor.randn(rng, 3, 5, 17, 13), Tensor.randn(rng, 7, 5, 5, 5), Tensor.randn(rng, 7));
        checkAgainstCpu(gpu, "conv2d 3x3 VALID/1, no bias", in -> Convolution.conv2d(in[0], in[1], null, Conv2dSpec.valid(1)),
                Tensor.randn(rng, 3, 3, 9, 11), Tensor.randn(rng, 5, 3, 3, 3));
        checkAgainstCpu(gpu, "conv2d 4x3, stride 2x3, asymmetric padding",
                in -> Convolution.conv2d(in[0], in[1], in[2], new Conv2dSpec(2, 3, Padding.of(1, 2, 0, 3))),
                Tensor.randn(rng, 3, 4, 10, 11), Tensor.randn(rng, 9, 4, 4, 3), Tensor.randn(rng, 9));
        checkAgainstCpu(gpu, "conv2d 1x1", in -> Convolution.conv2d(in[0], in[1], in[2], Conv2dSpec.valid(1)),
                Tensor.randn(rng, 2, 33, 3, 5), Tensor.randn(rng, 17, 33, 1, 1), Tensor.randn(rng, 17));
        checkAgainstCpu(gpu, "conv2d 3x3 VALID/2, rows the stride skips", in -> Convolution.conv2d(in[0], in[1], in[2], Conv2dSpec.valid(2)),
                Tensor.randn(rng, 3, 3, 8, 8), Tensor.randn(rng, 5, 3, 3, 3), Tensor.randn(rng, 5));
        // Used twice, so the second gradient of each input adds to the first.
        checkAgainstCpu(gpu, "conv2d twice", in -> Convolution.conv2d(Convolution.conv2d(in[0], in[1], in[2], Conv2dSpec.same(1)),
                in[1], in[2], Conv2dSpec.same(1)), Tensor.randn(rng, 3, 6, 7, 5), Tensor.randn(rng, 6, 6, 3, 3), Tensor.randn(rng, 6));
    }

    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void convTranspose2dMatchesTheCpuOnOddShapes(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        Rng rng = new Rng(23);
        checkAgainstCpu(gpu, "convTranspose2d 5x5 SAME/2", in -> Convolution.convTranspose2d(in[0], in[1], in[2], ConvTranspose2dSpec.same(2)),
                Tensor.randn(rng, 3, 5, 7, 6), Tensor.randn(rng, 5, 7, 5, 5), Tensor.randn(rng, 7));
        checkAgainstCpu(gpu, "convTranspose2d 2x2 SAME/3 (kernel smaller than the stride)",
                in -> Convolution.convTranspose2d(in[0], in[1], in[2], ConvTranspose2dSpec.same(3)),
                Tensor.randn(rng, 3, 4, 5, 3), Tensor.randn(rng, 4, 3, 2, 2), Tensor.randn(rng, 3));
        checkAgainstCpu(gpu, "convTranspose2d 3x3/2, padding 1, output padding 1, no bias",
                in -> Convolution.convTranspose2d(in[0], in[1], null, ConvTranspose2dSpec.of(2, 1, 1)),
                Tensor.randn(rng, 3, 9, 5, 7), Tensor.randn(rng, 9, 5, 3, 3));
        checkAgainstCpu(gpu, "convTranspose2d 4x3, stride 3x2, asymmetric padding, output padding 2x1",
                in -> Convolution.convTranspose2d(in[0], in[1], in[2], new ConvTranspose2dSpec(3, 2, Padding.of(2, 1, 0, 1), 2, 1)),
                Tensor.randn(rng, 2, 3, 4, 5), Tensor.randn(rng, 3, 11, 4, 3), Tensor.randn(rng, 11));
        checkAgainstCpu(gpu, "convTranspose2d twice", in -> Convolution.convTranspose2d(
                        Convolution.convTranspose2d(in[0], in[1], in[2], ConvTranspose2dSpec.of(1, 1, 0)), in[1], in[2], ConvTranspose2dSpec.of(1, 1, 0)),
                Tensor.randn(rng, 3, 5, 6, 7), Tensor.randn(rng, 5, 5, 3, 3), Tensor.randn(rng, 5));
    }

    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void bilinearMatchesTheCpuShrinkingAndGrowing(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        Rng rng = new Rng(24);
        int[][] sizes = { // in h, w → out h, w
            {32, 32, 28, 28}, {5, 7, 12, 17}, {9, 5, 7, 11}, {6, 6, 6, 6}, {1, 1, 3, 4}, {7, 13, 1, 2}, {3, 40, 8, 9},
        };
        for (int[] s : sizes) {
            checkAgainstCpu(gpu, "bilinear " + s[0] + "x" + s[1] + " to " + s[2] + "x" + s[3], in -> Resize.bilinear(in[0], s[2], s[3]),
                    Tensor.randn(rng, 3, 5, s[0], s[1]));
        }
    }

    /** The dcgan model's layers at their real sizes (DcganDiscriminator, DcganGenerator), with a batch of 3. */
    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void theDcganLayersMatchTheCpu(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        Rng rng = new Rng(25);
        Object[][] discriminator = { // input channels, size, output channels, kernel, spec
            {1, 28, 64, 5, Conv2dSpec.same(2)}, {64, 14, 128, 3, Conv2dSpec.same(2)},
            {128, 7, 256, 3, Conv2dSpec.valid(1)}, {256, 5, 256, 3, Conv2dSpec.valid(2)},
        };
        for (Object[] d : discriminator) {
            int c = (Integer) d[0], size = (Integer) d[1], o = (Integer) d[2], k = (Integer) d[3];
            checkAgainstCpu(gpu, "conv2d, dcgan " + c + "x" + size + "x" + size + " to " + o,
                    in -> Convolution.conv2d(in[0], in[1], in[2], (Conv2dSpec) d[4]),
                    Tensor.randn(rng, 3, c, size, size), scaled(Tensor.randn(rng, o, c, k, k), 0.1f), Tensor.randn(rng, o));
        }
        int[] channels = {64, 256, 128, 64, 1};
        for (int i = 0; i < 4; i++) {
            int c = channels[i], o = channels[i + 1], size = 2 << i;
            checkAgainstCpu(gpu, "convTranspose2d, dcgan " + c + "x" + size + "x" + size + " to " + o,
                    in -> Convolution.convTranspose2d(in[0], in[1], in[2], ConvTranspose2dSpec.same(2)),
                    Tensor.randn(rng, 3, c, size, size), scaled(Tensor.randn(rng, c, o, 5, 5), 0.1f), Tensor.randn(rng, o));
        }
        checkAgainstCpu(gpu, "bilinear, dcgan 32x32 to 28x28", in -> Resize.bilinear(in[0], 28, 28), Tensor.randn(rng, 3, 1, 32, 32));
    }

    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void convolutionStepsAskTheDriverForMemoryOnlyTheFirstTimes(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        Rng rng = new Rng(26);
        Tensor x = Tensor.randn(rng, 3, 2, 9, 9).to(gpu);
        Tensor w = Tensor.randn(rng, 4, 2, 3, 3).to(gpu).requiresGrad(true);
        Tensor up = Tensor.randn(rng, 4, 2, 5, 5).to(gpu).requiresGrad(true);
        Tensor b = Tensor.randn(rng, 2).to(gpu).requiresGrad(true);
        long before = 0;
        for (int step = 0; step < 4; step++) {
            if (step == 2) before = gpu.driverAllocations(); // the free lists settle in two steps, as gradient buffers appear
            try (Storage.Scope scope = Storage.scope()) {
                Tensor h = Activations.leakyRelu(Convolution.conv2d(x, w, null, Conv2dSpec.same(2)), 0.2f);
                Tensor y = Resize.bilinear(Convolution.convTranspose2d(h, up, b, ConvTranspose2dSpec.same(2)), 7, 7);
                Reductions.sum(Arithmetic.mul(y, y)).backward();
                try (var noGrad = GradMode.noGrad()) { // and a pass without a graph
                    Resize.bilinear(Convolution.conv2d(x, w, null, Conv2dSpec.valid(1)), 3, 3);
                }
            }
        }
        assertEquals(before, gpu.driverAllocations(), "later steps reuse the memory of the ones before: nothing is left behind");
    }

    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void channelAffineMatchesTheCpuWithEveryActivation(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        Rng rng = new Rng(11);
        for (float slope : new float[] {Normalization.NO_ACTIVATION, 0f, 0.2f}) {
            for (int[] shape : new int[][] {{13, 7}, {5, 7, 3}}) {
                String what = "channelAffine slope " + slope + " " + Shape.str(shape);
                checkAgainstCpu(gpu, what, in -> Normalization.channelAffine(in[0], in[1], in[2], slope),
                        Tensor.randn(rng, shape), Tensor.randn(rng, 7), Tensor.randn(rng, 7));
                checkAgainstCpu(gpu, what + ", no shift", in -> Normalization.channelAffine(in[0], in[1], null, slope),
                        Tensor.randn(rng, shape), Tensor.randn(rng, 7));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void batchNormMatchesTheCpuInBothModesAndUpdatesTheRunningStatistics(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        Rng rng = new Rng(12);
        for (boolean training : new boolean[] {true, false}) {
            for (float slope : new float[] {Normalization.NO_ACTIVATION, 0.2f}) {
                for (int[] shape : new int[][] {{10, 37}, {5, 7, 3}}) {
                    int c = shape[1];
                    Tensor x = Arithmetic.addScalar(Tensor.randn(rng, shape), 2f); // away from zero mean: the centring matters
                    Tensor gamma = Tensor.randn(rng, c), beta = Tensor.randn(rng, c);
                    Tensor runningMean = Tensor.randn(rng, c), runningVar = Arithmetic.addScalar(Tensor.rand(rng, c), 0.5f);
                    float[] cpuMean = runningMean.data().clone(), cpuVar = runningVar.data().clone();
                    Tensor gpuMean = runningMean.to(gpu), gpuVar = runningVar.to(gpu);
                    String what = (training ? "batchNorm train" : "batchNorm eval") + " slope " + slope + " " + Shape.str(shape);
                    checkAgainstCpu(gpu, what,
                            in -> Normalization.batchNorm(in[0], in[1], in[2], cpuMean, cpuVar, training, 0.1f, 1e-5f, slope),
                            in -> gpu.ops().batchNorm(in[0], in[1], in[2], gpuMean, gpuVar, training, 0.1f, 1e-5f, slope),
                            x, gamma, beta);
                    Gpu.assertRelativeError(what + ": running mean", cpuMean, gpuMean.to(Device.CPU).data());
                    Gpu.assertRelativeError(what + ": running variance", cpuVar, gpuVar.to(Device.CPU).data());
                }
            }
        }
        // No scale or shift, and no running statistics: batch statistics alone.
        checkAgainstCpu(gpu, "batchNorm, not affine",
                in -> Normalization.batchNorm(in[0], null, null, null, null, true, 0.1f, 1e-5f),
                in -> gpu.ops().batchNorm(in[0], null, null, null, null, true, 0.1f, 1e-5f, Normalization.NO_ACTIVATION),
                Tensor.randn(rng, 9, 5));
    }

    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void theSoftmaxFamilyAndArgmaxMatchTheCpuAlongEveryDimension(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        Rng rng = new Rng(13);
        for (int[] shape : new int[][] {{37, 10}, {3, 5, 4}}) {
            for (int dim = 0; dim < shape.length; dim++) {
                int d = dim;
                String where = Shape.str(shape) + " dim " + d;
                Tensor x = scaled(Tensor.randn(rng, shape), 4f);
                checkAgainstCpu(gpu, "logSumExp " + where, in -> Reductions.logSumExp(in[0], d, false), x);
                checkAgainstCpu(gpu, "logSumExp keepDim " + where, in -> Reductions.logSumExp(in[0], d, true), x);
                checkAgainstCpu(gpu, "softmax " + where, in -> Reductions.softmax(in[0], d), x);
                checkAgainstCpu(gpu, "logSoftmax " + where, in -> Reductions.logSoftmax(in[0], d), x);
                assertArrayEquals(Reductions.argmax(x, d), Reductions.argmax(x.to(gpu), d), "argmax " + where);
            }
        }
        Tensor ties = Tensor.of(new float[] {1, 3, 3, 2, Float.NaN, 0, Float.NaN, Float.NaN}, 4, 2);
        assertArrayEquals(Reductions.argmax(ties, 1), Reductions.argmax(ties.to(gpu), 1), "ties go to the first; numbers beat NaN");
    }

    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void lossesMatchTheCpu(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        Rng rng = new Rng(14);
        int[] labels = new int[37];
        for (int i = 0; i < labels.length; i++) labels[i] = rng.nextInt(10);
        for (float smoothing : new float[] {0f, 0.1f}) {
            checkAgainstCpu(gpu, "crossEntropy smoothing " + smoothing, in -> Losses.crossEntropy(in[0], labels, smoothing),
                    scaled(Tensor.randn(rng, 37, 10), 3f));
        }
        checkAgainstCpu(gpu, "mse", in -> Losses.mse(in[0], in[1]), Tensor.randn(rng, 13, 17), Tensor.randn(rng, 13, 17));
    }

    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void sumsAndMeansOverDimensionsMatchTheCpu(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        Rng rng = new Rng(15);
        checkAgainstCpu(gpu, "mean over 0", in -> Reductions.mean(in[0], false, 0), Tensor.randn(rng, 37, 11));
        checkAgainstCpu(gpu, "sum over 1, kept", in -> Reductions.sum(in[0], true, 1), Tensor.randn(rng, 3, 5, 4));
        checkAgainstCpu(gpu, "mean over 0 and 2", in -> Reductions.mean(in[0], false, 0, 2), Tensor.randn(rng, 3, 5, 4));
        checkAgainstCpu(gpu, "sum over -1", in -> Reductions.sum(in[0], false, -1), Tensor.randn(rng, 3, 5, 4));
    }

    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void concatSplitAndNarrowMatchTheCpu(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        Rng rng = new Rng(16);
        checkAgainstCpu(gpu, "concat 0", in -> Shapes.concat(0, in[0], in[1], in[2]),
                Tensor.randn(rng, 3, 5), Tensor.randn(rng, 4, 5), Tensor.randn(rng, 2, 5));
        checkAgainstCpu(gpu, "concat 1", in -> Shapes.concat(1, in[0], in[1]), Tensor.randn(rng, 3, 2, 4), Tensor.randn(rng, 3, 5, 4));
        checkAgainstCpu(gpu, "narrow", in -> Shapes.narrow(in[0], 1, 2, 3), Tensor.randn(rng, 3, 7, 4));
        // Split, then put the pieces back weighted differently: each piece's gradient goes to its own rows.
        checkAgainstCpu(gpu, "split", in -> {
            Tensor[] parts = Shapes.split(in[0], 0, 3, 4, 2);
            return Shapes.concat(0, Arithmetic.mulScalar(parts[2], 3f), parts[0], Arithmetic.mulScalar(parts[1], -2f));
        }, Tensor.randn(rng, 9, 6));
    }

    /** A batch gathered from a dataset on the device is the cpu's gather, bit for bit (it is a copy), repeats included. */
    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void indexSelectGathersTheCpusRows(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        Tensor dataset = Tensor.randn(new Rng(18), 7, 3, 5);
        int[] rows = {6, 0, 3, 3, 1};
        Tensor batch = Shapes.indexSelect(dataset.to(gpu), rows);
        assertArrayEquals(new int[] {5, 3, 5}, batch.shape());
        assertArrayEquals(Shapes.indexSelect(dataset, rows).data(), batch.to(Device.CPU).data());
        Gpu.record("indexSelect", 0);
        Tensor weights = dataset.to(gpu).requiresGrad(true);
        assertThrows(UnsupportedOperationException.class, () -> Shapes.indexSelect(weights, rows), "no backward rule: refused, not wrong");
    }

    /**
     * Images moved by their own offsets on the device are the cpu's, bit for bit (copies and background),
     * on an odd shape with offsets of every sign, none, and ones that move an image out of the frame.
     */
    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void shiftImagesMovesEachImageAsTheCpuDoes(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        Tensor images = Tensor.randn(new Rng(19), 5, 2, 7, 9);
        int[] offsets = {1, -2, 0, 0, -3, 2, 9, 0, -1, -7};
        Tensor moved = Shapes.shiftImages(images.to(gpu), offsets, -1f);
        assertArrayEquals(new int[] {5, 2, 7, 9}, moved.shape());
        assertArrayEquals(Shapes.shiftImages(images, offsets, -1f).data(), moved.to(Device.CPU).data());
        Gpu.record("shiftImages", 0);
    }

    /**
     * The device's warp gives the cpu's bits: every step rounded alone, in the same order, in double; on an
     * odd shape with turns of both signs, scalings, a map that reads half outside the frame, and none;
     * without moves and with them.
     */
    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void warpImagesTurnsEachImageAsTheCpuDoes(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        Tensor images = Tensor.randn(new Rng(23), 5, 2, 7, 9);
        double[] maps = new double[4 * 5];
        double[][] turns = {{0.3, 1.1}, {-0.25, 0.9}, {0, 1}, {2.5, 0.45}, {-1.0, 1.3}};   // angle (radians), scale
        for (int i = 0; i < 5; i++) {
            double cos = Math.cos(turns[i][0]) / turns[i][1], sin = Math.sin(turns[i][0]) / turns[i][1];
            maps[4 * i] = cos;
            maps[4 * i + 1] = sin;
            maps[4 * i + 2] = -sin;
            maps[4 * i + 3] = cos;
        }
        Tensor warped = Shapes.warpImages(images.to(gpu), maps, null, -1f);
        assertArrayEquals(new int[] {5, 2, 7, 9}, warped.shape());
        assertArrayEquals(Shapes.warpImages(images, maps, null, -1f).data(), warped.to(Device.CPU).data());
        float[] moves = new float[2 * 5 * 7 * 9];   // bends of up to 2 pixels, different for x and y
        for (int j = 0; j < moves.length; j++) moves[j] = (float) (2 * Math.sin(0.37 * j + 0.1 * (j / 63)));
        Tensor bent = Shapes.warpImages(images.to(gpu), maps, moves, -1f);
        assertArrayEquals(Shapes.warpImages(images, maps, moves, -1f).data(), bent.to(Device.CPU).data(), "with moves");
        Gpu.record("warpImages", 0);
    }

    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void gaussianNoiseDrawsTheCpusNoiseFromTheSameSeed(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        Rng rng = new Rng(17);
        Rng cpuNoise = new Rng(5), gpuNoise = new Rng(5);
        checkAgainstCpu(gpu, "gaussianNoise",
                in -> Stochastic.gaussianNoise(in[0], 0.5f, true, cpuNoise),
                in -> Stochastic.gaussianNoise(in[0], 0.5f, true, gpuNoise), Tensor.randn(rng, 37, 11));
        assertEquals(cpuNoise.state(), gpuNoise.state(), "each draws one long from its generator");
        Tensor x = Tensor.randn(rng, 3, 4).to(gpu);
        assertSame(x, Stochastic.gaussianNoise(x, 0.5f, false, gpuNoise), "no noise in eval mode");
    }

    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void rowNormsAreTheNormsOfTheRowsAndTheirGradient(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        Rng rng = new Rng(18);
        int rows = 37, cols = 300;
        Tensor v = Tensor.randn(rng, rows, cols);
        v.data()[5 * cols + 7] = 0; // and a zero row, whose gradient is 0
        java.util.Arrays.fill(v.data(), 9 * cols, 10 * cols, 0f);
        Tensor g = Tensor.randn(rng, rows);
        Tensor dv = v.to(gpu).requiresGrad(true);
        Tensor norms = gpu.ops().rowNorms(dv);
        norms.backward(g.to(gpu));
        double[] expected = new double[rows], expectedGrad = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int j = 0; j < cols; j++) s += (double) v.data()[r * cols + j] * v.data()[r * cols + j];
            expected[r] = Math.sqrt(s);
            for (int j = 0; j < cols; j++) expectedGrad[r * cols + j] = s == 0 ? 0 : g.data()[r] / expected[r] * v.data()[r * cols + j];
        }
        Gpu.assertRelativeError("rowNorms: value", expected, norms.to(Device.CPU).data());
        Gpu.assertRelativeError("rowNorms: gradient", expectedGrad, dv.grad().to(Device.CPU).data());
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

    @ParameterizedTest
    @MethodSource("ssgan.cuda.Gpu#devices")
    void everyOpGivesItsMemoryBackWithOrWithoutABackwardPass(Supplier<CudaDevice> device) {
        CudaDevice gpu = device.get();
        Rng rng = new Rng(19);
        Tensor x = Tensor.randn(rng, 12, 20).to(gpu);
        Tensor w = Tensor.randn(rng, 6, 20).to(gpu).requiresGrad(true);
        Tensor gamma = Tensor.ones(6).to(gpu), beta = Tensor.zeros(6).to(gpu).requiresGrad(true);
        Tensor runningMean = Tensor.zeros(6).to(gpu), runningVar = Tensor.ones(6).to(gpu);
        int[] labels = {0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5};
        Rng noise = new Rng(20);
        long before = 0;
        for (int step = 0; step < 4; step++) {
            if (step == 2) before = gpu.driverAllocations(); // the free lists settle in two steps, as gradient buffers appear
            try (Storage.Scope scope = Storage.scope()) {
                Tensor h = gpu.ops().batchNorm(MatMul.linear(x, w, null), gamma, beta, runningMean, runningVar, true, 0.1f, 1e-5f, 0.2f);
                h = Stochastic.gaussianNoise(Activations.softplus(h), 0.3f, true, noise);
                Tensor[] halves = Shapes.split(h, 0, 6, 6);
                Tensor logits = Shapes.concat(0, halves[1], halves[0]);
                Tensor loss = Arithmetic.add(Losses.crossEntropy(logits, labels, 0.1f),
                        Reductions.mean(Activations.softplus(Reductions.logSumExp(logits, 1, false))));
                loss = Arithmetic.add(loss, Losses.mse(Reductions.mean(h, false, 0), Reductions.mean(Reductions.softmax(logits, 1), false, 0)));
                Normalization.channelAffine(h, gamma, beta, 0f); // a branch that backward never reaches
                loss.backward();
                try (var noGrad = GradMode.noGrad()) { // and a pass without a graph
                    Losses.crossEntropy(Normalization.channelAffine(MatMul.linear(x, w, null), gamma, beta, 0f), labels, 0f);
                }
            }
        }
        assertEquals(before, gpu.driverAllocations(), "later steps reuse the memory of the ones before: nothing is left behind");
    }

    /**
     * Runs {@code op} on the cpu inputs and on copies of them on the GPU, and compares the values; then
     * sends one random output gradient back through both and compares every input's gradient.
     */
    private static void checkAgainstCpu(CudaDevice gpu, String what, Function<Tensor[], Tensor> op, Tensor... cpu) {
        checkAgainstCpu(gpu, what, op, op, cpu);
    }

    /** The same, for an op that is called one way on the cpu and another on the GPU. */
    private static void checkAgainstCpu(CudaDevice gpu, String what, Function<Tensor[], Tensor> cpuOp, Function<Tensor[], Tensor> gpuOp,
                                        Tensor... cpu) {
        Tensor[] onGpu = new Tensor[cpu.length];
        for (int i = 0; i < cpu.length; i++) {
            cpu[i].clearGrad(); // an input may come from an earlier check
            cpu[i].requiresGrad(true);
            onGpu[i] = cpu[i].to(gpu).requiresGrad(true);
        }
        Tensor expected = cpuOp.apply(cpu);
        Tensor actual = gpuOp.apply(onGpu);
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

    /** t·s, as a new leaf. */
    private static Tensor scaled(Tensor t, float s) {
        return Tensor.of(Arithmetic.mulScalar(t, s).data(), t.shape());
    }

    /** Uniform in ±[0.5, 1.5): divisors whose gradients −a/b² stay moderate. */
    private static Tensor awayFromZero(Rng rng, int[] shape) {
        Tensor t = Tensor.rand(rng, shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = (i % 2 == 0 ? 1 : -1) * (0.5f + d[i]);
        return t;
    }
}
