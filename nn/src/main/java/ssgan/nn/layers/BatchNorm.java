package ssgan.nn.layers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import ssgan.engine.autograd.GradMode;
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
    private float momentum;   // changed only while the statistics are re-estimated
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

    /**
     * Sets the running statistics of every batch norm in {@code model} to the plain average of the batch
     * statistics that {@code forward} meets on {@code batches}, each batch counting equally (PyTorch's
     * {@code momentum=None}, and SWA's {@code update_bn}).
     *
     * <p>Why: in a GAN the running statistics are updated by every pass in training mode, generated images
     * included, so in eval mode real images are normalised with statistics that are partly the generator's
     * and that follow its swings; and after a parameter average is swapped in, they belong to other
     * weights. Re-estimated on real images with the weights to be evaluated, they fit both. The model runs
     * without a graph in evaluation mode but for its batch norms, so that noise and dropout are off as
     * they will be when it is evaluated; its modes are restored after, and {@code num_batches_tracked}
     * counts on.
     */
    public static void reestimateStatistics(Module model, List<Tensor> batches, Consumer<Tensor> forward) {
        List<BatchNorm> norms = model.namedModules().values().stream()
                .filter(m -> m instanceof BatchNorm bn && bn.runningMean != null)
                .map(m -> (BatchNorm) m).toList();
        if (norms.isEmpty() || batches.isEmpty()) return;
        // Each module's own mode, restored parent first (train(mode) sets a whole subtree), so mixed modes survive.
        Map<Module, Boolean> modes = new LinkedHashMap<>();
        model.namedModules().values().forEach(m -> modes.put(m, m.isTraining()));
        float[] momenta = new float[norms.size()];
        for (int i = 0; i < momenta.length; i++) momenta[i] = norms.get(i).momentum;
        model.eval();
        for (BatchNorm bn : norms) bn.train();
        try (GradMode scope = GradMode.noGrad()) {
            for (int k = 0; k < batches.size(); k++) {
                // running ← running + (batch − running)/(k+1): after batch k, the mean of batches 0..k.
                for (BatchNorm bn : norms) bn.momentum = 1f / (k + 1);
                forward.accept(batches.get(k));
            }
        } finally {
            for (int i = 0; i < momenta.length; i++) norms.get(i).momentum = momenta[i];
            modes.forEach(Module::train);
        }
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
