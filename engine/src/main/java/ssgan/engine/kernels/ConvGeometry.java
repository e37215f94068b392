package ssgan.engine.kernels;

/**
 * The sizes of one 2-D convolution from an image batch {@code [batch, channels, height, width]} to
 * {@code [batch, outChannels, outH, outW]} with a weight {@code [outChannels, channels, kernelH, kernelW]}.
 *
 * <p>Output pixel (oy, ox) reads the input window whose top-left corner is
 * {@code (oy·strideH − padTop, ox·strideW − padLeft)}; rows and columns outside the image read as zero.
 * The padding at the bottom and right is implied by {@code outH}/{@code outW}: the kernels only
 * bounds-check, they never need it.
 *
 * <p>A transposed convolution is described by the convolution whose adjoint it is: its input is this
 * convolution's output {@code [batch, outChannels, outH, outW]} and its output is this convolution's image.
 */
public record ConvGeometry(int batch, int channels, int height, int width,
                           int outChannels, int kernelH, int kernelW,
                           int strideH, int strideW, int padTop, int padLeft,
                           int outH, int outW) {

    /** Length of one unrolled input patch: one row of the im2col matrix, one column of the weight matrix. */
    public int patchSize() {
        return channels * kernelH * kernelW;
    }

    public int imagePlane() {
        return height * width;
    }

    public int outPlane() {
        return outH * outW;
    }

    /** Multiply-adds of the forward pass, times two: the flop count of one forward call. */
    public long forwardFlops() {
        return 2L * batch * outChannels * outPlane() * patchSize();
    }
}
