package ssgan.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import ssgan.engine.tensor.Rng;

class Im2ColTest {
    @Test
    void unrollsWindowsAndCol2imIsItsAdjoint() {
        Rng rng = new Rng(41);
        for (int trial = 0; trial < 40; trial++) {
            int kh = 1 + rng.nextInt(5), kw = 1 + rng.nextInt(5), sh = 1 + rng.nextInt(3), sw = 1 + rng.nextInt(3);
            int h = 1 + rng.nextInt(9), w = 1 + rng.nextInt(9), pt = rng.nextInt(3), pl = rng.nextInt(3);
            int oh = 1 + rng.nextInt(6), ow = 1 + rng.nextInt(6), n = 1 + rng.nextInt(4), c = 1 + rng.nextInt(4);
            ConvGeometry g = new ConvGeometry(n, c, h, w, 1, kh, kw, sh, sw, pt, pl, oh, ow);
            float[] x = new float[n * c * h * w];
            rng.fillGaussian(x, 0, x.length, 0f, 1f);
            int n0 = rng.nextInt(n), n1 = n0 + 1 + rng.nextInt(n - n0), cols = (n1 - n0) * oh * ow;
            float[] col = new float[g.patchSize() * cols];
            Im2Col.im2col(x, g, n0, n1, col);
            // Every entry is the input pixel the definition names (or zero outside the image).
            for (int ci = 0; ci < c; ci++) for (int ky = 0; ky < kh; ky++) for (int kx = 0; kx < kw; kx++)
                for (int img = n0; img < n1; img++) for (int oy = 0; oy < oh; oy++) for (int ox = 0; ox < ow; ox++) {
                    int iy = oy * sh - pt + ky, ix = ox * sw - pl + kx;
                    float expected = iy < 0 || iy >= h || ix < 0 || ix >= w ? 0f : x[((img * c + ci) * h + iy) * w + ix];
                    int row = (ci * kh + ky) * kw + kx;
                    assertEquals(expected, col[row * cols + ((img - n0) * oh + oy) * ow + ox], 0f, g.toString());
                }
            // <im2col(x), r> = <x, col2im(r)> on the images touched.
            float[] r = new float[col.length];
            rng.fillGaussian(r, 0, r.length, 0f, 1f);
            float[] back = new float[x.length];
            Im2Col.col2im(r, g, n0, n1, back, false);
            double left = 0, right = 0;
            for (int i = 0; i < col.length; i++) left += (double) col[i] * r[i];
            for (int i = 0; i < x.length; i++) right += (double) x[i] * back[i];
            assertEquals(left, right, 1e-4 * (1 + Math.abs(left)), g.toString());
        }
    }
}
