package ssgan.nn.layers;

import ssgan.engine.ops.MatMul;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;

/**
 * A {@link Linear} layer with a weight-normalised weight {@code w = g · v / ‖v‖} (see {@link WeightNorm}):
 * parameters {@code weight_g [out, 1]}, {@code weight_v [out, in]} and {@code bias [out]}. It starts
 * equal to a PyTorch-initialised Linear ({@code v} drawn like its weight, {@code g = ‖v‖}); call
 * {@link WeightNorm#initialize} for the data-dependent initialisation.
 */
public final class WeightNormLinear extends WeightNormLayer {
    public WeightNormLinear(int inFeatures, int outFeatures, Rng rng) {
        super(shape(inFeatures, outFeatures), rng);
    }

    private static int[] shape(int inFeatures, int outFeatures) {
        LayerChecks.positive("WeightNormLinear", "inFeatures", inFeatures);
        LayerChecks.positive("WeightNormLinear", "outFeatures", outFeatures);
        return new int[] {outFeatures, inFeatures};
    }

    @Override
    protected Tensor applyDirection(Tensor input, Tensor direction) {
        return MatMul.linear(input, direction, null);
    }

    /** One op, which a GPU runs as one kernel (see {@code MatMul.linearAffine}). */
    @Override
    protected Tensor applyDirectionThenAffine(Tensor input, Tensor direction, Tensor scale, Tensor shift, float slope) {
        return MatMul.linearAffine(input, direction, scale, shift, slope);
    }

    @Override
    protected int[] perUnitShape(int units) {
        return new int[] {units};
    }

    @Override
    protected String extraRepr() {
        return "in=" + weightV().size(1) + ", out=" + weightV().size(0) + ", weight norm";
    }
}
