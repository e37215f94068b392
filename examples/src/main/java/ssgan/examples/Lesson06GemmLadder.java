package ssgan.examples;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import ssgan.engine.kernels.Gemm;
import ssgan.engine.ops.MatMul;
import ssgan.engine.parallel.Parallel;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;

/**
 * Lesson 6: a GEMM ladder, from the textbook triple loop to the engine's kernel.
 *
 * <p>C = A·B with A m×k, B k×n, C m×n, all row-major: {@code A[i][p]} is {@code a[i·k + p]}. It costs
 * 2·m·n·k flops (one multiply and one add per term), so speed is printed as GFLOP/s = 2mnk / seconds.
 * Nearly all of a neural network's time goes into products like this one (linear layers directly,
 * convolutions through lesson 7's lowering), which is why it gets a ladder of its own. Each rung
 * changes one thing:
 * <ol>
 *   <li><b>naive</b>, loops i, j, p: {@code C[i][j] = Σ_p A[i][p]·B[p][j]}. The inner loop walks B down a
 *       column, n floats apart: every step is a new cache line, and most of each line is wasted.</li>
 *   <li><b>i-k-j order</b>: the same sums, with p moved out of the inner loop:
 *       {@code C[i][·] += A[i][p] · B[p][·]}. Now the inner loop runs along a row of B and a row of C,
 *       contiguous in memory: the inner loop is lesson 5's a·x + y. Faster for nothing but a loop swap.</li>
 *   <li><b>blocked</b>: i-k-j still reads all of B once per row of A. When B does not fit in the cache,
 *       it comes from memory m times. Cutting B into blocks that fit in the L2 cache, and running all rows
 *       of A against one block before moving on, makes those reads hit the cache. (At small sizes B fits
 *       anyway and this rung gains little; try 1024.)</li>
 *   <li><b>blocked, Vector API</b>: the inner loop of the blocked version written with
 *       {@link FloatVector}: broadcast A[i][p] to all lanes, multiply-add a vector of B's row into a vector
 *       of C's row ({@code fma}). Explicit, so it no longer depends on the auto-vectoriser.</li>
 *   <li><b>register tile</b>: rung 4 loads and stores C in its inner loop, and memory operations, not
 *       arithmetic, limit it. Here a 4×(2 vectors) tile of C stays in 8 vector registers for the whole
 *       sum over p: per p it loads 2 vectors of B and 4 numbers of A, and does 8 fma's. That ratio of
 *       arithmetic to loads is the idea behind every fast GEMM's "micro-kernel".</li>
 *   <li><b>the engine</b> ({@link Gemm#gemm(int, int, int, float[], float[], float[])}, what
 *       {@link MatMul#matmul} calls): a bigger register tile, A and B <i>packed</i> into contiguous
 *       cache-sized panels so the micro-kernel reads memory in order, and the work split over the cores
 *       (docs/ARCHITECTURE.md describes it). Rungs 1–5 run on one thread; the engine runs twice, on one
 *       thread (the fair comparison with rung 5) and on all of its threads.</li>
 * </ol>
 *
 * <p><b>Checked before timed.</b> Each rung's C is compared with a double-precision reference. Summing k
 * float products in any order, fused or not, errs by at most k·u·Σ_p|A[i][p]·B[p][j]| (u = 2⁻²⁴), so
 * every entry must satisfy {@code |C − ref| ≤ k·u·Σ|A||B|}. The lesson prints the largest
 * {@code |C − ref| / bound} over all entries: below 1 passes, and it is usually far below, because
 * rounding errors mostly cancel. A bug (a missed tail, a wrong index) gives ratios in the thousands.
 */
public final class Lesson06GemmLadder {
    private Lesson06GemmLadder() {}

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();

    /** Block sizes of rungs 3 and 4: a 128×512 block of B is 256 KiB, a fit for a typical L2 cache. */
    static final int BLOCK_K = 128, BLOCK_N = 512, BLOCK_M = 64;

    /** A GEMM on tight row-major arrays: C = A·B, overwriting C. */
    @FunctionalInterface
    public interface GemmStep {
        void multiply(int m, int n, int k, float[] a, float[] b, float[] c);
    }

    /** One rung's outcome: its name, the worst error-to-bound ratio, and its median time and speed. */
    public record Rung(String name, double errorRatio, long nanos, double gflops) {}

    public record Result(int m, int n, int k, List<Rung> rungs) {}

    /** A rung: its name, its code, and the engine thread count it runs with (0: leave as it is). */
    public record Step(String name, GemmStep gemm, int threads) {}

    /** The rungs in order; the test runs each on awkward sizes. */
    public static List<Step> steps() {
        return List.of(
                new Step("1 naive (i-j-p)", Lesson06GemmLadder::naive, 0),
                new Step("2 loop order i-k-j", Lesson06GemmLadder::ikj, 0),
                new Step("3 blocked", Lesson06GemmLadder::blocked, 0),
                new Step("4 blocked + Vector API", Lesson06GemmLadder::blockedVector, 0),
                new Step("5 register tile 4×2 vectors", Lesson06GemmLadder::registerTile, 0),
                new Step("6 engine Gemm, 1 thread", Gemm::gemm, 1),
                new Step("7 engine Gemm, " + Parallel.threads() + " threads", Gemm::gemm, Parallel.threads()));
    }

