package ssgan.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp, log and the functions built on them, for whole float vectors, using only operations whose IEEE
 * result is exactly specified: add, sub, mul, fma, div, sqrt, min/max, compares, blends and bit
 * manipulation. So a lane gets the same bits whether the code is interpreted or compiled, on every x86
 * or ARM machine. {@code VectorOperators.EXP/LOG/TANH} do not promise that: compiled, they call a vendor
 * math library; interpreted, a per-lane {@code Math} call that rounds differently (and a checkpoint that
 * resumes in a cold JVM would then drift away from the run it continues).
 *
 * <p>Each function reduces its argument to a small interval and evaluates a truncated Taylor series
 * there (the coefficients are the textbook ones, not fitted). Measured against a double-precision
 * reference over ~2·10^6 floats spread over the whole useful range ({@code VectorMathTest}), the largest
 * errors are: exp 0.92 ulp, expm1 1.39, log 0.79, tanh 2.10, sigmoid 2.09, softplus 1.70 ulp, and
 * cos2pi 8.4e-8 absolute.
 */
final class VectorMath {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());

    // Constants as ready-made vectors: the compiled code loads them once, with no broadcast per use.
    private static final FloatVector ZERO = f(0f), HALF = f(0.5f), ONE = f(1f), TWO = f(2f);
    private static final FloatVector LOG2E = f(1.44269504088896341f);
    /** ln 2 split in two: the float nearest ln 2, and the rest. k·ln2 = k·LN2_HI + k·LN2_LO to ~2^-48. */
    private static final FloatVector LN2_HI = f(0.693147182f), LN2_LO = f((float) (0.6931471805599453 - 0.693147182f));
    private static final FloatVector MINUS_LN2_HI = LN2_HI.neg(), MINUS_LN2_LO = LN2_LO.neg();
    /**
     * 1.5·2^23: adding it to a float |y| < 2^22 leaves no bits below the units place, so the addition
     * rounds y to the nearest integer, which then sits in the low mantissa bits of the sum.
     */
    private static final FloatVector ROUND = f(0x1.8p23f);
    private static final int ROUND_BITS = Float.floatToRawIntBits(0x1.8p23f);
    /** Below −104 e^x rounds to 0 and above 89 to ∞; clamping keeps the exponent k in range. */
    private static final FloatVector EXP_MIN = f(-104f), EXP_MAX = f(89f);
    /** Below −18, e^x − 1 rounds to −1. */
    private static final FloatVector EXPM1_MIN = f(-18f);
    /** 1/n! for the Taylor series of e^r. */
    private static final FloatVector INV2 = f(1f / 2), INV6 = f(1f / 6), INV24 = f(1f / 24), INV120 = f(1f / 120),
            INV720 = f(1f / 720), INV5040 = f(1f / 5040), INV40320 = f(1f / 40320);
    /** 2/(2n+1) for the series of log(1 + f) in s = f/(2 + f). */
    private static final FloatVector LG3 = f(2f / 3), LG5 = f(2f / 5), LG7 = f(2f / 7), LG9 = f(2f / 9);
    private static final int SQRT2_BITS = Float.floatToRawIntBits(1.41421356f);
    private static final FloatVector SQRT2_MINUS_ONE = f(0.41421356f);
    private static final FloatVector TWO_POW_23 = f(0x1p23f), LN_TWO_POW_23 = f((float) (23 * 0.6931471805599453)), TANH_CAP = f(10f);
    /** Taylor coefficients of cos(2πv) and sin(2πv) in v: ±(2π)^n/n!. */
    private static final FloatVector COS2 = cosCoefficient(2), COS4 = cosCoefficient(4), COS6 = cosCoefficient(6),
            COS8 = cosCoefficient(8), COS10 = cosCoefficient(10);
    private static final FloatVector SIN1 = sinCoefficient(1), SIN3 = sinCoefficient(3), SIN5 = sinCoefficient(5),
            SIN7 = sinCoefficient(7), SIN9 = sinCoefficient(9);
    private static final FloatVector FOUR = f(4f), MINUS_QUARTER = f(-0.25f);
    private static final int SIGN_BIT = 0x8000_0000, EXPONENT_BIAS = 127, MANTISSA_BITS = 23;
    private static final IntVector BIAS = IntVector.broadcast(I, EXPONENT_BIAS);

    private VectorMath() {}

    /** e^x: +∞ above ~88.72, subnormal results down to ~−103.3, then 0; NaN stays NaN. */
    static FloatVector exp(FloatVector x) {
        x = x.max(EXP_MIN).min(EXP_MAX);          // Java's max/min pass NaN through
        FloatVector shifted = x.fma(LOG2E, ROUND); // ROUND + k, k = round(x·log2 e)
        FloatVector k = shifted.sub(ROUND);        // exact
        FloatVector r = k.fma(MINUS_LN2_LO, k.fma(MINUS_LN2_HI, x)); // x − k·ln2, |r| ≤ ln2/2
        // e^r = Σ r^n/n!, n ≤ 7: the first term left out is below 0.15 ulp for |r| ≤ ln2/2.
        FloatVector p = r.fma(INV5040, INV720);
        p = p.fma(r, INV120);
        p = p.fma(r, INV24);
        p = p.fma(r, INV6);
        p = p.fma(r, INV2);
        p = p.fma(r, ONE);
        p = p.fma(r, ONE);
        return scale(p, integerOf(shifted));
    }

    /** e^x − 1, accurate also for tiny x (where exp(x) − 1 would cancel to nothing). */
    static FloatVector expm1(FloatVector x) {
        x = x.max(EXPM1_MIN).min(EXP_MAX);
        FloatVector shifted = x.fma(LOG2E, ROUND);
        FloatVector k = shifted.sub(ROUND);
        FloatVector r = k.fma(MINUS_LN2_LO, k.fma(MINUS_LN2_HI, x));
        // q = e^r − 1 = r + r²·(1/2 + r/6 + ...): no cancellation, however small r is.
        FloatVector p = r.fma(INV40320, INV5040);
        p = p.fma(r, INV720);
        p = p.fma(r, INV120);
        p = p.fma(r, INV24);
        p = p.fma(r, INV6);
        p = p.fma(r, INV2);
        FloatVector q = r.mul(r).fma(p, r);
        // e^x − 1 = 2^k·(q + 1 − 2^−k). For k ≥ 25, 1 − 2^−k rounds to 1 anyway, so k is capped there.
        IntVector ki = integerOf(shifted);
        FloatVector powMinusK = BIAS.sub(ki.min(25)).lanewise(VectorOperators.LSHL, MANTISSA_BITS).reinterpretAsFloats();
        return scale(q.add(ONE.sub(powMinusK)), ki);
    }

    /** Natural logarithm: −∞ at ±0, NaN below 0, +∞ at +∞; subnormal inputs are handled. */
    static FloatVector log(FloatVector x) {
        // A subnormal has no implicit leading 1: scale it by 2^23 into the normal range first. (Zero and
        // negative numbers land here too; their results are replaced at the end.)
        VectorMask<Float> subnormal = x.lt(Float.MIN_NORMAL);
        FloatVector y = logOfNormal(x.blend(x.mul(TWO_POW_23), subnormal));
        y = y.blend(y.sub(LN_TWO_POW_23), subnormal);
        y = y.blend(Float.NaN, x.lt(0f));
        y = y.blend(Float.NEGATIVE_INFINITY, x.eq(0f));
        return y.blend(x, x.compare(VectorOperators.NE, x).or(x.eq(Float.POSITIVE_INFINITY))); // NaN and +∞
    }

    /** log x for a positive, normal, finite x: nothing is checked (the Gaussian kernel's u is always such). */
    static FloatVector logOfNormal(FloatVector x) {
        IntVector bits = x.reinterpretAsInts();
        IntVector exponent = bits.lanewise(VectorOperators.LSHR, MANTISSA_BITS).sub(EXPONENT_BIAS);
        IntVector mantissa = bits.and(0x007f_ffff).or(0x3f80_0000); // the float m in [1, 2)
        // Centre m on 1, in [√½, √2), so that log(m) is small and the series converges fast.
        VectorMask<Integer> high = mantissa.compare(VectorOperators.GT, SQRT2_BITS);
        mantissa = mantissa.blend(mantissa.sub(1 << MANTISSA_BITS), high); // m/2
        exponent = exponent.blend(exponent.add(1), high);
        FloatVector y = logOnePlus(mantissa.reinterpretAsFloats().sub(ONE)); // exact subtraction (Sterbenz)
        FloatVector e = exponent.add(ROUND_BITS).reinterpretAsFloats().sub(ROUND); // the integer as a float, exactly
        return e.fma(LN2_HI, e.fma(LN2_LO, y));
    }

    /** tanh x = sign(x)·e/(e + 2) with e = e^{2|x|} − 1; accurate near 0 too, since expm1 is. */
    static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs().min(TANH_CAP); // tanh(10) is 1 in float; the cap keeps e^{2|x|} finite
        FloatVector e = expm1(a.add(a));
        FloatVector t = e.div(e.add(TWO));
        IntVector sign = x.reinterpretAsInts().and(SIGN_BIT);
        return t.reinterpretAsInts().or(sign).reinterpretAsFloats();
    }

    /** 1/(1 + e^−x), written with t = e^−|x| ≤ 1 so that nothing overflows: t/(1 + t) for x < 0. */
    static FloatVector sigmoid(FloatVector x) {
        FloatVector t = exp(x.abs().neg());
        return ONE.blend(t, x.lt(0f)).div(ONE.add(t));
    }

    /** log(1 + e^x) = max(x, 0) + log(1 + e^−|x|): e^−|x| ≤ 1, so nothing overflows. */
    static FloatVector softplus(FloatVector x) {
        FloatVector t = exp(x.abs().neg()); // in [0, 1]
        // log(1 + t) for t in [0, 1]: directly while 1 + t < √2, else as ln2 + log(1 + (t − 1)/2).
        VectorMask<Float> high = t.compare(VectorOperators.GT, SQRT2_MINUS_ONE);
        FloatVector f = t.blend(t.sub(ONE).mul(HALF), high);
        FloatVector k = ZERO.blend(ONE, high);
        FloatVector log1p = k.fma(LN2_HI, k.fma(LN2_LO, logOnePlus(f)));
        return x.max(ZERO).add(log1p);
    }

    /**
     * cos(2π·t) for an argument in turns (|t| < 2^22), accurate to 1e-7. Turns, not radians: reducing
     * them to a quarter turn is an exact subtraction, where radians would need π to many more bits.
     */
    static FloatVector cos2pi(FloatVector t) {
        FloatVector shifted = t.fma(FOUR, ROUND);              // ROUND + q, the nearest quarter turn
        FloatVector v = shifted.sub(ROUND).fma(MINUS_QUARTER, t); // t − q/4, exact, |v| ≤ 1/8
        FloatVector v2 = v.mul(v);
        // cos(2πv) and sin(2πv) as series in v: the terms left out are below 1e-8.
        FloatVector c = v2.fma(COS10, COS8);
        c = c.fma(v2, COS6);
        c = c.fma(v2, COS4);
        c = c.fma(v2, COS2);
        c = c.fma(v2, ONE);
        FloatVector s = v2.fma(SIN9, SIN7);
        s = s.fma(v2, SIN5);
        s = s.fma(v2, SIN3);
        s = s.fma(v2, SIN1).mul(v);
        // cos(2π(q/4 + v)) = cos, −sin, −cos, sin for q mod 4 = 0, 1, 2, 3.
        IntVector quadrant = integerOf(shifted);
        VectorMask<Integer> odd = quadrant.and(1).compare(VectorOperators.NE, 0);
        IntVector base = c.reinterpretAsInts().blend(s.reinterpretAsInts(), odd);
        IntVector flip = quadrant.add(1).and(2).lanewise(VectorOperators.LSHL, 30); // the sign bit for q = 1, 2
        return base.lanewise(VectorOperators.XOR, flip).reinterpretAsFloats();
    }

    /**
     * log(1 + f) for f in [√½ − 1, √2 − 1], by the series of fdlibm's log: with s = f/(2 + f),
     * log(1 + f) = 2·atanh(s) = 2s + 2s³/3 + 2s⁵/5 + ..., and |s| ≤ 0.172 makes four terms plenty.
     * Written as f − (f²/2 − s·(f²/2 + R)) so that the big part, f, is exact.
     */
    private static FloatVector logOnePlus(FloatVector f) {
        FloatVector s = f.div(f.add(TWO));
        FloatVector z = s.mul(s);
        FloatVector r = z.fma(LG9, LG7);
        r = r.fma(z, LG5);
        r = r.fma(z, LG3);
        r = r.mul(z);
        FloatVector halfSquare = f.mul(f).mul(HALF);
        return f.sub(halfSquare.sub(s.mul(halfSquare.add(r))));
    }

    /** The integer that {@code ROUND + y} rounded y to, read from the low mantissa bits of the sum. */
    private static IntVector integerOf(FloatVector shifted) {
        return shifted.reinterpretAsInts().sub(ROUND_BITS);
    }

    /**
     * p·2^k for k in [−151, 128], as two factors 2^⌊k/2⌋ and 2^(k−⌊k/2⌋) that are both normal floats
     * (written straight into the exponent bits): the first product is exact, the second rounds once,
     * into a subnormal, ∞ or 0 exactly as IEEE says.
     */
    private static FloatVector scale(FloatVector p, IntVector k) {
        IntVector half = k.lanewise(VectorOperators.ASHR, 1);
        FloatVector first = half.add(EXPONENT_BIAS).lanewise(VectorOperators.LSHL, MANTISSA_BITS).reinterpretAsFloats();
        FloatVector second = k.sub(half).add(EXPONENT_BIAS).lanewise(VectorOperators.LSHL, MANTISSA_BITS).reinterpretAsFloats();
        return p.mul(first).mul(second);
    }

    private static FloatVector f(float value) {
        return FloatVector.broadcast(F, value);
    }

    /** (−1)^(n/2)·(2π)^n/n! for even n. */
    private static FloatVector cosCoefficient(int n) {
        return f((float) ((n / 2 % 2 == 0 ? 1 : -1) * StrictMath.pow(2 * Math.PI, n) / factorial(n)));
    }

    /** (−1)^((n−1)/2)·(2π)^n/n! for odd n. */
    private static FloatVector sinCoefficient(int n) {
        return f((float) (((n - 1) / 2 % 2 == 0 ? 1 : -1) * StrictMath.pow(2 * Math.PI, n) / factorial(n)));
    }

    private static double factorial(int n) {
        double f = 1;
        for (int i = 2; i <= n; i++) f *= i;
        return f;
    }
}
