package ssgan.nn.layers;

import ssgan.engine.device.Device;
import ssgan.engine.device.DeviceArray;
import ssgan.engine.device.DeviceOps;
import ssgan.engine.device.Devices;
import ssgan.engine.ops.Normalization;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.Module;

/**
 * Batch normalisation over channel dimension 1, shared by {@link BatchNorm1d} and {@link BatchNorm2d}.
 * Like PyTorch it has parameters {@code weight} (γ, ones) and {@code bias} (β, zeros) when affine, and
 * buffers {@code running_mean} (zeros), {@code running_var} (ones) and {@code num_batches_tracked} when
 * tracking running statistics. Training mode normalises with the batch's statistics and updates the
 * running ones in place ({@code running = (1 − momentum)·running + momentum·batch}); eval mode
 * normalises with the running ones.
 *
 * <p>{@code num_batches_tracked} is an int64 in PyTorch; tensors here are float32, so it is a float
 * scalar (exact up to 2^24 = 16.7 M batches). It is only counted, never used in the arithmetic.
 */
public abstract class BatchNorm extends Module {
    private final int numFeatures;
    private final float eps;
    private final float momentum;
    private final Tensor weight;
    private final Tensor bias;
    private final Tensor runningMean;
    private final Tensor runningVar;
    private final Tensor batchesTracked;

    protected BatchNorm(String name, int numFeatures, float eps, float momentum, boolean affine, boolean trackRunningStats) {
        LayerChecks.positive(name, "numFeatures", numFeatures);
        if (!(eps >= 0) || !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException(name + ": need eps >= 0 and momentum in [0, 1], got eps " + eps + ", momentum " + momentum);
        }
        this.numFeatures = numFeatures;
        this.eps = eps;
        this.momentum = momentum;
        weight = affine ? registerParameter("weight", Tensor.ones(numFeatures)) : null;
        bias = affine ? registerParameter("bias", Tensor.zeros(numFeatures)) : null;
        runningMean = trackRunningStats ? registerBuffer("running_mean", Tensor.zeros(numFeatures)) : null;
        runningVar = trackRunningStats ? registerBuffer("running_var", Tensor.ones(numFeatures)) : null;
        batchesTracked = trackRunningStats ? registerBuffer("num_batches_tracked", Tensor.scalar(0)) : null;
    }

    /** Checks the input's rank for the 1-d or 2-d variant. */
    protected abstract void checkInput(Tensor input);

    @Override
    public Tensor forward(Tensor input) {
        return forwardThenLeakyRelu(input, Normalization.NO_ACTIVATION);
    }

    /**
     * This layer followed by a leaky ReLU of slope {@code slope} (0: a ReLU), fused into one op: the same
     * numbers as {@code leakyRelu(forward(input), slope)}, with one pass less each way.
     */
    public Tensor forwardThenLeakyRelu(Tensor input, float slope) {
        checkInput(input);
        // Without running statistics there is nothing else to normalise with, so batch statistics are used in both modes.
        boolean useBatchStatistics = isTraining() || runningMean == null;
        DeviceOps device = Devices.opsFor("batchNorm", input, weight, bias, runningMean, runningVar);
        if (device != null) {
            // The buffers moved with the module, so the running statistics go as tensors on the device.
            Tensor out = device.batchNorm(input, weight, bias, runningMean, runningVar, useBatchStatistics, momentum, eps, slope);
            if (isTraining() && batchesTracked != null) countBatchOnDevice();
            return out;
        }
        Tensor out = Normalization.batchNorm(input, weight, bias,
                runningMean == null ? null : runningMean.data(), runningVar == null ? null : runningVar.data(),
                useBatchStatistics, momentum, eps, slope);
        if (isTraining() && batchesTracked != null) batchesTracked.data()[0] += 1;
        return out;
    }

    /** num_batches_tracked += 1 where it lives, without a copy to the host and back (which would wait for the device). */
    private void countBatchOnDevice() {
        Device device = batchesTracked.device();
        DeviceArray one = device.allocate(1);
        device.fill(one, 1f);
        device.addInto(batchesTracked.deviceData(), one);
        one.release();
    }

    /** γ, or null when not affine. */
    public Tensor weight() {
        return weight;
    }

    /** β, or null when not affine. */
    public Tensor bias() {
        return bias;
    }

    /** The running mean buffer, or null when not tracking statistics. */
    public Tensor runningMean() {
        return runningMean;
    }

    /** The running (unbiased) variance buffer, or null when not tracking statistics. */
    public Tensor runningVar() {
        return runningVar;
    }

    /** The number of training batches seen, as a float scalar, or null when not tracking statistics. */
    public Tensor numBatchesTracked() {
        return batchesTracked;
    }

    @Override
    protected String extraRepr() {
        return numFeatures + ", eps=" + eps + ", momentum=" + momentum;
    }
}
