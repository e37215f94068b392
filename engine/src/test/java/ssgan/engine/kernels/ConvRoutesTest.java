package ssgan.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;
import ssgan.engine.tensor.Rng;

/**
 * A convolution's products one image at a time must give what they give for the whole batch, to the
 * bit: {@code ConvolutionTest} checks both against a naive convolution within a tolerance, and the two
 * routes are chosen by shape, so a result that changed with the route would change a training run's bits.
 */
class ConvRoutesTest {
    /** For each random geometry, the forward and the adjoint (its input gradient, a transposed forward) by both routes. */
    @Test
    void oneImageAtATimeEqualsTheWholeBatchToTheBit() {
        Rng rng = new Rng(17);
        for (int trial = 0; trial < 60; trial++) {
            ConvGeometry g = randomGeometry(rng, randomBatch(rng, trial), 3, 70, 17, true);
            int image = g.batch() * g.channels() * g.imagePlane(), output = g.batch() * g.outChannels() * g.outPlane();
            float[] x = gaussian(rng, image), out = gaussian(rng, output), w = gaussian(rng, g.outChannels() * g.patchSize());
            boolean withBias = trial % 2 == 0;
            float[] outputBias = withBias ? gaussian(rng, g.outChannels()) : null, imageBias = withBias ? gaussian(rng, g.channels()) : null;
            assertRoutesAgree(rng, g, output,
                    (y, accumulate) -> Conv2dKernels.forwardWholeBatch(x, w, outputBias, g, y, accumulate),
                    (y, accumulate) -> Conv2dKernels.forwardByImages(x, w, outputBias, g, y, accumulate));
            assertRoutesAgree(rng, g, image,
                    (dx, accumulate) -> Conv2dKernels.adjointByColumns(out, null, w, imageBias, g, dx, accumulate),
                    (dx, accumulate) -> Conv2dKernels.adjointByImages(out, w, imageBias, g, dx, accumulate));
        }
    }

    /** A route that writes its result into {@code result}, or adds it there. */
    private interface Route {
        void run(float[] result, boolean accumulate);
    }

    /** Both routes on copies of one random start, overwriting it and adding to it: the same bits. */
    private static void assertRoutesAgree(Rng rng, ConvGeometry g, int size, Route wholeBatch, Route byImages) {
        for (boolean accumulate : new boolean[] {false, true}) {
            float[] start = gaussian(rng, size);
            float[] a = start.clone(), b = start.clone();
            wholeBatch.run(a, accumulate);
            byImages.run(b, accumulate);
            assertArrayEquals(a, b, g + " accumulate " + accumulate);
        }
    }

    /** Mostly a few images; every fifth trial more than one group of the column route (2^20 floats of columns). */
    private static int randomBatch(Rng rng, int trial) {
        return trial % 5 == 0 ? 40 + rng.nextInt(40) : 1 + rng.nextInt(6);
    }

    /** With both gradients asked for, the input gradient reuses the weight gradient's channel-major dy. */
    @Test
    void theInputGradientIsTheSameWithOrWithoutTheWeightGradient() {
        Rng rng = new Rng(23);
        for (int trial = 0; trial < 30; trial++) {
            int batch = trial % 5 == 0 ? 60 : 1 + rng.nextInt(5);
            ConvGeometry g = randomGeometry(rng, batch, 12, 20, 6, false);
            int c = g.channels(), o = g.outChannels();
            float[] x = gaussian(rng, batch * c * g.imagePlane()), w = gaussian(rng, o * g.patchSize());
            float[] dy = gaussian(rng, batch * o * g.outPlane());
            float[] dxAlone = new float[x.length], dxWithDw = new float[x.length], dw = new float[w.length];
            Conv2dKernels.backward(x, w, dy, g, dxAlone, false, null);
            Conv2dKernels.backward(x, w, dy, g, dxWithDw, false, dw);
            assertArrayEquals(dxAlone, dxWithDw, g.toString());
        }
    }

    /**
     * Up to {@code maxC} image channels and {@code maxC + maxExtraO} output channels (O ≥ C: the column
     * routes' side of the adjoint), kernels up to 5 and strides up to 3 a side, outputs up to {@code maxOut}
     * a side. {@code loose}: any image size and padding, so that windows fall partly or wholly outside it;
     * otherwise the image the windows cover exactly, unpadded.
     */
    private static ConvGeometry randomGeometry(Rng rng, int batch, int maxC, int maxExtraO, int maxOut, boolean loose) {
        int c = 1 + rng.nextInt(maxC), o = c + rng.nextInt(maxExtraO), kh = 1 + rng.nextInt(5), kw = 1 + rng.nextInt(5);
        int sh = 1 + rng.nextInt(3), sw = 1 + rng.nextInt(3), oh = 1 + rng.nextInt(maxOut), ow = 1 + rng.nextInt(maxOut);
        if (!loose) return new ConvGeometry(batch, c, (oh - 1) * sh + kh, (ow - 1) * sw + kw, o, kh, kw, sh, sw, 0, 0, oh, ow);
        return new ConvGeometry(batch, c, 1 + rng.nextInt(2 * oh + 3), 1 + rng.nextInt(2 * ow + 3), o, kh, kw, sh, sw,
                rng.nextInt(3), rng.nextInt(3), oh, ow);
    }

    private static float[] gaussian(Rng rng, int n) {
        float[] a = new float[n];
        rng.fillGaussian(a, 0, n, 0f, 1f);
        return a;
    }
}
