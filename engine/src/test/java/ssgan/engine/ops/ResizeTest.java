package ssgan.engine.ops;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import ssgan.engine.testing.Approx;
import ssgan.engine.testing.GradCheck;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;

class ResizeTest {
    /** The align_corners=False formula written out in double, one output pixel at a time. */
    private static double[] reference(float[] x, int planes, int h, int w, int oh, int ow) {
        double[] y = new double[planes * oh * ow];
        for (int p = 0; p < planes; p++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++) {
                    double sy = Math.max(0, (oy + 0.5) * h / oh - 0.5), sx = Math.max(0, (ox + 0.5) * w / ow - 0.5);
                    int y0 = (int) sy, x0 = (int) sx, y1 = Math.min(y0 + 1, h - 1), x1 = Math.min(x0 + 1, w - 1);
                    double fy = sy - y0, fx = sx - x0;
                    int b = p * h * w;
                    y[(p * oh + oy) * ow + ox] = (1 - fy) * ((1 - fx) * x[b + y0 * w + x0] + fx * x[b + y0 * w + x1])
                            + fy * ((1 - fx) * x[b + y1 * w + x0] + fx * x[b + y1 * w + x1]);
                }
        return y;
    }

    @Test
    void matchesTheFormulaForShrinkingAndGrowing() {
        Rng rng = new Rng(21);
        int[][] sizes = {{32, 32, 28, 28}, {5, 7, 9, 12}, {4, 4, 4, 4}, {1, 3, 2, 5}, {6, 9, 1, 1}, {17, 3, 5, 8}};
        for (int[] s : sizes) {
            Tensor x = Tensor.randn(rng, 2, 3, s[0], s[1]);
            Tensor y = Resize.bilinear(x, s[2], s[3]);
            Approx.assertShape(new int[] {2, 3, s[2], s[3]}, y.shape());
            Approx.assertClose("bilinear " + java.util.Arrays.toString(s), reference(x.data(), 6, s[0], s[1], s[2], s[3]), y.data(), 1e-5, 1e-5);
        }
        Tensor x = Tensor.randn(rng, 1, 2, 6, 5);
        Approx.assertClose("same size is the identity", x.data(), Resize.bilinear(x, 6, 5).data(), 0, 1e-6);
    }

    @Tag("exercise-bilinear-backward")
    @Test
    void gradientMatchesFiniteDifferences() {
        Rng rng = new Rng(22);
        Tensor x = Tensor.randn(rng, 2, 2, 8, 8).requiresGrad(true);
        GradCheck.standard().check("bilinear down", in -> Resize.bilinear(in[0], 7, 5), x);
        Tensor small = Tensor.randn(rng, 1, 3, 3, 4).requiresGrad(true);
        GradCheck.standard().check("bilinear up", in -> Resize.bilinear(in[0], 7, 9), small);
    }

    @Test
    void badArgumentsAreRejected() {
        Rng rng = new Rng(23);
        assertThrows(IllegalArgumentException.class, () -> Resize.bilinear(Tensor.randn(rng, 3, 4, 4), 2, 2));
        assertThrows(IllegalArgumentException.class, () -> Resize.bilinear(Tensor.randn(rng, 1, 3, 4, 4), 0, 2));
    }
}
