package ssgan.nn.layers;

import ssgan.engine.ops.Arithmetic;
import ssgan.engine.ops.MatMul;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.Module;
import ssgan.nn.init.Init;

/**
 * A {@link Linear} layer with a weight-normalised weight {@code w = g · v / ‖v‖} (see {@link WeightNorm}):
 * parameters {@code weight_g [out, 1]}, {@code weight_v [out, in]} and {@code bias [out]}. It starts
 * equal to a PyTorch-initialised Linear ({@code v} drawn like its weight, {@code g = ‖v‖}); call
 * {@link WeightNorm#initialize} for the data-dependent initialisation.
 */
public final class WeightNormLinear extends Module implements WeightNorm.DataDependentInit {
    private final Tensor g;
    private final Tensor v;
    private final Tensor bias;
    private boolean initPending;

    public WeightNormLinear(int inFeatures, int outFeatures, Rng rng) {
        LayerChecks.positive("WeightNormLinear", "inFeatures", inFeatures);
        LayerChecks.positive("WeightNormLinear", "outFeatures", outFeatures);
        g = registerParameter("weight_g", Tensor.zeros(outFeatures, 1));
        v = registerParameter("weight_v", Tensor.zeros(outFeatures, inFeatures));
        bias = registerParameter("bias", Tensor.zeros(outFeatures));
        Init.pytorchDefault(v, bias, rng);
        System.arraycopy(WeightNorm.norms(v.detach()).data(), 0, g.data(), 0, outFeatures);
    }

    @Override
    public Tensor forward(Tensor input) {
        if (initPending) {
            initPending = false;
            Tensor unitRows = WeightNorm.weight(Tensor.ones(g.shape()), v.detach());
            WeightNorm.setFromStatistics(MatMul.linear(input.detach(), unitRows, null), g, bias);
        }
        // y = (x·vᵀ) · g/‖v‖ + b: scaling the outputs is the same as scaling the weight rows, and costs
        // one pass over v (the norms) instead of building g·v/‖v‖ as a new weight at every forward.
        Tensor scale = Arithmetic.div(g.reshape(g.size(0)), WeightNorm.rowNorms(v));
        return Arithmetic.add(Arithmetic.mul(MatMul.linear(input, v, null), scale), bias);
    }

    /** The effective weight {@code g · v / ‖v‖} (recomputed, differentiable). */
    public Tensor weight() {
        return WeightNorm.weight(g, v);
    }

    public Tensor weightG() {
        return g;
    }

    public Tensor weightV() {
        return v;
    }

    public Tensor bias() {
        return bias;
    }

    @Override
    public void armDataDependentInit() {
        initPending = true;
    }

    @Override
    public boolean dataDependentInitPending() {
        return initPending;
    }

    @Override
    protected String extraRepr() {
        return "in=" + v.size(1) + ", out=" + v.size(0) + ", weight norm";
    }
}
