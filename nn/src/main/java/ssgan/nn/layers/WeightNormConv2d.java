package ssgan.nn.layers;

import ssgan.engine.ops.Conv2dSpec;
import ssgan.engine.ops.Convolution;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.Module;
import ssgan.nn.init.Init;

/**
 * A {@link Conv2d} with a weight-normalised weight {@code w = g · v / ‖v‖} per output channel (see
 * {@link WeightNorm}): parameters {@code weight_g [out, 1, 1, 1]}, {@code weight_v [out, in, k, k]} and
 * {@code bias [out]}. Data-dependent initialisation normalises each channel over N·H·W.
 */
public final class WeightNormConv2d extends Module implements WeightNorm.DataDependentInit {
    private final Tensor g;
    private final Tensor v;
    private final Tensor bias;
    private final Conv2dSpec spec;
    private boolean initPending;

    public WeightNormConv2d(int inChannels, int outChannels, int kernelSize, Conv2dSpec spec, Rng rng) {
        LayerChecks.positive("WeightNormConv2d", "inChannels", inChannels);
        LayerChecks.positive("WeightNormConv2d", "outChannels", outChannels);
        LayerChecks.positive("WeightNormConv2d", "kernelSize", kernelSize);
        this.spec = spec;
        g = registerParameter("weight_g", Tensor.zeros(outChannels, 1, 1, 1));
        v = registerParameter("weight_v", Tensor.zeros(outChannels, inChannels, kernelSize, kernelSize));
        bias = registerParameter("bias", Tensor.zeros(outChannels));
        Init.pytorchDefault(v, bias, rng);
        System.arraycopy(WeightNorm.norms(v.detach()).data(), 0, g.data(), 0, outChannels);
    }

    @Override
    public Tensor forward(Tensor input) {
        if (initPending) {
            initPending = false;
            Tensor unitFilters = WeightNorm.weight(Tensor.ones(g.shape()), v.detach());
            WeightNorm.setFromStatistics(Convolution.conv2d(input.detach(), unitFilters, null, spec), g, bias);
        }
        return Convolution.conv2d(input, weight(), bias, spec);
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
        int[] s = v.shape();
        return s[1] + ", " + s[0] + ", kernel=" + s[2] + ", " + spec + ", weight norm";
    }
}
