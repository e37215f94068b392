package ssgan.nn.layers;

import java.util.function.Consumer;
import ssgan.engine.ops.Arithmetic;
import ssgan.engine.ops.Normalization;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.Module;
import ssgan.nn.init.Init;

/**
 * What {@link WeightNormLinear} and {@link WeightNormConv2d} share: the parameters {@code weight_g},
 * {@code weight_v} and {@code bias}, the forward pass, and the data-dependent initialisation.
 *
 * <p>The forward pass never builds the weight g·v/‖v‖. It applies the layer with the raw direction v
 * and scales each output unit (channel) by g/‖v‖ afterwards, which is the same thing: one pass over v
 * (the norms) per forward instead of a new weight array, and the same in backward.
 */
abstract class WeightNormLayer extends Module implements WeightNorm.DataDependentInit {
    private final Tensor g;
    private final Tensor v;
    private final Tensor bias;
    private boolean initPending;

    /** {@code vShape} is the weight's shape, output units first; v and bias start as PyTorch's defaults, g = ‖v‖. */
    WeightNormLayer(int[] vShape, Rng rng) {
        int units = vShape[0];
        g = registerParameter("weight_g", Tensor.zeros(WeightNorm.gShape(vShape)));
        v = registerParameter("weight_v", Tensor.zeros(vShape));
        bias = registerParameter("bias", Tensor.zeros(units));
        Init.pytorchDefault(v, bias, rng);
        System.arraycopy(WeightNorm.rowNorms(v.detach()).data(), 0, g.data(), 0, units);
    }

    /** The layer applied with weight {@code v} and no bias: units along dimension 1 of the result. */
    protected abstract Tensor applyDirection(Tensor input, Tensor direction);

    /** The shape that broadcasts one value per output unit over the layer's output ([units] or [1, units, 1, 1]). */
    protected abstract int[] perUnitShape(int units);

    @Override
    public Tensor forward(Tensor input) {
        return forwardThenLeakyRelu(input, Normalization.NO_ACTIVATION);
    }

    /**
     * This layer followed by a leaky ReLU of slope {@code slope} (0: a ReLU), with the activation fused
     * into the per-unit scale and bias: the same numbers as {@code leakyRelu(forward(input), slope)}.
     */
    public Tensor forwardThenLeakyRelu(Tensor input, float slope) {
        int units = v.size(0);
        if (initPending) {
            initPending = false;
            Tensor unitNorm = Arithmetic.div(applyDirection(input.detach(), v.detach()),
                    WeightNorm.rowNorms(v.detach()).reshape(perUnitShape(units)));
            WeightNorm.setFromStatistics(unitNorm, g, bias);
        }
        Tensor scale = Arithmetic.div(g.reshape(units), WeightNorm.rowNorms(v));
        return applyDirectionThenAffine(input, v, scale, bias, slope);
    }

    /**
     * {@code channelAffine(applyDirection(input, direction), scale, shift, slope)}; a layer whose op
     * fuses the two (on a device that can) overrides it.
     */
    protected Tensor applyDirectionThenAffine(Tensor input, Tensor direction, Tensor scale, Tensor shift, float slope) {
        return Normalization.channelAffine(applyDirection(input, direction), scale, shift, slope);
    }

    /** The effective weight {@code g · v / ‖v‖} (recomputed, differentiable), e.g. to export it. */
    public Tensor weight() {
        return WeightNorm.weight(g, v);
    }

    public Tensor weightG() {
        return g;
    }

    public Tensor weightV() {
        return v;
    }

    /**
     * Redraws the direction v with {@code init} (which fills the tensor it is given) and sets g = ‖v‖, so
     * the layer's weight is v again. The scale of v matters even though only its direction is used: an
     * Adam step moves v by about the learning rate, so a smaller v turns faster.
     */
    public void initDirection(Consumer<Tensor> init) {
        init.accept(v);
        System.arraycopy(WeightNorm.rowNorms(v.detach()).data(), 0, g.data(), 0, v.size(0));
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
}
