package ssgan.engine.ops;

/**
 * Direct, loop-by-definition convolutions in double: the references the fast kernels are tested against.
 * Sizes and paddings are passed explicitly, so these know nothing of padding modes.
 */
final class NaiveConvolution {
    /** Output and gradients of one call: y, then dx, dw, db for a given dy. */
    record Result(double[] y, double[] dx, double[] dw, double[] db) {}

    private NaiveConvolution() {}

    /**
     * conv2d: x [n, c, h, w], wt [o, c, kh, kw], bias [o] or null, output [n, o, oh, ow]:
     * y[n,o,oy,ox] = b[o] + Σ x[n, c, oy·sh − pt + ky, ox·sw − pl + kx] · wt[o, c, ky, kx].
     */
    static Result conv2d(float[] x, float[] wt, float[] bias, float[] dy, int n, int c, int h, int w,
                         int o, int kh, int kw, int sh, int sw, int pt, int pl, int oh, int ow) {
        double[] y = new double[n * o * oh * ow], dx = new double[x.length], dw = new double[wt.length], db = new double[o];
        for (int img = 0; img < n; img++)
            for (int oc = 0; oc < o; oc++)
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++) {
                        int yi = ((img * o + oc) * oh + oy) * ow + ox;
                        double sum = bias == null ? 0 : bias[oc];
                        double g = dy[yi];
                        db[oc] += g;
                        for (int ic = 0; ic < c; ic++)
                            for (int ky = 0; ky < kh; ky++)
                                for (int kx = 0; kx < kw; kx++) {
                                    int iy = oy * sh - pt + ky, ix = ox * sw - pl + kx;
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                                    int xi = ((img * c + ic) * h + iy) * w + ix;
                                    int wi = ((oc * c + ic) * kh + ky) * kw + kx;
                                    sum += (double) x[xi] * wt[wi];
                                    dx[xi] += g * wt[wi];
                                    dw[wi] += g * x[xi];
                                }
                        y[yi] = sum;
                    }
        return new Result(y, dx, dw, db);
    }

    /**
     * convTranspose2d: x [n, ci, h, w], wt [ci, co, kh, kw], bias [co] or null, output [n, co, oh, ow]:
     * every input pixel scatters x · wt[ci, co] into y[n, co, iy·sh − pt + ky, ix·sw − pl + kx] (kept
     * when inside the output).
     */
    static Result convTranspose2d(float[] x, float[] wt, float[] bias, float[] dy, int n, int ci, int h, int w,
                                  int co, int kh, int kw, int sh, int sw, int pt, int pl, int oh, int ow) {
        double[] y = new double[n * co * oh * ow], dx = new double[x.length], dw = new double[wt.length], db = new double[co];
        for (int img = 0; img < n; img++)
            for (int oc = 0; oc < co; oc++)
                for (int i = 0; i < oh * ow; i++) {
                    int yi = (img * co + oc) * oh * ow + i;
                    y[yi] = bias == null ? 0 : bias[oc];
                    db[oc] += dy[yi];
                }
        for (int img = 0; img < n; img++)
            for (int ic = 0; ic < ci; ic++)
                for (int iy = 0; iy < h; iy++)
                    for (int ix = 0; ix < w; ix++) {
                        int xi = ((img * ci + ic) * h + iy) * w + ix;
                        for (int oc = 0; oc < co; oc++)
                            for (int ky = 0; ky < kh; ky++)
                                for (int kx = 0; kx < kw; kx++) {
                                    int oy = iy * sh - pt + ky, ox = ix * sw - pl + kx;
                                    if (oy < 0 || oy >= oh || ox < 0 || ox >= ow) continue;
                                    int yi = ((img * co + oc) * oh + oy) * ow + ox;
                                    int wi = ((ic * co + oc) * kh + ky) * kw + kx;
                                    y[yi] += (double) x[xi] * wt[wi];
                                    dx[xi] += dy[yi] * wt[wi];
                                    dw[wi] += dy[yi] * x[xi];
                                }
                    }
        return new Result(y, dx, dw, db);
    }
}
