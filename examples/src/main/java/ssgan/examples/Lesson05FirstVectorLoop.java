package ssgan.examples;

import java.io.PrintStream;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import ssgan.engine.tensor.Rng;

/**
 * Lesson 5: a first Vector API loop, {@code z = a·x + y}, against its scalar twin; then a dot product.
 *
 * <p><b>Part A, a·x + y.</b> The scalar loop does one multiply and one add per element. A
 * {@link FloatVector} of the preferred species holds L floats (L = 8 with AVX2, 16 with AVX-512; lesson 1
 * printed it), and one {@code mul}/{@code add} on it is one instruction for all L lanes. So the loop
 * walks the arrays L elements at a time:
 * <pre>
 *   for (i = 0; i &lt; species.loopBound(n); i += L)  z[i..i+L) = a·x[i..i+L) + y[i..i+L)
 * </pre>
 * {@code loopBound(n)} is n rounded down to a multiple of L. The last {@code n mod L} elements, the
 * <b>tail</b>, do not fill a vector, and there are two classic ways to finish them:
 * <ul>
 *   <li>a scalar loop, the same arithmetic one element at a time ({@link #axpyScalarTail});</li>
 *   <li>one more vector step under a <b>mask</b> whose lanes past n are off: masked loads read nothing
 *       there and masked stores write nothing ({@link #axpyMaskedTail}). {@code indexInRange(i, n)}
 *       builds that mask.</li>
 * </ul>
 * Forgetting the tail is the classic bug, which is why the test runs n = 0, 1, L − 1, L + 1, ....
 *
 * <p>We write {@code x.mul(a).add(y)}, two roundings per element, like the scalar {@code a * x[i] + y[i]}
 * (Java never fuses a multiply and an add on its own). So all three versions must agree <i>bit for
 * bit</i>, and the lesson checks with {@link Arrays#equals(float[], float[])}. With {@code fma} (one
 * rounding) the vector result would differ in the last bit now and then: still correct, but then the
 * check needs a tolerance.
 *
 * <p>Do not be surprised if part A shows no speed-up: the JIT's C2 compiler <i>auto-vectorises</i> a loop
 * this simple by itself, so the "scalar" loop already runs on vector instructions. Auto-vectorisation is
 * fragile, though, and it never reorders floating-point additions, which is part B.
 *
 * <p><b>Part B, a dot product Σ xᵢ·yᵢ.</b> The scalar loop adds into one accumulator, and each addition
 * waits for the previous one: float addition is not associative, so the JIT may not split the sum into
 * independent pieces, and this loop stays scalar. The vector version keeps L partial sums, one per lane
 * ({@code acc += x[i..i+L)·y[i..i+L)}), and adds the lanes together at the end
 * ({@code reduceLanes(ADD)}). That is a <i>different order of additions</i>, so the result differs from
 * the scalar one in the last bits; neither is "the" right answer. Both are checked against a double
 * reference with the rounding-error bound every float sum obeys, whatever its order:
 * <pre>
 *   |computed − exact| ≤ n·u·Σ|xᵢ·yᵢ|,   u = 2⁻²⁴ (half a float ulp at 1)
 * </pre>
 * Lesson 6 uses the same bound for matrix products.
 *
 * <p>Times are medians of a few runs after a warm-up, printed and never asserted: they depend on the
 * machine and on what else runs on it.
 */
public final class Lesson05FirstVectorLoop {
    private Lesson05FirstVectorLoop() {}

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    /** Part A's checks and times (medians in nanoseconds per call). */
    public record Axpy(boolean scalarTailEqual, boolean maskedTailEqual, long scalarNanos, long vectorNanos, long maskedNanos) {}

    /** Part B: both dot products, the double reference, the error bound, and times. */
    public record Dot(float scalar, float vector, double reference, double bound, long scalarNanos, long vectorNanos) {}

    public record Result(int n, int lanes, Axpy axpy, Dot dot) {}

    // ---- part A: z = a·x + y -----------------------------------------------------------------------

    /** The scalar twin: obviously correct, the reference for the other two. */
    public static void axpyScalar(float a, float[] x, float[] y, float[] z, int n) {
        for (int i = 0; i < n; i++) z[i] = a * x[i] + y[i];
    }

    /** Whole vectors, then the tail one element at a time. */
    public static void axpyScalarTail(float a, float[] x, float[] y, float[] z, int n) {
        int i = 0;
        int bound = SPECIES.loopBound(n);
        for (; i < bound; i += SPECIES.length()) {
            FloatVector vx = FloatVector.fromArray(SPECIES, x, i);
            FloatVector vy = FloatVector.fromArray(SPECIES, y, i);
            vx.mul(a).add(vy).intoArray(z, i);
        }
        for (; i < n; i++) z[i] = a * x[i] + y[i];
    }

    /** Whole vectors, then one masked vector step for the tail. */
    public static void axpyMaskedTail(float a, float[] x, float[] y, float[] z, int n) {
        int i = 0;
        int bound = SPECIES.loopBound(n);
        for (; i < bound; i += SPECIES.length()) {
            FloatVector vx = FloatVector.fromArray(SPECIES, x, i);
            FloatVector vy = FloatVector.fromArray(SPECIES, y, i);
            vx.mul(a).add(vy).intoArray(z, i);
        }
        if (i < n) {
            VectorMask<Float> m = SPECIES.indexInRange(i, n);
            FloatVector vx = FloatVector.fromArray(SPECIES, x, i, m);
            FloatVector vy = FloatVector.fromArray(SPECIES, y, i, m);
            vx.mul(a).add(vy).intoArray(z, i, m);
        }
    }

