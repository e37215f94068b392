package ssgan.nn.layers;

import ssgan.engine.ops.Conv2dSpec;
import ssgan.engine.ops.Convolution;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;

/**
 * A {@link Conv2d} with a weight-normalised weight {@code w = g · v / ‖v‖} per output channel (see
 * {@link WeightNorm}): parameters {@code weight_g [out, 1, 1, 1]}, {@code weight_v [out, in, k, k]} and
 * {@code bias [out]}. Data-dependent initialisation normalises each channel over N·H·W.
 */
public final class WeightNormConv2d extends WeightNormLayer {
    private final Conv2dSpec spec;

    public WeightNormConv2d(int inChannels, int outChannels, int kernelSize, Conv2dSpec spec, Rng rng) {
        super(shape(inChannels, outChannels, kernelSize), rng);
        this.spec = spec;
    }

    private static int[] shape(int inChannels, int outChannels, int kernelSize) {
        LayerChecks.positive("WeightNormConv2d", "inChannels", inChannels);
        LayerChecks.positive("WeightNormConv2d", "outChannels", outChannels);
        LayerChecks.positive("WeightNormConv2d", "kernelSize", kernelSize);
        return new int[] {outChannels, inChannels, kernelSize, kernelSize};
    }

    @Override
    protected Tensor applyDirection(Tensor input, Tensor direction) {
        return Convolution.conv2d(input, direction, null, spec);
    }

    @Override
    protected int[] perUnitShape(int units) {
        return new int[] {1, units, 1, 1};
    }

    @Override
    protected String extraRepr() {
        int[] s = weightV().shape();
        return s[1] + ", " + s[0] + ", kernel=" + s[2] + ", " + spec + ", weight norm";
    }
}
