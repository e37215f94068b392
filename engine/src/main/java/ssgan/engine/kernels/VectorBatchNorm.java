package ssgan.engine.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Batch-norm loops on the Vector API, one scheme for every shape.
 *
 * <p>In NCHW the channels {@code [c0, c1)} of one image are one contiguous run of {@code (c1 − c0)·hw}
 * values (a 2-D {@code [N, F]} batch is the case {@code hw = 1}). So each pass walks that run as a flat
 * array, image after image, and the per-channel numbers it needs are first spread out to one per
 * position of the run ("expanded", once per call, shared by all n images). The alternative, a loop per
 * channel plane, pays its bookkeeping per plane, and the SSGAN's planes are tiny: a 7×7 plane is three
 * vectors and a bit, a 2×2 one a quarter of a vector.
 *
 * <p>The reductions keep one running sum per position of the run, over the images, and add each
 * channel's positions up (in double) at the end. The mean and variance come from sums shifted by the
 * channel's first value: {@code var = E[(x − s)²] − E[x − s]²} is exact algebra, and with s a sample of
 * the channel both terms are of the size of the variance, so the subtraction does not cancel away float
 * precision (plain {@code E[x²] − E[x]²} would, when the mean is large against the spread).
 */
public final class VectorBatchNorm implements BatchNormKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    public void moments(float[] x, int n, int c, int hw, int c0, int c1, float[] mean, float[] var) {
        if (hw == 1) {
            featureMoments(x, n, c, c0, c1, mean, var);
            return;
        }
        int len = (c1 - c0) * hw;
        float[] w = Workspace.get(Workspace.BATCH_NORM, 3 * len);
        int sums = 0, squares = len, shifts = 2 * len;
        Arrays.fill(w, 0, 2 * len, 0f);
        for (int ch = c0; ch < c1; ch++) Arrays.fill(w, shifts + (ch - c0) * hw, shifts + (ch - c0 + 1) * hw, x[ch * hw]);
        int bound = S.loopBound(len);
        for (int img = 0; img < n; img++) {
            int base = (img * c + c0) * hw;
            int j = 0;
            for (; j < bound; j += L) {
                FloatVector d = FloatVector.fromArray(S, x, base + j).sub(FloatVector.fromArray(S, w, shifts + j));
                FloatVector.fromArray(S, w, sums + j).add(d).intoArray(w, sums + j);
                d.fma(d, FloatVector.fromArray(S, w, squares + j)).intoArray(w, squares + j);
            }
            for (; j < len; j++) {
                float d = x[base + j] - w[shifts + j];
                w[sums + j] += d;
                w[squares + j] += d * d;
            }
        }
        double count = (double) n * hw;
        for (int ch = c0; ch < c1; ch++) {
            int at = (ch - c0) * hw;
            double sum = 0, sq = 0;
            for (int i = at; i < at + hw; i++) {
                sum += w[sums + i];
                sq += w[squares + i];
            }
            double meanShifted = sum / count;
            mean[ch] = (float) (x[ch * hw] + meanShifted);
            var[ch] = (float) Math.max(0, sq / count - meanShifted * meanShifted);
        }
    }

    /**
     * hw = 1: the mean first, then the centred squares (two passes down the rows, vectorised across
     * channels). This is the first version of this kernel, kept for feature batches so that the mlp runs
     * measured with it replay bit for bit; the other passes do the same arithmetic as before for hw = 1.
     */
    private static void featureMoments(float[] x, int n, int c, int c0, int c1, float[] mean, float[] var) {
        Arrays.fill(mean, c0, c1, 0f);
        Arrays.fill(var, c0, c1, 0f);
        int bound = c0 + S.loopBound(c1 - c0);
        for (int img = 0; img < n; img++) {
            int row = img * c;
            int ch = c0;
            for (; ch < bound; ch += L) {
                FloatVector.fromArray(S, mean, ch).add(FloatVector.fromArray(S, x, row + ch)).intoArray(mean, ch);
            }
            for (; ch < c1; ch++) mean[ch] += x[row + ch];
        }
        float inv = 1f / n;
        for (int ch = c0; ch < c1; ch++) mean[ch] *= inv;
        for (int img = 0; img < n; img++) {
            int row = img * c;
            int ch = c0;
            for (; ch < bound; ch += L) {
                FloatVector d = FloatVector.fromArray(S, x, row + ch).sub(FloatVector.fromArray(S, mean, ch));
                d.fma(d, FloatVector.fromArray(S, var, ch)).intoArray(var, ch);
            }
            for (; ch < c1; ch++) {
                float d = x[row + ch] - mean[ch];
                var[ch] += d * d;
            }
        }
        for (int ch = c0; ch < c1; ch++) var[ch] *= inv;
    }

    @Override
    public void scaleShift(float[] x, int n, int c, int hw, int c0, int c1, float[] scale, float[] shift, float[] y) {
        int len = (c1 - c0) * hw;
        float[] w = Workspace.get(Workspace.BATCH_NORM, 2 * len);
        int s = 0, t = len;
        expand(scale, c0, c1, hw, w, s);
        expand(shift, c0, c1, hw, w, t);
        int bound = S.loopBound(len);
        for (int img = 0; img < n; img++) {
            int base = (img * c + c0) * hw;
            int j = 0;
            for (; j < bound; j += L) {
                FloatVector.fromArray(S, x, base + j)
                        .fma(FloatVector.fromArray(S, w, s + j), FloatVector.fromArray(S, w, t + j))
                        .intoArray(y, base + j);
            }
            for (; j < len; j++) y[base + j] = x[base + j] * w[s + j] + w[t + j];
        }
    }

    @Override
    public void gradientSums(float[] dy, float[] x, int n, int c, int hw, int c0, int c1, float[] center,
                             float[] sumDy, float[] sumDyCentered) {
        int len = (c1 - c0) * hw;
        float[] w = Workspace.get(Workspace.BATCH_NORM, 3 * len);
        int sums = 0, dots = len, centers = 2 * len;
        Arrays.fill(w, 0, 2 * len, 0f);
        expand(center, c0, c1, hw, w, centers);
        int bound = S.loopBound(len);
        for (int img = 0; img < n; img++) {
            int base = (img * c + c0) * hw;
            int j = 0;
            for (; j < bound; j += L) {
                FloatVector g = FloatVector.fromArray(S, dy, base + j);
                FloatVector d = FloatVector.fromArray(S, x, base + j).sub(FloatVector.fromArray(S, w, centers + j));
                FloatVector.fromArray(S, w, sums + j).add(g).intoArray(w, sums + j);
                g.fma(d, FloatVector.fromArray(S, w, dots + j)).intoArray(w, dots + j);
            }
            for (; j < len; j++) {
                w[sums + j] += dy[base + j];
                w[dots + j] += dy[base + j] * (x[base + j] - w[centers + j]);
            }
        }
        for (int ch = c0; ch < c1; ch++) {
            int at = (ch - c0) * hw;
            double s = 0, sc = 0;
            for (int i = at; i < at + hw; i++) {
                s += w[sums + i];
                sc += w[dots + i];
            }
            sumDy[ch] = (float) s;
            sumDyCentered[ch] = (float) sc;
        }
    }

    @Override
    public void combine(float[] dy, float[] x, int n, int c, int hw, int c0, int c1, float[] a, float[] b, float[] k,
                        float[] dx, boolean accumulate) {
        int len = (c1 - c0) * hw;
        float[] w = Workspace.get(Workspace.BATCH_NORM, 3 * len);
        int wa = 0, wb = len, wk = 2 * len;
        expand(a, c0, c1, hw, w, wa);
        expand(b, c0, c1, hw, w, wb);
        expand(k, c0, c1, hw, w, wk);
        int bound = S.loopBound(len);
        for (int img = 0; img < n; img++) {
            int base = (img * c + c0) * hw;
            int j = 0;
            for (; j < bound; j += L) {
                int i = base + j;
                FloatVector v = FloatVector.fromArray(S, w, wa + j).fma(FloatVector.fromArray(S, dy, i),
                        FloatVector.fromArray(S, w, wb + j).fma(FloatVector.fromArray(S, x, i), FloatVector.fromArray(S, w, wk + j)));
                if (accumulate) v = v.add(FloatVector.fromArray(S, dx, i));
                v.intoArray(dx, i);
            }
            for (; j < len; j++) {
                int i = base + j;
                float v = w[wa + j] * dy[i] + w[wb + j] * x[i] + w[wk + j];
                dx[i] = accumulate ? dx[i] + v : v;
            }
        }
    }

    /** w[at + (ch − c0)·hw + i] = perChannel[ch] for every position i of each channel's plane. */
    private static void expand(float[] perChannel, int c0, int c1, int hw, float[] w, int at) {
        for (int ch = c0; ch < c1; ch++) Arrays.fill(w, at + (ch - c0) * hw, at + (ch - c0 + 1) * hw, perChannel[ch]);
    }
}
