package ssgan.nn.layers;

import ssgan.engine.ops.ConvTranspose2dSpec;
import ssgan.engine.ops.Convolution;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.Module;
import ssgan.nn.init.Init;

/**
 * Transposed 2-D convolution (upsampling by its stride): weight {@code [in, out, k, k]}, bias
 * {@code [out]}, PyTorch's layout and default initialisation (whose "fan in" is taken from dimension 1,
 * i.e. {@code out·k·k}, as in PyTorch). {@code ConvTranspose2dSpec.same(2)} doubles height and width.
 */
public final class ConvTranspose2d extends Module {
    private final Tensor weight;
    private final Tensor bias;
    private final ConvTranspose2dSpec spec;

    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize, ConvTranspose2dSpec spec, boolean withBias, Rng rng) {
        LayerChecks.positive("ConvTranspose2d", "inChannels", inChannels);
        LayerChecks.positive("ConvTranspose2d", "outChannels", outChannels);
        LayerChecks.positive("ConvTranspose2d", "kernelSize", kernelSize);
        this.spec = spec;
        weight = registerParameter("weight", Tensor.zeros(inChannels, outChannels, kernelSize, kernelSize));
        bias = withBias ? registerParameter("bias", Tensor.zeros(outChannels)) : null;
        Init.pytorchDefault(weight, bias, rng);
    }

    @Override
    public Tensor forward(Tensor input) {
        return Convolution.convTranspose2d(input, weight, bias, spec);
    }

    public Tensor weight() {
        return weight;
    }

    /** The bias, or null when built without one. */
    public Tensor bias() {
        return bias;
    }

    @Override
    protected String extraRepr() {
        int[] s = weight.shape();
        return s[0] + ", " + s[1] + ", kernel=" + s[2] + ", " + spec + (bias == null ? ", bias=false" : "");
    }
}
