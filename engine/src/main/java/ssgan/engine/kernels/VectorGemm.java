package ssgan.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import ssgan.engine.parallel.Parallel;

/**
 * GEMM with the Vector API, blocked for the caches in the way of Goto's algorithm (as in BLIS and
 * OpenBLAS). Same contract as {@link ScalarGemm}; see {@link GemmKernel}.
 *
 * <h2>The blocking scheme</h2>
 * A multiply does 2·m·n·k flops on only m·k + k·n inputs, so every input value can be reused many
 * times; the whole game is to reuse it while it is still close to the arithmetic units.
 * <pre>
 * for jc in n, step NC:                      an NC-column strip of op(B) and C
 *   for pc in k, step KC:                    a KC-long slice of the k summation
 *     pack op(B)[pc.., jc..] into B slivers  KC × NR each, row after row        (stays in L2 / L3)
 *     for ic in m, step MC:
 *       pack op(A)[ic.., pc..] into A slivers  KC × MR each, column after column (stays in L2)
 *       for each B sliver:                   (stays in L1 while it meets every A sliver)
 *         for each A sliver:
 *           micro-kernel: C[MR × NR] (+)= A sliver · B sliver
 * </pre>
 * The micro-kernel keeps the whole MR × NR tile of C in registers for the KC steps of its loop; each step
 * loads one row of NR floats of B (two vectors), broadcasts MR single floats of A, and issues MR·2
 * independent fused multiply-adds: enough independent chains to keep both FMA pipes busy.
 * Packing copies the slivers into the exact order the micro-kernel reads them, so its loads are
 * sequential whatever the transpose flags and leading dimensions; edge slivers are padded with zeros.
 *
 * <h2>Threads and determinism</h2>
 * The larger of m and n is cut into contiguous pieces (whole MR rows or NR columns), one per thread,
 * and each thread runs the scheme above on its piece with its own packing buffers. Every C element is
 * summed in the same order (KC slices in turn, each slice sequential in k) whatever the piece it falls
 * in, so the output is bitwise the same for any thread count.
 *
 * <p>Small problems skip all this: they run an unpacked loop on one thread (see {@link #gemm}).
 */
