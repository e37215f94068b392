package ssgan.nn.layers;

import ssgan.engine.tensor.Tensor;

/** Batch normalisation of {@code [N, C, H, W]} images, per channel C over N·H·W values. */
public final class BatchNorm2d extends BatchNorm {
    /** PyTorch's defaults: eps 1e-5, momentum 0.1, affine, tracking running statistics. */
    public BatchNorm2d(int numFeatures) {
        this(numFeatures, 1e-5f, 0.1f, true, true);
    }

    public BatchNorm2d(int numFeatures, float eps, float momentum, boolean affine, boolean trackRunningStats) {
        super("BatchNorm2d", numFeatures, eps, momentum, affine, trackRunningStats);
    }

    @Override
    protected void checkInput(Tensor input) {
        LayerChecks.rank("BatchNorm2d", input, "[N, C, H, W]", 4);
    }
}
