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
    @Test
    void theAdjointOneImageAtATimeEqualsTheWholeBatchToTheBit() {
        Rng rng = new Rng(17);
        for (int trial = 0; trial < 40; trial++) {
            // The batch sometimes larger than one group of the column route (2^20 floats of columns).
            int batch = trial % 5 == 0 ? 40 + rng.nextInt(40) : 1 + rng.nextInt(6);
            ConvGeometry g = randomGeometry(rng, batch, 3, 70, 17, true);
            int c = g.channels(), o = g.outChannels();
            float[] out = gaussian(rng, batch * o * g.outPlane()), weights = gaussian(rng, o * g.patchSize());
            float[] bias = trial % 2 == 0 ? gaussian(rng, c) : null;
            for (boolean accumulate : new boolean[] {false, true}) {
                float[] start = gaussian(rng, batch * c * g.imagePlane());
                float[] byColumns = start.clone(), byImages = start.clone();
                Conv2dKernels.adjointByColumns(out, null, weights, bias, g, byColumns, accumulate);
                Conv2dKernels.adjointByImages(out, weights, bias, g, byImages, accumulate);
                assertArrayEquals(byColumns, byImages, g + " accumulate " + accumulate);
            }
        }
    }

    @Test
    void theForwardOneImageAtATimeEqualsTheWholeBatchToTheBit() {
        Rng rng = new Rng(29);
        for (int trial = 0; trial < 40; trial++) {
            int batch = trial % 5 == 0 ? 40 + rng.nextInt(40) : 1 + rng.nextInt(6);
            ConvGeometry g = randomGeometry(rng, batch, 3, 70, 17, true);
            float[] x = gaussian(rng, batch * g.channels() * g.imagePlane()), w = gaussian(rng, g.outChannels() * g.patchSize());
            float[] bias = trial % 2 == 0 ? gaussian(rng, g.outChannels()) : null;
            for (boolean accumulate : new boolean[] {false, true}) {
                float[] start = gaussian(rng, batch * g.outChannels() * g.outPlane());
                float[] wholeBatch = start.clone(), byImages = start.clone();
                Conv2dKernels.forwardWholeBatch(x, w, bias, g, wholeBatch, accumulate);
                Conv2dKernels.forwardByImages(x, w, bias, g, byImages, accumulate);
                assertArrayEquals(wholeBatch, byImages, g + " accumulate " + accumulate);
            }
        }
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