public final class VectorGemm implements GemmKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** Micro-tile: MR rows × NR columns of C held in 2·MR vector registers. */
    static final int MR = 6;
    static final int NR = 2 * L;
    /** Cache blocks: a KC×NR B sliver (32 KiB at 16 lanes) fits L1; an MC×KC A block (120 KiB) fits L2. */
    static final int KC = 256;
    static final int MC = 20 * MR;
    static final int NC = 64 * NR;

    /** Below this many multiply-adds packing does not pay: unpacked loops, one thread. */
    private static final long SMALL_WORK = 32L * 32 * 32;
    /** Below this many multiply-adds a second thread costs more than it saves. */
    private static final long PARALLEL_WORK = 64L * 64 * 64;

    /** Each thread's packing buffers, grown on demand and then reused by every call. */
    private static final class Workspace {
        float[] a = new float[0];
        float[] b = new float[0];
        final float[] tile = new float[MR * NR];
    }

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc,
                     boolean accumulate) {
        if (m <= 0 || n <= 0) return;
        if (k <= 0) {
            if (!accumulate) for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            return;
        }
        long work = (long) m * n * k;
        boolean unpacked = work <= SMALL_WORK || m < MR;  // few rows: each B value is used too few times to pack
        if (unpacked && !transB) {
            forColumns(n, work, (j0, j1) -> axpyRows(transA, m, j0, j1, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate));
        } else if (unpacked && !transA) {
            forColumns(n, work, (j0, j1) -> dotRows(m, j0, j1, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate));
        } else {
            packedParallel(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, work);
        }
    }

    // ---------------------------------------------------------------- packed, blocked path

    private static void packedParallel(boolean transA, boolean transB, int m, int n, int k,
                                       float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                       float[] c, int cOff, int ldc, boolean accumulate, long work) {
        boolean splitRows = m >= n;
        int units = splitRows ? ceilDiv(m, MR) : ceilDiv(n, NR);
        if (work < PARALLEL_WORK || Parallel.chunks(units, 1) == 1) {
            packed(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            return;
        }
        Parallel.forRange(units, 1, (chunk, u0, u1) -> {
            if (splitRows) {
                int i0 = u0 * MR, i1 = Math.min(m, u1 * MR);
                packed(transA, transB, i1 - i0, n, k, a, aOff + (transA ? i0 : i0 * lda), lda,
                        b, bOff, ldb, c, cOff + i0 * ldc, ldc, accumulate);
            } else {
                int j0 = u0 * NR, j1 = Math.min(n, u1 * NR);
                packed(transA, transB, m, j1 - j0, k, a, aOff, lda,
                        b, bOff + (transB ? j0 * ldb : j0), ldb, c, cOff + j0, ldc, accumulate);
            }
        });
    }

    /** The blocked loops of the class comment, on the calling thread. */
    private static void packed(boolean transA, boolean transB, int m, int n, int k,
                               float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                               float[] c, int cOff, int ldc, boolean accumulate) {
        Workspace ws = WORKSPACE.get();
        int aSize = Math.min(k, KC) * roundUp(Math.min(m, MC), MR);
        int bSize = Math.min(k, KC) * roundUp(Math.min(n, NC), NR);
        if (ws.a.length < aSize) ws.a = new float[aSize];
        if (ws.b.length < bSize) ws.b = new float[bSize];
        float[] ap = ws.a, bp = ws.b, tile = ws.tile;

        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean add = accumulate || pc > 0;  // later k slices add onto the earlier ones
                packB(transB, b, bOff, ldb, pc, jc, kc, nc, bp);
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    packA(transA, a, aOff, lda, ic, pc, mc, kc, ap);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        for (int ir = 0; ir < mc; ir += MR) {
                            int mr = Math.min(MR, mc - ir);
                            int ci = cOff + (ic + ir) * ldc + jc + jr;
                            if (mr == MR && nr == NR) {
                                microKernel(kc, ap, ir * kc, bp, jr * kc, c, ci, ldc, add);
                            } else {  // edge tile: compute the full padded tile aside, keep its valid part
                                microKernel(kc, ap, ir * kc, bp, jr * kc, tile, 0, NR, false);
                                for (int r = 0; r < mr; r++) {
                                    for (int j = 0; j < nr; j++) {
                                        int at = ci + r * ldc + j;
                                        c[at] = add ? c[at] + tile[r * NR + j] : tile[r * NR + j];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * C[MR×NR] (+)= A sliver · B sliver. The sliver of A holds, for each p, MR values of column p;
     * the sliver of B holds, for each p, NR values of row p. The 12 accumulators never leave registers.
     */
    private static void microKernel(int kc, float[] ap, int ai, float[] bp, int bi,
                                    float[] c, int ci, int ldc, boolean add) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++, ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector a;
            a = FloatVector.broadcast(S, ap[ai]);     c00 = a.fma(b0, c00); c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[ai + 1]); c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[ai + 2]); c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[ai + 3]); c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, ap[ai + 4]); c40 = a.fma(b0, c40); c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, ap[ai + 5]); c50 = a.fma(b0, c50); c51 = a.fma(b1, c51);
        }
        storeRow(c00, c01, c, ci, add);
        storeRow(c10, c11, c, ci + ldc, add);
        storeRow(c20, c21, c, ci + 2 * ldc, add);
        storeRow(c30, c31, c, ci + 3 * ldc, add);
        storeRow(c40, c41, c, ci + 4 * ldc, add);
        storeRow(c50, c51, c, ci + 5 * ldc, add);
    }

    private static void storeRow(FloatVector v0, FloatVector v1, float[] c, int ci, boolean add) {
        if (add) {
            v0 = v0.add(FloatVector.fromArray(S, c, ci));
            v1 = v1.add(FloatVector.fromArray(S, c, ci + L));
        }
        v0.intoArray(c, ci);
        v1.intoArray(c, ci + L);
    }

    /** Packs op(A)[ic..ic+mc, pc..pc+kc] as slivers of MR rows: dst[s·kc·MR + p·MR + r]; missing rows are 0. */
    private static void packA(boolean transA, float[] a, int aOff, int lda, int ic, int pc, int mc, int kc, float[] dst) {
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int base = ir * kc;
            for (int r = 0; r < MR; r++) {
                int i = ic + ir + r;
                if (r >= mr) {
                    for (int p = 0; p < kc; p++) dst[base + p * MR + r] = 0f;
                } else if (transA) {  // op(A)[i, p] = a[p·lda + i]
                    for (int p = 0; p < kc; p++) dst[base + p * MR + r] = a[aOff + (pc + p) * lda + i];
                } else {              // op(A)[i, p] = a[i·lda + p]: one contiguous row
                    int src = aOff + i * lda + pc;
                    for (int p = 0; p < kc; p++) dst[base + p * MR + r] = a[src + p];
                }
            }
        }
    }

    /** Packs op(B)[pc..pc+kc, jc..jc+nc] as slivers of NR columns: dst[s·kc·NR + p·NR + j]; missing columns are 0. */
    private static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int jc, int kc, int nc, float[] dst) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int base = jr * kc;
            if (!transB && nr == NR) {  // op(B)[p, j] = b[p·ldb + j]: NR contiguous floats per p
                for (int p = 0; p < kc; p++) {
                    int src = bOff + (pc + p) * ldb + jc + jr;
                    FloatVector.fromArray(S, b, src).intoArray(dst, base + p * NR);
                    FloatVector.fromArray(S, b, src + L).intoArray(dst, base + p * NR + L);
                }
                continue;
            }
            for (int j = 0; j < NR; j++) {
                int col = jc + jr + j;
                if (j >= nr) {
                    for (int p = 0; p < kc; p++) dst[base + p * NR + j] = 0f;
                } else if (transB) {  // op(B)[p, j] = b[j·ldb + p]: one contiguous row of the stored B
                    int src = bOff + col * ldb + pc;
                    for (int p = 0; p < kc; p++) dst[base + p * NR + j] = b[src + p];
                } else {
                    for (int p = 0; p < kc; p++) dst[base + p * NR + j] = b[bOff + (pc + p) * ldb + col];
                }
            }
        }
    }

    // ---------------------------------------------------------------- unpacked path for small problems

    @FunctionalInterface
    private interface ColumnRange {
        void run(int j0, int j1);
    }

    /** Runs {@code body} on column ranges: split across threads only when the work is large (few rows, many columns). */
    private static void forColumns(int n, long work, ColumnRange body) {
        if (work < PARALLEL_WORK || Parallel.chunks(n, 4 * L) <= 1) {
            body.run(0, n);
        } else {
            Parallel.forRange(n, 4 * L, (chunk, j0, j1) -> body.run(j0, j1));
        }
    }

    /** C[i, j0..j1) (+)= Σ_p op(A)[i, p] · B[p, j0..j1): rows of B scaled and added, vectorized along j. */
    private static void axpyRows(boolean transA, int m, int j0, int j1, int k,
                                 float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                 float[] c, int cOff, int ldc, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (!accumulate) java.util.Arrays.fill(c, ci + j0, ci + j1, 0f);
            for (int p = 0; p < k; p++) {
                float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                FloatVector va = FloatVector.broadcast(S, av);
                int bi = bOff + p * ldb;
                int j = j0;
                for (; j <= j1 - L; j += L) {
                    va.fma(FloatVector.fromArray(S, b, bi + j), FloatVector.fromArray(S, c, ci + j)).intoArray(c, ci + j);
                }
                for (; j < j1; j++) c[ci + j] = Math.fma(av, b[bi + j], c[ci + j]);
            }
        }
    }

    /** C[i, j] (+)= row i of A · row j of the stored B (op(B) = Bᵀ, op(A) = A): vectorized dot products. */
    private static void dotRows(int m, int j0, int j1, int k,
                                float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                float[] c, int cOff, int ldc, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * lda;
            for (int j = j0; j < j1; j++) {
                int bi = bOff + j * ldb;
                FloatVector acc = FloatVector.zero(S);
                int p = 0;
                for (; p <= k - L; p += L) {
                    acc = FloatVector.fromArray(S, a, ai + p).fma(FloatVector.fromArray(S, b, bi + p), acc);
                }
                float sum = acc.reduceLanes(VectorOperators.ADD);
                for (; p < k; p++) sum = Math.fma(a[ai + p], b[bi + p], sum);
                int at = cOff + i * ldc + j;
                c[at] = accumulate ? c[at] + sum : sum;
            }
        }
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    private static int roundUp(int x, int y) {
        return ceilDiv(x, y) * y;
    }
}
