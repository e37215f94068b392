package ssgan.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Box–Muller of {@link GaussianKernel} with the Vector API: one LongVector of hashes (8 pairs on
 * AVX-512) gives one FloatVector of samples (16). The lanes of a vector are the samples of an aligned
 * group [g, g + 16) of the stream; a fill that starts or ends inside a group stores only its lanes, so
 * where a piece starts never changes a sample.
 */
public final class VectorGaussian implements GaussianKernel {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Long> L = VectorSpecies.of(long.class, F.vectorShape());
    /** j·γ in lane j: the counters of consecutive pairs, relative to the first. */
    private static final LongVector PAIR_STEPS = LongVector.zero(L).addIndex(1).mul(GAMMA);
    /** 0 for the even sample of a pair (cos 2πt), ¼ for the odd one: sin 2πt = cos 2π(t − ¼). */
    private static final FloatVector QUARTER_IF_ODD = FloatVector.fromArray(F, quarterIfOdd(), 0);
    private static final FloatVector ONE = FloatVector.broadcast(F, 1f), TWO = FloatVector.broadcast(F, 2f),
            MINUS_TWO = FloatVector.broadcast(F, -2f);
    private static final int ONE_BITS = 0x3f80_0000; // 1.0f: OR 23 random bits into it for a float in [1, 2)

    /** Samples per block: a block's radii wait in a small scratch array between the two passes. */
    private static final int BLOCK = 1024;

    /**
     * Two passes over each block, the radii √(−2 ln u), then the angles: the whole pipeline in one loop
     * is more code than C2 inlines into one compiled method, and a call it leaves out passes its vectors
     * as heap objects (2–3× slower). Each pass recomputes the hashes, which is cheaper than storing them.
     */
    @Override
    public void fill(long seed, long first, float[] a, int off, int len, float mean, float std) {
        float[] radius = Workspace.get(Workspace.GAUSSIAN_RADII, BLOCK);
        long end = first + len;
        for (long start = Math.floorDiv(first, F.length()) * F.length(); start < end; start += BLOCK) {
            int count = (int) Math.min(BLOCK, end - start);
            radii(seed, start, count, radius);
            times2piCosines(seed, start, count, radius, first, end, a, off, mean, std);
        }
    }

    /** radius[j] = √(−2 ln u) of samples start + j, for whole vectors covering j < count. */
    private static void radii(long seed, long start, int count, float[] radius) {
        for (int j = 0; j < count; j += F.length()) {
            FloatVector u = TWO.sub(floatsInOneTwo(hashes(seed, start + j), 9)); // (0, 1]: the log is finite
            VectorMath.logOfNormal(u).mul(MINUS_TWO).sqrt().intoArray(radius, j);
        }
    }

    /** a[...] = mean + std·radius·cos 2π(t − ¼·odd) for the samples of the block that lie in [first, end). */
    private static void times2piCosines(long seed, long start, int count, float[] radius, long first, long end,
                                        float[] a, int off, float mean, float std) {
        int n = F.length();
        FloatVector vMean = FloatVector.broadcast(F, mean);
        FloatVector vStd = FloatVector.broadcast(F, std);
        for (int j = 0; j < count; j += n) {
            long g = start + j;
            FloatVector t = floatsInOneTwo(hashes(seed, g), 41).sub(ONE); // [0, 1)
            FloatVector z = FloatVector.fromArray(F, radius, j).mul(VectorMath.cos2pi(t.sub(QUARTER_IF_ODD)));
            FloatVector samples = z.fma(vStd, vMean);
            if (g >= first && g + n <= end) {
                samples.intoArray(a, (int) (off + g - first));
            } else {
                // A group cut by the start or the end of the range: stored whole into the radii it no
                // longer needs, and the lanes inside the range copied out. (A masked store here, once
                // compiled in, made C2 box the vectors of the whole loop: 5 bytes allocated per sample.)
                samples.intoArray(radius, j);
                long from = Math.max(g, first), to = Math.min(g + n, end);
                System.arraycopy(radius, (int) (j + from - g), a, (int) (off + from - first), (int) (to - from));
            }
        }
    }

    /** SplitMix64 of the pairs of samples g, g+1, ..., g+n−1 (g even): one long per pair. */
    private static LongVector hashes(long seed, long g) {
        LongVector z = PAIR_STEPS.add(seed + (g / 2 + 1) * GAMMA);
        z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 30)).mul(MIX1);
        z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 27)).mul(MIX2);
        return z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 31));
    }

    /**
     * The 23 bits of each hash from bit {@code shift} up, as the mantissa of a float in [1, 2), copied
     * into both 32-bit halves of the long: seen as floats, the two samples of a pair get the same value.
     */
    private static FloatVector floatsInOneTwo(LongVector h, int shift) {
        LongVector bits = h.lanewise(VectorOperators.LSHR, shift).and(0x7f_ffffL).or(ONE_BITS);
        return bits.or(bits.lanewise(VectorOperators.LSHL, 32)).reinterpretAsFloats();
    }

    private static float[] quarterIfOdd() {
        float[] q = new float[F.length()];
        for (int i = 1; i < q.length; i += 2) q[i] = 0.25f;
        return q;
    }
}
