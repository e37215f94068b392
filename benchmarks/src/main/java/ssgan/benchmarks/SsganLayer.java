package ssgan.benchmarks;

import ssgan.engine.kernels.ConvGeometry;
import ssgan.engine.ops.Conv2dSpec;
import ssgan.engine.ops.ConvTranspose2dSpec;
import ssgan.engine.ops.Convolution;
import ssgan.engine.tensor.Tensor;

/**
 * The convolution layers of the SSGAN at batch 100 (28×28 images): the discriminator's convolutions
 * d1..d4 and the generator's 5×5 stride-2 SAME transposed convolutions g1..g4.
 *
 * <p>Flop counts (what {@link #flops} returns, for the report's GFLOP/s): a forward pass is
 * {@code 2·N·Cout·OH·OW·Cin·KH·KW} for a convolution; for a transposed convolution the same formula
 * applied to the convolution it transposes, i.e. {@code 2·N·Cin·H·W·Cout·KH·KW} over its input pixels
 * (counting output pixels would overstate its work by stride²). A backward pass (input and weight
 * gradients) is twice the forward.
 * <pre>
 *   layer  forward flops   backward flops
 *   d1        62,720,000      125,440,000
 *   d2       722,534,400    1,445,068,800
 *   d3     1,474,560,000    2,949,120,000
 *   d4       471,859,200      943,718,400
 *   g1       327,680,000      655,360,000
 *   g2     2,621,440,000    5,242,880,000
 *   g3     2,621,440,000    5,242,880,000
 *   g4        81,920,000      163,840,000
 * </pre>
 */
public enum SsganLayer {
    d1(false, 1, 28, 64, 5, 2, true),
    d2(false, 64, 14, 128, 3, 2, true),
    d3(false, 128, 7, 256, 3, 1, false),
    d4(false, 256, 5, 256, 3, 2, false),
    g1(true, 64, 2, 256, 5, 2, true),
    g2(true, 256, 4, 128, 5, 2, true),
    g3(true, 128, 8, 64, 5, 2, true),
    g4(true, 64, 16, 1, 5, 2, true);

    public static final int BATCH = 100;

    public final boolean transposed;
    public final int inChannels, inSize, outChannels, kernel, stride;
    public final boolean same;

    SsganLayer(boolean transposed, int inChannels, int inSize, int outChannels, int kernel, int stride, boolean same) {
        this.transposed = transposed;
        this.inChannels = inChannels;
        this.inSize = inSize;
        this.outChannels = outChannels;
        this.kernel = kernel;
        this.stride = stride;
        this.same = same;
    }

    /** Input shape at batch {@link #BATCH}. */
    public int[] inputShape() {
        return new int[] {BATCH, inChannels, inSize, inSize};
    }

    /** Weight shape: {@code [Cout, Cin, k, k]} for a convolution, {@code [Cin, Cout, k, k]} (PyTorch) transposed. */
    public int[] weightShape() {
        return transposed ? new int[] {inChannels, outChannels, kernel, kernel} : new int[] {outChannels, inChannels, kernel, kernel};
    }

    /** The sizes as the kernels see them (for a transposed layer: the convolution it transposes). */
    public ConvGeometry geometry() {
        Tensor x = Tensor.zeros(inputShape()), w = Tensor.zeros(weightShape());
        if (transposed) return Convolution.convTranspose2dGeometry(x, w, null, ConvTranspose2dSpec.same(stride));
        return Convolution.conv2dGeometry(x, w, null, same ? Conv2dSpec.same(stride) : Conv2dSpec.valid(stride));
    }

    /** Floating-point operations of one call: {@code pass} is "forward" or "backward" (input and weight gradients). */
    public static long flops(String layer, String pass) {
        long forward = valueOf(layer).geometry().forwardFlops();
        return switch (pass) {
            case "forward" -> forward;
            case "backward" -> 2 * forward;
            default -> throw new IllegalArgumentException("pass must be forward or backward, got " + pass);
        };
    }

    /** Prints the flop table (used to write the class comment and by the report script's author). */
    public static void main(String[] args) {
        for (SsganLayer l : values()) {
            System.out.printf("%s %d %d%n", l, flops(l.name(), "forward"), flops(l.name(), "backward"));
        }
    }
}
