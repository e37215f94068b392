package ssgan.nn.layers;

import ssgan.engine.ops.MatMul;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.Module;
import ssgan.nn.init.Init;

/**
 * A fully connected layer {@code y = x·Wᵀ + b}: weight {@code [out, in]}, bias {@code [out]}, input
 * {@code [..., in]}, PyTorch's layout and default initialisation.
 */
public final class Linear extends Module {
    private final Tensor weight;
    private final Tensor bias;

    public Linear(int inFeatures, int outFeatures, Rng rng) {
        this(inFeatures, outFeatures, true, rng);
    }

    public Linear(int inFeatures, int outFeatures, boolean withBias, Rng rng) {
        LayerChecks.positive("Linear", "inFeatures", inFeatures);
        LayerChecks.positive("Linear", "outFeatures", outFeatures);
        weight = registerParameter("weight", Tensor.zeros(outFeatures, inFeatures));
        bias = withBias ? registerParameter("bias", Tensor.zeros(outFeatures)) : null;
        Init.pytorchDefault(weight, bias, rng);
    }

    @Override
    public Tensor forward(Tensor input) {
        return MatMul.linear(input, weight, bias);
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
        return "in=" + weight.size(1) + ", out=" + weight.size(0) + (bias == null ? ", bias=false" : "");
    }
}
