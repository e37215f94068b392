package ssgan.engine.kernels;

import java.util.List;
import org.junit.jupiter.api.Test;
import ssgan.engine.testing.Approx;
import ssgan.engine.tensor.Rng;

/** The scalar twin and the Vector API kernel on the same inputs, both against double sums. */
class BatchNormKernelTest {
    private static final List<BatchNormKernel> KERNELS = List.of(new ScalarBatchNorm(), new VectorBatchNorm());
    // hw = 1 (features), below a vector, exactly one, not a multiple, large; channel counts around the vector length.
    private static final int[][] SHAPES = {{5, 3, 1}, {7, 17, 1}, {3, 33, 1}, {4, 40, 1}, {9, 70, 1}, {4, 2, 3}, {3, 5, 9}, {2, 4, 16}, {3, 3, 17}, {2, 3, 49}, {4, 2, 65}, {1, 2, 256}};

    @Test
    void allFourPassesMatchDoubleReferences() {
        for (float slope : new float[] {1f, 0f, 0.2f}) allFourPassesMatchDoubleReferences(slope);
    }

    /** With slope 1 the plain passes; else with the leaky ReLU fused in (its output gates the gradient). */
    private static void allFourPassesMatchDoubleReferences(float slope) {
        Rng rng = new Rng(31);
        for (int[] s : SHAPES) {
            int n = s[0], c = s[1], hw = s[2], size = n * c * hw;
            float[] x = new float[size], dy = new float[size], prior = new float[size];
            rng.fillGaussian(x, 0, size, 10f, 2f);
            rng.fillGaussian(dy, 0, size, 0f, 1f);
            rng.fillGaussian(prior, 0, size, 0f, 1f);
            float[] scale = new float[c], shift = new float[c], center = new float[c], k = new float[c];
            rng.fillGaussian(scale, 0, c, 0f, 1f);
            rng.fillGaussian(shift, 0, c, 0f, 1f);
            rng.fillGaussian(center, 0, c, 10f, 1f);
            rng.fillGaussian(k, 0, c, 0f, 1f);

            // The gate: the fused activation's output, about half of it positive (or, for slope 1, dy itself).
            float[] gate = slope == 1f ? dy : new float[size];
            if (slope != 1f) rng.fillGaussian(gate, 0, size, 0f, 1f);
            double[] mean = new double[c], var = new double[c], sumDy = new double[c], sumDyCentered = new double[c];
            double[] y = new double[size], dx = new double[size];
            for (int img = 0; img < n; img++) for (int ch = 0; ch < c; ch++) for (int i = 0; i < hw; i++) {
                int at = (img * c + ch) * hw + i;
                double g = gate[at] > 0 ? dy[at] : (double) slope * dy[at];
                mean[ch] += x[at] / ((double) n * hw);
                sumDy[ch] += g;
                sumDyCentered[ch] += g * ((double) x[at] - center[ch]);
                double z = (double) x[at] * scale[ch] + shift[ch];
                y[at] = z > 0 ? z : slope * z;
                dx[at] = prior[at] + (double) scale[ch] * g + (double) shift[ch] * x[at] + k[ch];
            }
            for (int img = 0; img < n; img++) for (int ch = 0; ch < c; ch++) for (int i = 0; i < hw; i++) {
                double d = x[(img * c + ch) * hw + i] - mean[ch];
                var[ch] += d * d / ((double) n * hw);
            }

            for (BatchNormKernel kernel : KERNELS) {
                String what = kernel.getClass().getSimpleName() + " " + java.util.Arrays.toString(s) + " slope " + slope;
                float[] m = new float[c], v = new float[c];
                // Split channels in two ranges to exercise c0 > 0.
                int half = c / 2;
                kernel.moments(x, n, c, hw, 0, half, m, v);
                kernel.moments(x, n, c, hw, half, c, m, v);
                Approx.assertClose(what + " mean", mean, m, 1e-5, 1e-5);
                Approx.assertClose(what + " var", var, v, 1e-3, 1e-4);

                // The elementwise passes in two ranges of images, to exercise img0 > 0.
                int firstImages = n / 2;
                float[] out = new float[size];
                java.util.Arrays.fill(out, Float.NaN);
                kernel.scaleShift(x, 0, firstImages, c, hw, scale, shift, slope, out);
                kernel.scaleShift(x, firstImages, n, c, hw, scale, shift, slope, out);
                Approx.assertClose(what + " scaleShift", y, out, 1e-5, 1e-5);

                float[] s1 = new float[c], s2 = new float[c];
                kernel.gradientSums(dy, gate, slope, x, n, c, hw, 0, half, center, s1, s2);
                kernel.gradientSums(dy, gate, slope, x, n, c, hw, half, c, center, s1, s2);
                Approx.assertClose(what + " sumDy", sumDy, s1, 1e-4, 1e-4);
                Approx.assertClose(what + " sumDyCentered", sumDyCentered, s2, 1e-4, 1e-3);

                float[] g = prior.clone();
                kernel.combine(dy, gate, slope, x, 0, firstImages, c, hw, scale, shift, k, g, true);
                kernel.combine(dy, gate, slope, x, firstImages, n, c, hw, scale, shift, k, g, true);
                Approx.assertClose(what + " combine accumulate", dx, g, 1e-5, 1e-4);
                float[] fresh = new float[size];
                java.util.Arrays.fill(fresh, Float.NaN);
                kernel.combine(dy, gate, slope, x, 0, firstImages, c, hw, scale, shift, k, fresh, false);
                kernel.combine(dy, gate, slope, x, firstImages, n, c, hw, scale, shift, k, fresh, false);
                for (int i = 0; i < size; i++) dx[i] -= prior[i];
                Approx.assertClose(what + " combine overwrite", dx, fresh, 1e-5, 1e-4);
                for (int i = 0; i < size; i++) dx[i] += prior[i];
            }
        }
    }
}
