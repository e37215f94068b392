package ssgan.engine.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Batch-norm loops on the Vector API. Two layouts are vectorised:
 * <ul>
 *   <li>images ({@code hw ≥} one vector): along each channel plane, in memory order, each channel's
 *       per-lane sums in the thread's workspace, loaded and stored once per plane;</li>
 *   <li>feature batches ({@code hw = 1}): across neighbouring channels of a row, the per-channel sums
 *       kept in the thread's workspace and written out once.</li>
 * </ul>
 * Planes smaller than a vector (2×2, 3×3 maps) go to the scalar loops.
 *
 * <p>The mean and variance come from sums shifted by the channel's first value:
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
        // Memory order: images outer, channels inner; each channel keeps 2·L lane sums in the workspace.
        int channels = c1 - c0, bound = S.loopBound(hw);
        float[] tail = tailWeights(hw);
        float[] lanes = Workspace.get(Workspace.BATCH_NORM, 2 * L * channels);
        java.util.Arrays.fill(lanes, 0, 2 * L * channels, 0f);
        for (int img = 0; img < n; img++) {
            for (int ch = c0; ch < c1; ch++) {
                accumulateShifted(x, (img * c + ch) * hw, bound, hw, tail, x[ch * hw], lanes, 2 * L * (ch - c0));
            }
        }
        double count = (double) n * hw;
        for (int ch = c0; ch < c1; ch++) {
            int at = 2 * L * (ch - c0);
            double sum = 0, squares = 0;
            for (int j = 0; j < L; j++) {
                sum += lanes[at + j];
                squares += lanes[at + L + j];
            }
            double meanShifted = sum / count;
            mean[ch] = (float) (x[ch * hw] + meanShifted);
            var[ch] = (float) Math.max(0, squares / count - meanShifted * meanShifted);
        }
    }

    // The reductions walk memory in order (images outer, channels inner) and keep each channel's per-lane
    // partial sums in a small array, loaded and stored once per plane; the lanes are added up once per
    // channel at the end. A horizontal reduction per plane would cost more than a 7×7 plane itself, and
    // a channel-outer loop reads memory in 196-byte pieces 25 KB apart, which the prefetcher does not follow.

    // region tail-weights (copied into docs/book/02-vector-api.md; DocsJavaFenceTest checks the copy)
    /**
     * For the last, partial vector of a plane of {@code len ≥ L} values: the vector is read unmasked so
     * that it ends at the plane's end, overlapping the previous one, and multiplied by these weights,
     * 0 on the overlapping lanes and 1 on the new ones. (Masked loads are slow on JDK 17.) One array per
     * count of new lanes, made once; the helpers load it themselves, since a vector passed to a method the
     * JIT does not inline is boxed.
     */
    private static final float[][] TAIL_WEIGHTS = new float[L][L];

    static {
        for (int fresh = 0; fresh < L; fresh++) {
            for (int j = L - fresh; j < L; j++) TAIL_WEIGHTS[fresh][j] = 1f;
        }
    }

    private static float[] tailWeights(int len) {
        return TAIL_WEIGHTS[len - S.loopBound(len)];
    }
    // endregion

    /**
     * lanes[at, at+L) += x − shift and lanes[at+L, at+2L) += (x − shift)² over one plane of {@code len}
     * values ({@code bound} of them in whole vectors, the rest through {@link #tailWeights}).
     */
    private static void accumulateShifted(float[] x, int base, int bound, int len, float[] tail,
                                          float shiftValue, float[] lanes, int at) {
        FloatVector shift = FloatVector.broadcast(S, shiftValue);
        FloatVector sum = FloatVector.fromArray(S, lanes, at), squares = FloatVector.fromArray(S, lanes, at + L);
        // Two sets of accumulators, even and odd vectors, halve the chains of dependent adds: a plane is
        // only a few vectors long, so the latency of one chain, not the loads, would set the pace.
        FloatVector sum2 = FloatVector.zero(S), squares2 = FloatVector.zero(S);
        int i = 0;
        for (; i + L < bound; i += 2 * L) {
            FloatVector d = FloatVector.fromArray(S, x, base + i).sub(shift);
            FloatVector e = FloatVector.fromArray(S, x, base + i + L).sub(shift);
            sum = sum.add(d);
            squares = d.fma(d, squares);
            sum2 = sum2.add(e);
            squares2 = e.fma(e, squares2);
        }
        if (i < bound) {
            FloatVector d = FloatVector.fromArray(S, x, base + i).sub(shift);
            sum = sum.add(d);
            squares = d.fma(d, squares);
        }
        sum = sum.add(sum2);
        squares = squares.add(squares2);
        if (bound < len) {
            FloatVector d = FloatVector.fromArray(S, x, base + len - L).sub(shift).mul(FloatVector.fromArray(S, tail, 0));
            sum = sum.add(d);
            squares = d.fma(d, squares);
        }
        sum.intoArray(lanes, at);
        squares.intoArray(lanes, at + L);
    }

    // region accumulate-gradient (copied into docs/book/05-batch-norm.md; DocsJavaFenceTest checks the copy)
    // The gradient through the fused leaky ReLU (see BatchNormKernel), wherever dy is read:
    //     g = dy.mul(slope).blend(dy, gate.compare(GT, 0))    (dy where the gate is positive, slope·dy elsewhere)
    // written out at each place rather than in a helper: a helper that returns a vector and is not inlined
    // returns it boxed (see KernelAllocationTest), and which calls C2 inlines depends on what it compiled first.

    /** lanes[at, at+L) += g and lanes[at+L, at+2L) += g·(x − center) over one plane (g: dy gated), tail as in accumulateShifted. */
    private static void accumulateGradient(float[] dy, float[] gate, float slope, float[] x, int base, int bound, int len, float[] tail,
                                           float centerValue, float[] lanes, int at) {
        FloatVector center = FloatVector.broadcast(S, centerValue);
        FloatVector sum = FloatVector.fromArray(S, lanes, at), dot = FloatVector.fromArray(S, lanes, at + L);
        FloatVector sum2 = FloatVector.zero(S), dot2 = FloatVector.zero(S);   // even and odd vectors, as above
        int i = 0;
        for (; i + L < bound; i += 2 * L) {
            FloatVector g = FloatVector.fromArray(S, dy, base + i);
            g = g.mul(slope).blend(g, FloatVector.fromArray(S, gate, base + i).compare(VectorOperators.GT, 0f));
            FloatVector h = FloatVector.fromArray(S, dy, base + i + L);
            h = h.mul(slope).blend(h, FloatVector.fromArray(S, gate, base + i + L).compare(VectorOperators.GT, 0f));
            sum = sum.add(g);
            dot = g.fma(FloatVector.fromArray(S, x, base + i).sub(center), dot);
            sum2 = sum2.add(h);
            dot2 = h.fma(FloatVector.fromArray(S, x, base + i + L).sub(center), dot2);
        }
        if (i < bound) {
            FloatVector g = FloatVector.fromArray(S, dy, base + i);
            g = g.mul(slope).blend(g, FloatVector.fromArray(S, gate, base + i).compare(VectorOperators.GT, 0f));
            sum = sum.add(g);
            dot = g.fma(FloatVector.fromArray(S, x, base + i).sub(center), dot);
        }
        sum = sum.add(sum2);
        dot = dot.add(dot2);
        if (bound < len) {
            FloatVector g = FloatVector.fromArray(S, dy, base + len - L);
            g = g.mul(slope).blend(g, FloatVector.fromArray(S, gate, base + len - L).compare(VectorOperators.GT, 0f))
                    .mul(FloatVector.fromArray(S, tail, 0));
            sum = sum.add(g);
            dot = g.fma(FloatVector.fromArray(S, x, base + len - L).sub(center), dot);
        }
        sum.intoArray(lanes, at);
        dot.intoArray(lanes, at + L);
    }
    // endregion

    // Feature batches (hw = 1): the rows are walked in memory order, vectorised across the channels
    // [c0, c1), and the sums are kept in this thread's workspace, written out once at the end. Summing
    // straight into the shared output arrays made neighbouring threads write the same cache lines at
    // every row: at [400, 500] the gradient-sum pass took 335 µs, and takes 29 µs so (scratch timing).

    /** hw = 1: mean, then the centred sum of squares, each in one pass down the rows. */
    private void featureMoments(float[] x, int n, int c, int c0, int c1, float[] mean, float[] var) {
        int span = c1 - c0;
        if (span < L) {
            scalar.moments(x, n, c, 1, c0, c1, mean, var);
            return;
        }
        float[] sums = Workspace.get(Workspace.BATCH_NORM, 2 * span);
        Arrays.fill(sums, 0, 2 * span, 0f);
        int bound = S.loopBound(span);
        FloatVector tail = FloatVector.fromArray(S, tailWeights(span), 0);
        for (int img = 0; img < n; img++) {
            int row = img * c + c0;
            for (int j = 0; j < bound; j += L) {
                FloatVector.fromArray(S, sums, j).add(FloatVector.fromArray(S, x, row + j)).intoArray(sums, j);
            }
            if (bound < span) {
                int j = span - L;
                FloatVector.fromArray(S, x, row + j).fma(tail, FloatVector.fromArray(S, sums, j)).intoArray(sums, j);
            }
        }
        float inv = 1f / n;
        for (int j = 0; j < span; j++) sums[j] *= inv;                  // sums[0, span) now holds the means
        for (int img = 0; img < n; img++) {
            int row = img * c + c0;
            for (int j = 0; j < bound; j += L) {
                FloatVector d = FloatVector.fromArray(S, x, row + j).sub(FloatVector.fromArray(S, sums, j));
                d.fma(d, FloatVector.fromArray(S, sums, span + j)).intoArray(sums, span + j);
            }
            if (bound < span) {
                int j = span - L;
                FloatVector d = FloatVector.fromArray(S, x, row + j).sub(FloatVector.fromArray(S, sums, j)).mul(tail);
                d.fma(d, FloatVector.fromArray(S, sums, span + j)).intoArray(sums, span + j);
            }
        }
        for (int j = 0; j < span; j++) {
            mean[c0 + j] = sums[j];
            var[c0 + j] = sums[span + j] * inv;
        }
    }

    @Override
    public void scaleShift(float[] x, int img0, int img1, int c, int hw, float[] scale, float[] shift, float slope, float[] y) {
        if (hw == 1) {
            int bound = S.loopBound(c);
            for (int img = img0; img < img1; img++) {
                int row = img * c;
                int ch = 0;
                for (; ch < bound; ch += L) {
                    FloatVector z = FloatVector.fromArray(S, x, row + ch)
                            .fma(FloatVector.fromArray(S, scale, ch), FloatVector.fromArray(S, shift, ch));
                    z.mul(slope).blend(z, z.compare(VectorOperators.GT, 0f)).intoArray(y, row + ch);
                }
                for (; ch < c; ch++) {
                    float z = x[row + ch] * scale[ch] + shift[ch];
                    y[row + ch] = z > 0 ? z : slope * z;
                }
            }
            return;
        }
        if (hw < L) {
            scalar.scaleShift(x, img0, img1, c, hw, scale, shift, slope, y);
            return;
        }
        // The last, partial vector of a plane is recomputed from an overlapping position: the lanes it
        // shares with the previous vector get the same values again.
        int bound = S.loopBound(hw);
        for (int img = img0; img < img1; img++) {
            for (int ch = 0; ch < c; ch++) {
                int base = (img * c + ch) * hw;
                FloatVector vs = FloatVector.broadcast(S, scale[ch]), vt = FloatVector.broadcast(S, shift[ch]);
                for (int i = 0; i < bound; i += L) {
                    FloatVector z = FloatVector.fromArray(S, x, base + i).fma(vs, vt);
                    z.mul(slope).blend(z, z.compare(VectorOperators.GT, 0f)).intoArray(y, base + i);
                }
                if (bound < hw) {
                    int i = base + hw - L;
                    FloatVector z = FloatVector.fromArray(S, x, i).fma(vs, vt);
                    z.mul(slope).blend(z, z.compare(VectorOperators.GT, 0f)).intoArray(y, i);
                }
            }
        }
    }

    @Override
    public void gradientSums(float[] dy, float[] gate, float slope, float[] x, int n, int c, int hw, int c0, int c1,
                             float[] center, float[] sumDy, float[] sumDyCentered) {
        if (hw == 1) {
            featureGradientSums(dy, gate, slope, x, n, c, c0, c1, center, sumDy, sumDyCentered);
            return;
        }
        if (hw < L) {
            scalar.gradientSums(dy, gate, slope, x, n, c, hw, c0, c1, center, sumDy, sumDyCentered);
            return;
        }
        int channels = c1 - c0, bound = S.loopBound(hw);
        float[] tail = tailWeights(hw);
        float[] lanes = Workspace.get(Workspace.BATCH_NORM, 2 * L * channels);
        java.util.Arrays.fill(lanes, 0, 2 * L * channels, 0f);
        for (int img = 0; img < n; img++) {
            for (int ch = c0; ch < c1; ch++) {
                accumulateGradient(dy, gate, slope, x, (img * c + ch) * hw, bound, hw, tail, center[ch], lanes, 2 * L * (ch - c0));
            }
        }
        for (int ch = c0; ch < c1; ch++) {
            int at = 2 * L * (ch - c0);
            double s = 0, sc = 0;
            for (int j = 0; j < L; j++) {
                s += lanes[at + j];
                sc += lanes[at + L + j];
            }
            sumDy[ch] = (float) s;
            sumDyCentered[ch] = (float) sc;
        }
    }

    /** hw = 1: Σ g and Σ g·(x − center) per channel in one pass down the rows (see featureMoments). */
    private void featureGradientSums(float[] dy, float[] gate, float slope, float[] x, int n, int c, int c0, int c1,
                                     float[] center, float[] sumDy, float[] sumDyCentered) {
        int span = c1 - c0;
        if (span < L) {
            scalar.gradientSums(dy, gate, slope, x, n, c, 1, c0, c1, center, sumDy, sumDyCentered);
            return;
        }
        float[] sums = Workspace.get(Workspace.BATCH_NORM, 2 * span);
        Arrays.fill(sums, 0, 2 * span, 0f);
        int bound = S.loopBound(span);
        float[] tail = tailWeights(span);
        for (int img = 0; img < n; img++) {
            int row = img * c + c0;
            for (int j = 0; j < bound; j += L) {
                accumulateFeatureGradient(dy, gate, slope, x, row + j, center, c0 + j, null, sums, j, span);
            }
            if (bound < span) accumulateFeatureGradient(dy, gate, slope, x, row + span - L, center, c1 - L, tail, sums, span - L, span);
        }
        System.arraycopy(sums, 0, sumDy, c0, span);
        System.arraycopy(sums, span, sumDyCentered, c0, span);
    }

    /** sums[at, at+L) += g and sums[span+at, span+at+L) += g·(x − center) for one vector of a row (g: dy gated), weighted by tail unless null. */
    private static void accumulateFeatureGradient(float[] dy, float[] gate, float slope, float[] x, int i, float[] center, int ch,
                                                  float[] tail, float[] sums, int at, int span) {
        FloatVector g = FloatVector.fromArray(S, dy, i);
        g = g.mul(slope).blend(g, FloatVector.fromArray(S, gate, i).compare(VectorOperators.GT, 0f));
        if (tail != null) g = g.mul(FloatVector.fromArray(S, tail, 0));
        FloatVector d = FloatVector.fromArray(S, x, i).sub(FloatVector.fromArray(S, center, ch));
        FloatVector.fromArray(S, sums, at).add(g).intoArray(sums, at);
        g.fma(d, FloatVector.fromArray(S, sums, span + at)).intoArray(sums, span + at);
    }

    @Override
    public void combine(float[] dy, float[] gate, float slope, float[] x, int img0, int img1, int c, int hw,
                        float[] a, float[] b, float[] k, float[] dx, boolean accumulate) {
        if (hw == 1) {
            int bound = S.loopBound(c);
            for (int img = img0; img < img1; img++) {
                int row = img * c;
                int ch = 0;
                for (; ch < bound; ch += L) {
                    FloatVector g = FloatVector.fromArray(S, dy, row + ch);
                    g = g.mul(slope).blend(g, FloatVector.fromArray(S, gate, row + ch).compare(VectorOperators.GT, 0f));
                    FloatVector v = FloatVector.fromArray(S, a, ch).fma(g,
                            FloatVector.fromArray(S, b, ch).fma(FloatVector.fromArray(S, x, row + ch), FloatVector.fromArray(S, k, ch)));
                    if (accumulate) v = v.add(FloatVector.fromArray(S, dx, row + ch));
                    v.intoArray(dx, row + ch);
                }
                for (; ch < c; ch++) {
                    float v = a[ch] * ScalarBatchNorm.gated(dy[row + ch], gate[row + ch], slope) + b[ch] * x[row + ch] + k[ch];
                    dx[row + ch] = accumulate ? dx[row + ch] + v : v;
                }
            }
            return;
        }
        if (hw < L) {
            scalar.combine(dy, gate, slope, x, img0, img1, c, hw, a, b, k, dx, accumulate);
            return;
        }
        // Partial last vectors are handled from an overlapping position, as in scaleShift; when adding
        // into dx, the contribution is multiplied by the tail weights so shared lanes are not added twice.
        int bound = S.loopBound(hw);
        FloatVector tail = FloatVector.fromArray(S, tailWeights(hw), 0);
        for (int img = img0; img < img1; img++) {
            for (int ch = 0; ch < c; ch++) {
                int base = (img * c + ch) * hw;
                FloatVector va = FloatVector.broadcast(S, a[ch]), vb = FloatVector.broadcast(S, b[ch]), vk = FloatVector.broadcast(S, k[ch]);
                // Whole vectors, then (if the plane is not a multiple of L) the last L values, overlapping.
                for (int at = 0, end = bound < hw ? bound + L : bound; at < end; at += L) {
                    boolean overlapping = at >= bound;
                    int i = overlapping ? base + hw - L : base + at;
                    FloatVector g = FloatVector.fromArray(S, dy, i);
                    g = g.mul(slope).blend(g, FloatVector.fromArray(S, gate, i).compare(VectorOperators.GT, 0f));
                    FloatVector v = va.fma(g, vb.fma(FloatVector.fromArray(S, x, i), vk));
                    if (accumulate) {
                        FloatVector old = FloatVector.fromArray(S, dx, i);
                        v = overlapping ? v.fma(tail, old) : v.add(old);
                    }
                    v.intoArray(dx, i);
                }
            }
        }
    }
}
