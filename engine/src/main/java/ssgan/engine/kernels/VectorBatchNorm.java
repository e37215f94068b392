package ssgan.engine.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Batch-norm loops on the Vector API. Two layouts are vectorised:
 * <ul>
 *   <li>images ({@code hw ≥} one vector): along each channel plane, accumulators held in registers
 *       across all planes of the channel;</li>
 *   <li>feature batches ({@code hw = 1}): across neighbouring channels of a row, the per-channel sums
 *       kept in the output arrays.</li>
 * </ul>
 * Planes smaller than a vector (2×2, 3×3 maps) go to the scalar loops.
 *
 * <p>The mean and variance come from one pass of sums shifted by the channel's first value:
 * {@code var = E[(x − s)²] − E[x − s]²} is exact algebra, and with s a sample of the channel the two terms
 * are of the size of the variance, so the subtraction does not cancel away float precision (plain
 * {@code E[x²] − E[x]²} would, when the mean is large against the spread).
 */
public final class VectorBatchNorm implements BatchNormKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private final ScalarBatchNorm scalar = new ScalarBatchNorm();

    @Override
    public void moments(float[] x, int n, int c, int hw, int c0, int c1, float[] mean, float[] var) {
        if (hw == 1) {
            featureMoments(x, n, c, c0, c1, mean, var);
            return;
        }
        if (hw < L) {
            scalar.moments(x, n, c, hw, c0, c1, mean, var);
            return;
        }
        int bound = S.loopBound(hw);
        double count = (double) n * hw;
        for (int ch = c0; ch < c1; ch++) {
            float shift = x[ch * hw];
            FloatVector vShift = FloatVector.broadcast(S, shift);
            FloatVector vSum = FloatVector.zero(S), vSquares = FloatVector.zero(S);
            float tailSum = 0f, tailSquares = 0f;
            for (int img = 0; img < n; img++) {
                int base = (img * c + ch) * hw;
                int i = 0;
                for (; i < bound; i += L) {
                    FloatVector d = FloatVector.fromArray(S, x, base + i).sub(vShift);
                    vSum = vSum.add(d);
                    vSquares = d.fma(d, vSquares);
                }
                for (; i < hw; i++) {
                    float d = x[base + i] - shift;
                    tailSum += d;
                    tailSquares += d * d;
                }
            }
            double meanShifted = (vSum.reduceLanes(VectorOperators.ADD) + (double) tailSum) / count;
            double meanSquares = (vSquares.reduceLanes(VectorOperators.ADD) + (double) tailSquares) / count;
            mean[ch] = (float) (shift + meanShifted);
            var[ch] = (float) Math.max(0, meanSquares - meanShifted * meanShifted);
        }
    }

    /** hw = 1: two passes down the rows, vectorised across channels, summing into mean and var. */
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
        if (hw == 1) {
            int bound = c0 + S.loopBound(c1 - c0);
            for (int img = 0; img < n; img++) {
                int row = img * c;
                int ch = c0;
                for (; ch < bound; ch += L) {
                    FloatVector.fromArray(S, x, row + ch)
                            .fma(FloatVector.fromArray(S, scale, ch), FloatVector.fromArray(S, shift, ch))
                            .intoArray(y, row + ch);
                }
                for (; ch < c1; ch++) y[row + ch] = x[row + ch] * scale[ch] + shift[ch];
            }
            return;
        }
        if (hw < L) {
            scalar.scaleShift(x, n, c, hw, c0, c1, scale, shift, y);
            return;
        }
        int bound = S.loopBound(hw);
        for (int img = 0; img < n; img++) {
            for (int ch = c0; ch < c1; ch++) {
                int base = (img * c + ch) * hw;
                float s = scale[ch], t = shift[ch];
                FloatVector vs = FloatVector.broadcast(S, s), vt = FloatVector.broadcast(S, t);
                int i = 0;
                for (; i < bound; i += L) {
                    FloatVector.fromArray(S, x, base + i).fma(vs, vt).intoArray(y, base + i);
                }
                for (; i < hw; i++) y[base + i] = x[base + i] * s + t;
            }
        }
    }

    @Override
    public void gradientSums(float[] dy, float[] x, int n, int c, int hw, int c0, int c1, float[] center,
                             float[] sumDy, float[] sumDyCentered) {
        if (hw == 1) {
            featureGradientSums(dy, x, n, c, c0, c1, center, sumDy, sumDyCentered);
            return;
        }
        if (hw < L) {
            scalar.gradientSums(dy, x, n, c, hw, c0, c1, center, sumDy, sumDyCentered);
            return;
        }
        int bound = S.loopBound(hw);
        for (int ch = c0; ch < c1; ch++) {
            float m = center[ch];
            FloatVector vm = FloatVector.broadcast(S, m);
            FloatVector vs = FloatVector.zero(S), vsc = FloatVector.zero(S);
            float ts = 0f, tsc = 0f;
            for (int img = 0; img < n; img++) {
                int base = (img * c + ch) * hw;
                int i = 0;
                for (; i < bound; i += L) {
                    FloatVector g = FloatVector.fromArray(S, dy, base + i);
                    vs = vs.add(g);
                    vsc = g.fma(FloatVector.fromArray(S, x, base + i).sub(vm), vsc);
                }
                for (; i < hw; i++) {
                    ts += dy[base + i];
                    tsc += dy[base + i] * (x[base + i] - m);
                }
            }
            sumDy[ch] = vs.reduceLanes(VectorOperators.ADD) + ts;
            sumDyCentered[ch] = vsc.reduceLanes(VectorOperators.ADD) + tsc;
        }
    }

    private static void featureGradientSums(float[] dy, float[] x, int n, int c, int c0, int c1, float[] center,
                                            float[] sumDy, float[] sumDyCentered) {
        Arrays.fill(sumDy, c0, c1, 0f);
        Arrays.fill(sumDyCentered, c0, c1, 0f);
        int bound = c0 + S.loopBound(c1 - c0);
        for (int img = 0; img < n; img++) {
            int row = img * c;
            int ch = c0;
            for (; ch < bound; ch += L) {
                FloatVector g = FloatVector.fromArray(S, dy, row + ch);
                FloatVector d = FloatVector.fromArray(S, x, row + ch).sub(FloatVector.fromArray(S, center, ch));
                FloatVector.fromArray(S, sumDy, ch).add(g).intoArray(sumDy, ch);
                g.fma(d, FloatVector.fromArray(S, sumDyCentered, ch)).intoArray(sumDyCentered, ch);
            }
            for (; ch < c1; ch++) {
                sumDy[ch] += dy[row + ch];
                sumDyCentered[ch] += dy[row + ch] * (x[row + ch] - center[ch]);
            }
        }
    }

    @Override
    public void combine(float[] dy, float[] x, int n, int c, int hw, int c0, int c1, float[] a, float[] b, float[] k,
                        float[] dx, boolean accumulate) {
        if (hw == 1) {
            int bound = c0 + S.loopBound(c1 - c0);
            for (int img = 0; img < n; img++) {
                int row = img * c;
                int ch = c0;
                for (; ch < bound; ch += L) {
                    FloatVector v = FloatVector.fromArray(S, a, ch).fma(FloatVector.fromArray(S, dy, row + ch),
                            FloatVector.fromArray(S, b, ch).fma(FloatVector.fromArray(S, x, row + ch), FloatVector.fromArray(S, k, ch)));
                    if (accumulate) v = v.add(FloatVector.fromArray(S, dx, row + ch));
                    v.intoArray(dx, row + ch);
                }
                for (; ch < c1; ch++) {
                    float v = a[ch] * dy[row + ch] + b[ch] * x[row + ch] + k[ch];
                    dx[row + ch] = accumulate ? dx[row + ch] + v : v;
                }
            }
            return;
        }
        if (hw < L) {
            scalar.combine(dy, x, n, c, hw, c0, c1, a, b, k, dx, accumulate);
            return;
        }
        int bound = S.loopBound(hw);
        for (int img = 0; img < n; img++) {
            for (int ch = c0; ch < c1; ch++) {
                int base = (img * c + ch) * hw;
                float ac = a[ch], bc = b[ch], kc = k[ch];
                FloatVector va = FloatVector.broadcast(S, ac), vb = FloatVector.broadcast(S, bc), vk = FloatVector.broadcast(S, kc);
                int i = 0;
                if (accumulate) {
                    for (; i < bound; i += L) {
                        FloatVector v = va.fma(FloatVector.fromArray(S, dy, base + i), vb.fma(FloatVector.fromArray(S, x, base + i), vk));
                        v.add(FloatVector.fromArray(S, dx, base + i)).intoArray(dx, base + i);
                    }
                } else {
                    for (; i < bound; i += L) {
                        va.fma(FloatVector.fromArray(S, dy, base + i), vb.fma(FloatVector.fromArray(S, x, base + i), vk))
                                .intoArray(dx, base + i);
                    }
                }
                for (; i < hw; i++) {
                    float v = ac * dy[base + i] + bc * x[base + i] + kc;
                    dx[base + i] = accumulate ? dx[base + i] + v : v;
                }
            }
        }
    }
}
