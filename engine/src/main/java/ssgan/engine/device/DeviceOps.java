package ssgan.engine.device;

import ssgan.engine.kernels.ConvGeometry;
import ssgan.engine.kernels.UnaryOp;
import ssgan.engine.tensor.Tensor;

/**
 * The ops a device runs itself, each with the same meaning, shapes and errors as its CPU namesake in
 * {@code ssgan.engine.ops} (which checks its arguments and then dispatches here), and each recording its
 * own backward rule ({@code Tensor.fromDeviceOp}). A backend implements what it has kernels for; an op it
 * lacks fails with one line naming the op and the device.
 */
public interface DeviceOps {
    /** The device these ops run on (for messages). */
    Device device();

    /** Same-shape or broadcast a + b (see {@code Arithmetic.add}). */
    default Tensor add(Tensor a, Tensor b) {
        throw missing("add");
    }

    default Tensor sub(Tensor a, Tensor b) {
        throw missing("sub");
    }

    default Tensor mul(Tensor a, Tensor b) {
        throw missing("mul");
    }

    default Tensor div(Tensor a, Tensor b) {
        throw missing("div");
    }

    /** a · s, under the given op name (mulScalar, neg). */
    default Tensor scale(String op, Tensor a, float s) {
        throw missing(op);
    }

    default Tensor addScalar(Tensor a, float s) {
        throw missing("addScalar");
    }

    /** [m, k] · [k, n] (see {@code MatMul.matmul}). */
    default Tensor matmul(Tensor a, Tensor b) {
        throw missing("matmul");
    }

