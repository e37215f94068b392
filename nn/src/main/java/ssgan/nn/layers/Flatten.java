package ssgan.nn.layers;

import ssgan.engine.ops.Shapes;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.Module;

/** Merges dimensions {@code startDim..} into one; the default 1 turns {@code [N, C, H, W]} into {@code [N, C·H·W]}. */
public final class Flatten extends Module {
    private final int startDim;

    public Flatten() {
        this(1);
    }

    public Flatten(int startDim) {
        this.startDim = startDim;
    }

    @Override
    public Tensor forward(Tensor input) {
        return Shapes.flatten(input, startDim);
    }

    @Override
    protected String extraRepr() {
        return "startDim=" + startDim;
    }
}
