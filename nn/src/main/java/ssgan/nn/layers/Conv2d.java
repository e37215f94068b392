package ssgan.nn.layers;

import ssgan.engine.ops.Conv2dSpec;
import ssgan.engine.ops.Convolution;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.Module;
import ssgan.nn.init.Init;

/**
 * 2-D convolution over NCHW images: weight {@code [out, in, k, k]}, bias {@code [out]} (PyTorch's
 * layout and default initialisation). Stride and padding come in a {@link Conv2dSpec}, e.g.
 * {@code Conv2dSpec.of(1, Padding.of(1))} for PyTorch's {@code stride=1, padding=1}, or
 * {@code Conv2dSpec.same(2)} for TensorFlow's SAME.
 */
public final class Conv2d extends Module {
    private final Tensor weight;
    private final Tensor bias;
    private final Conv2dSpec spec;

    public Conv2d(int inChannels, int outChannels, int kernelSize, Conv2dSpec spec, boolean withBias, Rng rng) {
        LayerChecks.positive("Conv2d", "inChannels", inChannels);
        LayerChecks.positive("Conv2d", "outChannels", outChannels);
        LayerChecks.positive("Conv2d", "kernelSize", kernelSize);
        this.spec = spec;
        weight = registerParameter("weight", Tensor.zeros(outChannels, inChannels, kernelSize, kernelSize));
        bias = withBias ? registerParameter("bias", Tensor.zeros(outChannels)) : null;
        Init.pytorchDefault(weight, bias, rng);
    }

    @Override
    public Tensor forward(Tensor input) {
        return Convolution.conv2d(input, weight, bias, spec);
    }

    public Tensor weight() {
        return weight;
    }

    /** The bias, or null when built without one. */
    public Tensor bias() {
        return bias;
    }

    public Conv2dSpec spec() {
        return spec;
    }

    @Override
    protected String extraRepr() {
        int[] s = weight.shape();
        return s[1] + ", " + s[0] + ", kernel=" + s[2] + ", " + spec + (bias == null ? ", bias=false" : "");
    }
}
