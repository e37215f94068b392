package ssgan.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

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
    private static final float LOG2E = 1.44269504088896341f;
    /** ln 2 split in two: the float nearest ln 2, and the rest. k·ln2 = k·LN2_HI + k·LN2_LO to ~2^-48. */
    private static final float LN2_HI = 0.693147182f;
    private static final float LN2_LO = (float) (0.6931471805599453 - 0.693147182f);
    /**
     * 1.5·2^23: adding it to a float |y| < 2^22 leaves no bits below the units place, so the addition
     * rounds y to the nearest integer, which then sits in the low mantissa bits of the sum.
     */
    private static final float ROUND = 0x1.8p23f;
    private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);
    private static final float SQRT2 = 1.41421356f;
    private static final int SIGN_BIT = 0x8000_0000;
    /** Taylor coefficients of cos(2πv) and sin(2πv) in v: ±(2π)^n/n!. */
    private static final float COS2 = cosCoefficient(2), COS4 = cosCoefficient(4), COS6 = cosCoefficient(6),
            COS8 = cosCoefficient(8), COS10 = cosCoefficient(10);
    private static final float SIN1 = sinCoefficient(1), SIN3 = sinCoefficient(3), SIN5 = sinCoefficient(5),
            SIN7 = sinCoefficient(7), SIN9 = sinCoefficient(9);

    private VectorMath() {}

    /** e^x: +∞ above ~88.72, subnormal results down to ~−103.3, then 0; NaN stays NaN. */
    static FloatVector exp(FloatVector x) {
        // Outside [−104, 89] the result is 0 or ∞ anyway; clamping keeps k in the range scale() handles.
        x = x.max(-104f).min(89f); // Java's max/min pass NaN through
        FloatVector shifted = x.fma(LOG2E, ROUND);          // ROUND + round(x·log2 e)
        FloatVector k = shifted.sub(ROUND);                 // exact
        FloatVector r = mulAdd(k, -LN2_LO, mulAdd(k, -LN2_HI, x)); // x − k·ln2, |r| ≤ ln2/2
        // e^r = Σ r^n/n!, n ≤ 7: the first term left out is below 0.15 ulp for |r| ≤ ln2/2.
        FloatVector p = r.fma(1f / 5040, 1f / 720);
        p = mulAdd(p, r, 1f / 120);
        p = mulAdd(p, r, 1f / 24);
        p = mulAdd(p, r, 1f / 6);
        p = mulAdd(p, r, 0.5f);
        p = mulAdd(p, r, 1f);
        p = mulAdd(p, r, 1f);
        return scale(p, integerOf(shifted));
    }

    /** e^x − 1, accurate also for tiny x (where exp(x) − 1 would cancel to nothing). */
    static FloatVector expm1(FloatVector x) {
        x = x.max(-18f).min(89f); // below −18, e^x − 1 rounds to −1 in float
        FloatVector shifted = x.fma(LOG2E, ROUND);
        FloatVector k = shifted.sub(ROUND);
        FloatVector r = mulAdd(k, -LN2_LO, mulAdd(k, -LN2_HI, x));
        // q = e^r − 1 = r + r²·(1/2 + r/6 + ...): no cancellation, however small r is.
        FloatVector p = r.fma(1f / 40320, 1f / 5040);
        p = mulAdd(p, r, 1f / 720);
        p = mulAdd(p, r, 1f / 120);
        p = mulAdd(p, r, 1f / 24);
        p = mulAdd(p, r, 1f / 6);
        p = mulAdd(p, r, 0.5f);
        FloatVector q = r.mul(r).fma(p, r);
        // e^x − 1 = 2^k·(q + 1 − 2^−k). For k ≥ 25, 1 − 2^−k rounds to 1 anyway, so k is capped there.
        IntVector ki = integerOf(shifted);
        FloatVector oneMinusPow = FloatVector.broadcast(x.species(), 1f).sub(powerOfTwo(ki.min(25).neg()));
        return scale(q.add(oneMinusPow), ki);
    }

    /** Natural logarithm: −∞ at ±0, NaN below 0, +∞ at +∞; subnormal inputs are handled. */
    static FloatVector log(FloatVector x) {
        // A subnormal has no implicit leading 1: scale it by 2^23 into the normal range first.
        VectorMask<Float> subnormal = x.lt(0x1p-126f);
        FloatVector normal = x.blend(x.mul(0x1p23f), subnormal);
        IntVector bits = normal.reinterpretAsInts();
        IntVector exponent = bits.lanewise(VectorOperators.LSHR, 23).sub(127);
        exponent = exponent.blend(exponent.sub(23), subnormal.cast(bits.species()));
        FloatVector m = bits.and(0x007f_ffff).or(0x3f80_0000).reinterpretAsFloats(); // mantissa in [1, 2)
        // Centre the mantissa on 1, in [√½, √2), so that log(m) is small and the series converges fast.
        VectorMask<Float> high = m.compare(VectorOperators.GT, SQRT2);
        m = m.blend(m.mul(0.5f), high);
        exponent = exponent.blend(exponent.add(1), high.cast(bits.species()));
        FloatVector e = (FloatVector) exponent.convert(VectorOperators.I2F, 0);
        FloatVector y = logOnePlus(m.sub(1f)); // exact subtraction (Sterbenz)
        y = mulAdd(e, LN2_HI, mulAdd(e, LN2_LO, y));
        y = y.blend(Float.NaN, x.lt(0f));
        y = y.blend(Float.NEGATIVE_INFINITY, x.eq(0f));
        return y.blend(x, x.compare(VectorOperators.NE, x).or(x.eq(Float.POSITIVE_INFINITY))); // NaN and +∞
    }

    /** tanh x = sign(x)·e/(e + 2) with e = e^{2|x|} − 1; accurate near 0 too, since expm1 is. */
    static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs().min(10f); // tanh(10) is 1 in float; the cap keeps e^{2|x|} finite
        FloatVector e = expm1(a.add(a));
        FloatVector t = e.div(e.add(2f));
        return withSignOf(t, x);
    }

    /** 1/(1 + e^−x), written with e^−|x| ≤ 1 so that nothing overflows: e^x/(1 + e^x) for x < 0. */
    static FloatVector sigmoid(FloatVector x) {
        FloatVector t = exp(x.abs().neg());
        FloatVector one = FloatVector.broadcast(x.species(), 1f);
        return one.blend(t, x.lt(0f)).div(one.add(t));
    }

    /** log(1 + e^x) = max(x, 0) + log(1 + e^−|x|): e^−|x| ≤ 1, so nothing overflows. */
    static FloatVector softplus(FloatVector x) {
        FloatVector t = exp(x.abs().neg()); // in [0, 1]
        // log(1 + t) for t in [0, 1]: directly while 1 + t < √2, else as ln2 + log(1 + (t − 1)/2).
        VectorMask<Float> high = t.compare(VectorOperators.GT, SQRT2 - 1f);
        FloatVector f = t.blend(t.sub(1f).mul(0.5f), high);
        FloatVector k = FloatVector.zero(x.species()).blend(1f, high);
        FloatVector log1p = mulAdd(k, LN2_HI, mulAdd(k, LN2_LO, logOnePlus(f)));
        return x.max(0f).add(log1p);
    }

    /**
     * cos(2π·t) for an argument in turns (|t| < 2^22), accurate to 1e-7. Turns, not radians: reducing
     * them to a quarter turn is an exact subtraction, where radians would need π to many more bits.
     */
    static FloatVector cos2pi(FloatVector t) {
        FloatVector shifted = t.fma(4f, ROUND);                      // ROUND + nearest quarter q
        FloatVector v = mulAdd(shifted.sub(ROUND), -0.25f, t);           // t − q/4, exact, |v| ≤ 1/8
        IntVector quadrant = integerOf(shifted).and(3);
        FloatVector v2 = v.mul(v);
        // cos(2πv) and sin(2πv) as series in v; coefficients (2π)^n/n! with alternating signs.
        FloatVector c = v2.fma(COS10, COS8);
        c = mulAdd(c, v2, COS6);
        c = mulAdd(c, v2, COS4);
        c = mulAdd(c, v2, COS2);
        c = mulAdd(c, v2, 1f);
        FloatVector s = v2.fma(SIN9, SIN7);
        s = mulAdd(s, v2, SIN5);
        s = mulAdd(s, v2, SIN3);
        s = mulAdd(s, v2, SIN1).mul(v);
        // cos(2π(q/4 + v)) = cos, −sin, −cos, sin for q mod 4 = 0, 1, 2, 3.
        VectorMask<Float> odd = quadrant.and(1).compare(VectorOperators.NE, 0).cast(t.species());
        FloatVector base = c.blend(s, odd);
        IntVector flip = quadrant.add(1).and(2).lanewise(VectorOperators.LSHL, 30); // sign bit for q = 1, 2
        return base.reinterpretAsInts().lanewise(VectorOperators.XOR, flip).reinterpretAsFloats();
    }

    /** (−1)^(n/2)·(2π)^n/n! for even n. */
    private static float cosCoefficient(int n) {
        return (float) ((n / 2 % 2 == 0 ? 1 : -1) * StrictMath.pow(2 * Math.PI, n) / factorial(n));
    }

    /** (−1)^((n−1)/2)·(2π)^n/n! for odd n. */
    private static float sinCoefficient(int n) {
        return (float) (((n - 1) / 2 % 2 == 0 ? 1 : -1) * StrictMath.pow(2 * Math.PI, n) / factorial(n));
    }

    private static double factorial(int n) {
        double f = 1;
        for (int i = 2; i <= n; i++) f *= i;
        return f;
    }

    /**
     * log(1 + f) for f in [√½ − 1, √2 − 1], by the series of fdlibm's log: with s = f/(2 + f),
     * log(1 + f) = 2·atanh(s) = 2s + 2s³/3 + 2s⁵/5 + ..., and |s| ≤ 0.172 makes four terms plenty.
     * Written as f − (f²/2 − s·(f²/2 + R)) so that the big part, f, is exact.
     */
    private static FloatVector logOnePlus(FloatVector f) {
        FloatVector s = f.div(f.add(2f));
        FloatVector z = s.mul(s);
        FloatVector r = z.fma(2f / 9, 2f / 7);
        r = mulAdd(r, z, 2f / 5);
        r = mulAdd(r, z, 2f / 3);
        r = r.mul(z);
        FloatVector halfSquare = f.mul(f).mul(0.5f);
        return f.sub(halfSquare.sub(s.mul(halfSquare.add(r))));
    }

    /** The integer that {@code ROUND + y} rounded y to, read from the low mantissa bits of the sum. */
    private static IntVector integerOf(FloatVector shifted) {
        return shifted.reinterpretAsInts().sub(ROUND_BITS);
    }

    /** 2^k for k in [−126, 127], written straight into the exponent bits. */
    private static FloatVector powerOfTwo(IntVector k) {
        return k.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    }

    /**
     * p·2^k for k in [−151, 128], as two factors 2^⌊k/2⌋ and 2^(k−⌊k/2⌋) that are both normal floats: the
     * first product is exact, the second rounds once, into a subnormal, ∞ or 0 exactly as IEEE says.
     */
    private static FloatVector scale(FloatVector p, IntVector k) {
        IntVector half = k.lanewise(VectorOperators.ASHR, 1);
        return p.mul(powerOfTwo(half)).mul(powerOfTwo(k.sub(half)));
    }

    /** a·b + c with one rounding; {@code FloatVector.fma} has no (vector, vector, scalar) form. */
    private static FloatVector mulAdd(FloatVector a, FloatVector b, float c) {
        return a.fma(b, FloatVector.broadcast(a.species(), c));
    }

    private static FloatVector mulAdd(FloatVector a, float b, FloatVector c) {
        return a.fma(FloatVector.broadcast(a.species(), b), c);
    }

    private static FloatVector withSignOf(FloatVector magnitude, FloatVector sign) {
        IntVector signBit = sign.reinterpretAsInts().and(SIGN_BIT);
        return magnitude.reinterpretAsInts().or(signBit).reinterpretAsFloats();
    }
}