    // ---- rung 1 ----------------------------------------------------------------------------------

    public static void naive(int m, int n, int k, float[] a, float[] b, float[] c) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0f;
                for (int p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
                c[i * n + j] = s;
            }
        }
    }

    // ---- rung 2 ----------------------------------------------------------------------------------

    public static void ikj(int m, int n, int k, float[] a, float[] b, float[] c) {
        Arrays.fill(c, 0, m * n, 0f);
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                float aip = a[i * k + p];
                for (int j = 0; j < n; j++) c[i * n + j] += aip * b[p * n + j];
            }
        }
    }

    // ---- rung 3 ----------------------------------------------------------------------------------

    public static void blocked(int m, int n, int k, float[] a, float[] b, float[] c) {
        Arrays.fill(c, 0, m * n, 0f);
        for (int p0 = 0; p0 < k; p0 += BLOCK_K) {
            int p1 = Math.min(k, p0 + BLOCK_K);
            for (int j0 = 0; j0 < n; j0 += BLOCK_N) {
                int j1 = Math.min(n, j0 + BLOCK_N);
                // B[p0..p1)[j0..j1) stays in cache while every row of A passes over it.
                for (int i0 = 0; i0 < m; i0 += BLOCK_M) {
                    int i1 = Math.min(m, i0 + BLOCK_M);
                    for (int i = i0; i < i1; i++) {
                        for (int p = p0; p < p1; p++) {
                            float aip = a[i * k + p];
                            for (int j = j0; j < j1; j++) c[i * n + j] += aip * b[p * n + j];
                        }
                    }
                }
            }
        }
    }

    // ---- rung 4 ----------------------------------------------------------------------------------

    public static void blockedVector(int m, int n, int k, float[] a, float[] b, float[] c) {
        Arrays.fill(c, 0, m * n, 0f);
        for (int p0 = 0; p0 < k; p0 += BLOCK_K) {
            int p1 = Math.min(k, p0 + BLOCK_K);
            for (int j0 = 0; j0 < n; j0 += BLOCK_N) {
                int j1 = Math.min(n, j0 + BLOCK_N);
                int vectorEnd = j0 + SPECIES.loopBound(j1 - j0);
                for (int i0 = 0; i0 < m; i0 += BLOCK_M) {
                    int i1 = Math.min(m, i0 + BLOCK_M);
                    for (int i = i0; i < i1; i++) {
                        int row = i * n;
                        for (int p = p0; p < p1; p++) {
                            float aip = a[i * k + p];
                            FloatVector va = FloatVector.broadcast(SPECIES, aip);
                            int j = j0;
                            for (; j < vectorEnd; j += L) {
                                FloatVector vb = FloatVector.fromArray(SPECIES, b, p * n + j);
                                FloatVector vc = FloatVector.fromArray(SPECIES, c, row + j);
                                va.fma(vb, vc).intoArray(c, row + j);
                            }
                            for (; j < j1; j++) c[row + j] += aip * b[p * n + j];   // the tail
                        }
                    }
                }
            }
        }
    }

    // ---- rung 5 ----------------------------------------------------------------------------------

    /**
     * C in tiles of 4 rows × 2 vectors, each tile summed over all of k in 8 registers and stored once.
     * The edges (rows past the last full 4, columns past the last full 2 vectors) fall back to scalar
     * sums. The eight accumulators are eight local variables on purpose: an array of vectors would live
     * in memory, which is what this rung exists to avoid.
     */
    public static void registerTile(int m, int n, int k, float[] a, float[] b, float[] c) {
        int rowEnd = m - m % 4, colEnd = n - n % (2 * L);
        for (int i = 0; i < rowEnd; i += 4) {
            int a0 = i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
            for (int j = 0; j < colEnd; j += 2 * L) {
                FloatVector c00 = FloatVector.zero(SPECIES), c01 = FloatVector.zero(SPECIES);
                FloatVector c10 = FloatVector.zero(SPECIES), c11 = FloatVector.zero(SPECIES);
                FloatVector c20 = FloatVector.zero(SPECIES), c21 = FloatVector.zero(SPECIES);
                FloatVector c30 = FloatVector.zero(SPECIES), c31 = FloatVector.zero(SPECIES);
                for (int p = 0; p < k; p++) {
                    FloatVector b0 = FloatVector.fromArray(SPECIES, b, p * n + j);
                    FloatVector b1 = FloatVector.fromArray(SPECIES, b, p * n + j + L);
                    FloatVector x = FloatVector.broadcast(SPECIES, a[a0 + p]);
                    c00 = x.fma(b0, c00);
                    c01 = x.fma(b1, c01);
                    x = FloatVector.broadcast(SPECIES, a[a1 + p]);
                    c10 = x.fma(b0, c10);
                    c11 = x.fma(b1, c11);
                    x = FloatVector.broadcast(SPECIES, a[a2 + p]);
                    c20 = x.fma(b0, c20);
                    c21 = x.fma(b1, c21);
                    x = FloatVector.broadcast(SPECIES, a[a3 + p]);
                    c30 = x.fma(b0, c30);
                    c31 = x.fma(b1, c31);
                }
                c00.intoArray(c, i * n + j);
                c01.intoArray(c, i * n + j + L);
                c10.intoArray(c, (i + 1) * n + j);
                c11.intoArray(c, (i + 1) * n + j + L);
                c20.intoArray(c, (i + 2) * n + j);
                c21.intoArray(c, (i + 2) * n + j + L);
                c30.intoArray(c, (i + 3) * n + j);
                c31.intoArray(c, (i + 3) * n + j + L);
            }
            for (int r = i; r < i + 4; r++) scalarSums(r, colEnd, n, n, k, a, b, c);
        }
        for (int r = rowEnd; r < m; r++) scalarSums(r, 0, n, n, k, a, b, c);
    }

    /** C[row][j0..j1) by plain dot products: the edges of the tiled rung. */
    private static void scalarSums(int row, int j0, int j1, int n, int k, float[] a, float[] b, float[] c) {
        for (int j = j0; j < j1; j++) {
            float s = 0f;
            for (int p = 0; p < k; p++) s += a[row * k + p] * b[p * n + j];
            c[row * n + j] = s;
        }
    }

    // ---- checking and timing ---------------------------------------------------------------------

    /** The exact product, rounded once to double, and Σ_p|A[i][p]·B[p][j]| for the error bound. */
    public record Reference(double[] c, double[] absSum) {
        /** Largest |C − ref| / (k·u·Σ|A||B|) over all entries: at most 1 for any correct float GEMM. */
        public double errorRatio(float[] got, int k) {
            double worst = 0;
            for (int i = 0; i < c.length; i++) {
                double bound = k * 0x1p-24 * absSum[i];
                double err = Math.abs(got[i] - c[i]);
                if (err == 0) continue;
                worst = Math.max(worst, bound == 0 ? Double.POSITIVE_INFINITY : err / bound);
            }
            return worst;
        }
    }

    public static Reference reference(int m, int n, int k, float[] a, float[] b) {
        double[] c = new double[m * n], abs = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                double aip = a[i * k + p];
                for (int j = 0; j < n; j++) {
                    double t = aip * b[p * n + j];   // exact: a product of two floats fits in a double
                    c[i * n + j] += t;
                    abs[i * n + j] += Math.abs(t);
                }
            }
        }
        return new Reference(c, abs);
    }

    /** Checks every rung on an m×k by k×n product, then times each {@code runs} times after {@code warmupMillis}. */
    public static Result run(PrintStream out, int m, int n, int k, int runs, long warmupMillis, long seed) {
        out.printf("Lesson 6: a GEMM ladder, C[%d×%d] = A[%d×%d]·B[%d×%d], %d float lanes%n", m, n, m, k, k, n, L);
        Rng rng = new Rng(seed);
        float[] a = new float[m * k], b = new float[k * n];
        rng.fillUniform(a, 0, a.length, -1f, 1f);
        rng.fillUniform(b, 0, b.length, -1f, 1f);
        Reference ref = reference(m, n, k, a, b);
        double flops = 2.0 * m * n * k;

        List<Rung> rungs = new ArrayList<>();
        out.println("  rung                                |C − ref| / bound     median time      GFLOP/s");
        int threadsBefore = Parallel.threads();
        for (Step step : steps()) {
            if (step.threads() > 0) Parallel.setThreads(step.threads());
            try {
                float[] c = new float[m * n];
                Arrays.fill(c, Float.NaN);   // so that an entry a rung forgets to write cannot pass
                step.gemm().multiply(m, n, k, a, b, c);
                double ratio = ref.errorRatio(c, k);
                long nanos = Timing.medianNanos(warmupMillis, runs, () -> step.gemm().multiply(m, n, k, a, b, c));
                double gflops = flops / nanos;
                rungs.add(new Rung(step.name(), ratio, nanos, gflops));
                out.printf("  %-34s %10.4f %-6s %12.3f ms %10.2f%n", step.name(), ratio, ratio <= 1 ? "ok" : "WRONG", nanos / 1e6, gflops);
            } finally {
                Parallel.setThreads(threadsBefore);
            }
        }

        // The differentiable op on top of the engine's GEMM gives the same numbers.
        Tensor product = MatMul.matmul(Tensor.wrap(a, m, k), Tensor.wrap(b, k, n));
        out.printf("  MatMul.matmul (the op behind Linear layers): |C − ref| / bound = %.4f%n", ref.errorRatio(product.data(), k));
        out.println("  (coarse System.nanoTime medians on a shared machine: compare the rungs, not the absolute numbers)");
        return new Result(m, n, k, rungs);
    }

    public static void main(String[] args) {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 384;
        run(System.out, size, size, size, 3, 300, 6);
    }
}