    /** x · weightᵀ + bias, bias may be null (see {@code MatMul.linear}). */
    default Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        throw missing("linear");
    }

    /**
     * {@code channelAffine(linear(x, weight, null), scale, shift, leakySlope)}, arguments checked (see
     * {@code MatMul.linearAffine}): the two ops, unless the device fuses them.
     */
    default Tensor linearAffine(Tensor x, Tensor weight, Tensor scale, Tensor shift, float leakySlope) {
        return channelAffine(linear(x, weight, null), scale, shift, leakySlope);
    }

    /** The sum of all elements, a 0-dimensional tensor. */
    default Tensor sum(Tensor a) {
        throw missing("sum");
    }

    /** The mean of all elements, a 0-dimensional tensor. */
    default Tensor mean(Tensor a) {
        throw missing("mean");
    }

    /**
     * {@code scale} · (the sum of {@code a} down to {@code kept}, its shape with 1 on the summed
     * dimensions), shaped {@code outShape} ({@code kept}, or {@code kept} without those dimensions): sum and
     * mean over dimensions (see {@code Reductions.sum(Tensor, boolean, int...)}).
     */
    default Tensor sumToShape(String op, Tensor a, int[] kept, int[] outShape, float scale) {
        throw missing(op);
    }

    /** An element-wise function under the given op name (tanh, softplus, exp, ...; see {@code Pointwise}). */
    default Tensor unary(String op, UnaryOp function, Tensor a) {
        throw missing(op);
    }

    /** x for x > 0, slope·x otherwise, under the given op name (relu, leakyRelu; see {@code Activations}). */
    default Tensor leakyRelu(String op, Tensor a, float slope) {
        throw missing(op);
    }

    /**
     * The convolution {@code g} describes, plus bias: x {@code [N, C, H, W]}, w {@code [O, C, KH, KW]}, bias
     * {@code [O]} or null, giving {@code [N, O, OH, OW]} (see {@code Convolution.conv2d}, which checks the
     * shapes and resolves the padding into g).
     */
    default Tensor conv2d(Tensor x, Tensor w, Tensor bias, ConvGeometry g) {
        throw missing("conv2d");
    }

    /**
     * The transposed convolution, the adjoint of the convolution {@code g}, plus bias: x {@code [N, O, OH, OW]},
     * w {@code [O, C, KH, KW]}, bias {@code [C]} or null, giving {@code [N, C, H, W]} (see
     * {@code Convolution.convTranspose2d}).
     */
    default Tensor convTranspose2d(Tensor x, Tensor w, Tensor bias, ConvGeometry g) {
        throw missing("convTranspose2d");
    }

    /** Bilinear resize of x {@code [N, C, H, W]} to {@code [N, C, outH, outW]} (see {@code Resize.bilinear}). */
    default Tensor bilinear(Tensor x, int outH, int outW) {
        throw missing("bilinear");
    }

    /** x · scale + shift per channel, then a leaky ReLU (see {@code Normalization.channelAffine}). */
    default Tensor channelAffine(Tensor x, Tensor scale, Tensor shift, float leakySlope) {
        throw missing("channelAffine");
    }

    /**
     * Batch normalisation, then a leaky ReLU (see {@code Normalization.batchNorm}), with the running
     * statistics as tensors on this device (null when not tracked), updated in place in training mode.
     */
    default Tensor batchNorm(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                             boolean training, float momentum, float eps, float leakySlope) {
        throw missing("batchNorm");
    }

    /** Cross-entropy of logits [N, K] against labels on the host, label-smoothed (see {@code Losses.crossEntropy}). */
    default Tensor crossEntropy(Tensor logits, int[] labels, float labelSmoothing) {
        throw missing("crossEntropy");
    }

    default Tensor mse(Tensor a, Tensor b) {
        throw missing("mse");
    }

    /**
     * {@code a + std·z}, z the engine's stream of normal samples for {@code seed}, sample j at element j:
     * what {@code Rng.addGaussian} gives with the same seed (see {@code Stochastic.gaussianNoise}).
     */
    default Tensor gaussianNoise(Tensor a, float std, long seed) {
        throw missing("gaussianNoise");
    }

    default Tensor logSumExp(Tensor a, int dim, boolean keepDim) {
        throw missing("logSumExp");
    }

    default Tensor softmax(Tensor a, int dim) {
        throw missing("softmax");
    }

    default Tensor logSoftmax(Tensor a, int dim) {
        throw missing("logSoftmax");
    }

    /** The index of the maximum along {@code dim}, on the host (see {@code Reductions.argmax}). */
    default int[] argmax(Tensor a, int dim) {
        throw missing("argmax");
    }

    /** Joins tensors along dimension {@code dim} (already checked and non-negative). */
    default Tensor concat(int dim, Tensor... tensors) {
        throw missing("concat");
    }

    /** Elements {@code [start, start+length)} along dimension {@code dim} (already checked and non-negative). */
    default Tensor narrow(Tensor a, int dim, int start, int length) {
        throw missing("narrow");
    }

    /** The rows {@code a[rows[0]], a[rows[1]], ...} along dimension 0 (already checked to be in range). */
    default Tensor indexSelect(Tensor a, int[] rows) {
        throw missing("indexSelect");
    }

    /** Images [N, C, H, W] each moved by its own offset (already checked: two per image, no gradient). */
    default Tensor shiftImages(Tensor images, int[] offsets, float background) {
        throw missing("shiftImages");
    }

    /**
     * Images [N, C, H, W] each turned and scaled by its own map, then bent by its moves when they are not
     * null (already checked: four map entries and 2·H·W moves per image, no gradient).
     */
    default Tensor warpImages(Tensor images, double[] maps, float[] moves, float background) {
        throw missing("warpImages");
    }

    /** ‖v_r‖ for each row r of v seen as [rows, rest] (see nn's {@code WeightNorm.rowNorms}). */
    default Tensor rowNorms(Tensor v) {
        throw missing("weightNorm.rowNorms");
    }

    /**
     * {@code average += weight·(value − average)}, element by element, in place and outside autograd
     * (PyTorch's {@code lerp_}): a step of a moving average of parameters. Equal lengths.
     */
    default void lerp(DeviceArray average, DeviceArray value, float weight) {
        throw missing("lerp");
    }

    /** Copies {@code source}'s values into {@code target}, in place and outside autograd. Equal lengths. */
    default void copy(DeviceArray target, DeviceArray source) {
        if (target.length() != source.length()) {
            throw new IllegalArgumentException("copy: " + source.length() + " floats into " + target.length());
        }
        copy(target, 0, source);
    }

    /**
     * Copies all of {@code source} into {@code target} from element {@code offset} on, in place, outside
     * autograd and in order with the device's other work (nothing waits): how a value is kept on the
     * device beyond the scope that made it.
     */
    default void copy(DeviceArray target, int offset, DeviceArray source) {
        throw missing("copy");
    }

    /** An Adam update for one optimiser's parameters on this device (nn's {@code Adam} asks for one). */
    default DeviceAdam adam() {
        throw missing("adam");
    }

    /** The error for an op this device has no kernel for. */
    default UnsupportedOperationException missing(String op) {
        return new UnsupportedOperationException(op + " has no " + device().name() + " kernel yet; run it on the cpu (Tensor.to(Device.CPU))");
    }
}