    // ---- part B: Σ x·y -----------------------------------------------------------------------------

    /** One accumulator, one addition after the other. */
    public static float dotScalar(float[] x, float[] y, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) s += x[i] * y[i];
        return s;
    }

    /** L accumulators (one vector), summed across lanes at the end; the tail one element at a time. */
    public static float dotVector(float[] x, float[] y, int n) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int i = 0;
        int bound = SPECIES.loopBound(n);
        for (; i < bound; i += SPECIES.length()) {
            FloatVector vx = FloatVector.fromArray(SPECIES, x, i);
            FloatVector vy = FloatVector.fromArray(SPECIES, y, i);
            acc = vx.fma(vy, acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += x[i] * y[i];
        return s;
    }

    /**
     * Checks both parts on n elements, then times each loop {@code runs} times after
     * {@code warmupMillis} of untimed calls.
     */
    public static Result run(PrintStream out, int n, int runs, long warmupMillis, long seed) {
        out.printf("Lesson 5: first Vector API loops over %,d floats, %d lanes per vector (%d full vectors + a tail of %d)%n",
                n, SPECIES.length(), SPECIES.loopBound(n) / SPECIES.length(), n - SPECIES.loopBound(n));
        Rng rng = new Rng(seed);
        float a = (float) rng.nextGaussian();
        float[] x = new float[n], y = new float[n];
        rng.fillUniform(x, 0, n, -1f, 1f);
        rng.fillUniform(y, 0, n, -1f, 1f);

        out.println("  part A, z = a·x + y:");
        float[] zScalar = new float[n], zVector = new float[n], zMasked = new float[n];
        axpyScalar(a, x, y, zScalar, n);
        axpyScalarTail(a, x, y, zVector, n);
        axpyMaskedTail(a, x, y, zMasked, n);
        boolean equal = Arrays.equals(zScalar, zVector);
        boolean maskedEqual = Arrays.equals(zScalar, zMasked);
        out.printf("    vector + scalar tail equals the scalar loop bit for bit: %s%n", equal ? "yes" : "NO");
        out.printf("    vector + masked tail equals the scalar loop bit for bit: %s%n", maskedEqual ? "yes" : "NO");
        long tScalar = Timing.medianNanos(warmupMillis, runs, () -> axpyScalar(a, x, y, zScalar, n));
        long tVector = Timing.medianNanos(warmupMillis, runs, () -> axpyScalarTail(a, x, y, zVector, n));
        long tMasked = Timing.medianNanos(warmupMillis, runs, () -> axpyMaskedTail(a, x, y, zMasked, n));
        out.printf("    median of %d runs: scalar %,.1f µs, vector %,.1f µs (%.1f×), vector with mask %,.1f µs (%.1f×)%n",
                runs, tScalar / 1e3, tVector / 1e3, ratio(tScalar, tVector), tMasked / 1e3, ratio(tScalar, tMasked));
        out.println("    (about 1×? the JIT auto-vectorised the scalar loop: see this class's comment)");

        out.println("  part B, Σ x·y:");
        double reference = 0, absSum = 0;
        for (int i = 0; i < n; i++) {
            reference += (double) x[i] * y[i];
            absSum += Math.abs((double) x[i] * y[i]);
        }
        double bound = n * 0x1p-24 * absSum;
        float dScalar = dotScalar(x, y, n), dVector = dotVector(x, y, n);
        out.printf("    double reference %.9f; error bound n·u·Σ|x·y| = %.2e%n", reference, bound);
        out.printf("    scalar %.9f (error %.2e), vector %.9f (error %.2e): %s%n", dScalar, Math.abs(dScalar - reference),
                dVector, Math.abs(dVector - reference),
                Math.abs(dScalar - reference) <= bound && Math.abs(dVector - reference) <= bound ? "both within the bound" : "OUTSIDE the bound");
        float[] sink = new float[1];
        long tDotScalar = Timing.medianNanos(warmupMillis, runs, () -> sink[0] += dotScalar(x, y, n));
        long tDotVector = Timing.medianNanos(warmupMillis, runs, () -> sink[0] += dotVector(x, y, n));
        out.printf("    median of %d runs: scalar %,.1f µs, vector %,.1f µs (%.1f×)%n",
                runs, tDotScalar / 1e3, tDotVector / 1e3, ratio(tDotScalar, tDotVector));
        out.println("  (coarse System.nanoTime timings on a shared machine: read them as an order of magnitude)");
        return new Result(n, SPECIES.length(), new Axpy(equal, maskedEqual, tScalar, tVector, tMasked),
                new Dot(dScalar, dVector, reference, bound, tDotScalar, tDotVector));
    }

    private static double ratio(long slow, long fast) {
        return (double) slow / Math.max(1, fast);
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_003;
        run(System.out, n, 21, 300, 5);
    }
}
