package ssgan.nn.layers;

import ssgan.engine.ops.Resize;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.Module;

/**
 * Bilinear resizing of {@code [N, C, H, W]} images, either by a scale factor ({@link #scale}) or to a
 * fixed size ({@link #size}); PyTorch's {@code Upsample(mode='bilinear', align_corners=False)}.
 */
public final class Upsample extends Module {
    private final int scale;
    private final int outH;
    private final int outW;

    private Upsample(int scale, int outH, int outW) {
        this.scale = scale;
        this.outH = outH;
        this.outW = outW;
    }

    /** Multiplies height and width by an integer factor. */
    public static Upsample scale(int factor) {
        LayerChecks.positive("Upsample", "scale factor", factor);
        return new Upsample(factor, 0, 0);
    }

    /** Resizes to exactly {@code outH × outW} whatever the input size. */
    public static Upsample size(int outH, int outW) {
        LayerChecks.positive("Upsample", "output height", outH);
        LayerChecks.positive("Upsample", "output width", outW);
        return new Upsample(0, outH, outW);
    }

    @Override
    public Tensor forward(Tensor input) {
        LayerChecks.rank("Upsample", input, "[N, C, H, W]", 4);
        return scale > 0
                ? Resize.bilinear(input, input.size(2) * scale, input.size(3) * scale)
                : Resize.bilinear(input, outH, outW);
    }

    @Override
    protected String extraRepr() {
        return scale > 0 ? "scale=" + scale : "size=" + outH + "x" + outW;
    }
}
