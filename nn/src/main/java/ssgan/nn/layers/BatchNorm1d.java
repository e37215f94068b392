package ssgan.nn.layers;

import ssgan.engine.tensor.Tensor;

/** Batch normalisation of {@code [N, C]} (features) or {@code [N, C, L]} inputs, per feature C. */
public final class BatchNorm1d extends BatchNorm {
    /** PyTorch's defaults: eps 1e-5, momentum 0.1, affine, tracking running statistics. */
    public BatchNorm1d(int numFeatures) {
        this(numFeatures, 1e-5f, 0.1f, true, true);
    }

    public BatchNorm1d(int numFeatures, float eps, float momentum, boolean affine, boolean trackRunningStats) {
        super("BatchNorm1d", numFeatures, eps, momentum, affine, trackRunningStats);
    }

    @Override
    protected void checkInput(Tensor input) {
        LayerChecks.rank("BatchNorm1d", input, "[N, C] or [N, C, L]", 2, 3);
    }
}
