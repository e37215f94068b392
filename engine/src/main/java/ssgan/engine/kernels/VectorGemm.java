package ssgan.engine.kernels;

import jdk.incubator.vector.FloatVector;
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
 *     pack op(B)[pc.., jc..] into B slivers  KC × NR each, k-row after k-row   (stays in L2 / L3)
 *     for ic in m, step MC:
 *       pack op(A)[ic.., pc..] into A slivers  MR × KC each, interleaved by k    (stays in L2)
 *       for each B sliver:
 *         for each piece of KL rows of it:   (stays in L1 while it meets every A sliver)
 *           for each A sliver:
 *             micro-kernel: the sums of C[MR × NR] += A sliver's piece · B piece
 *         C (+)= the sums
 * </pre>
 * The micro-kernel keeps the whole MR × NR tile of C in registers for the KL steps of its loop; each step
 * loads one row of NR floats of B (two vectors), broadcasts MR single floats of A, and issues MR·2
 * independent fused multiply-adds: more independent chains (16) than the FMA pipes need to stay busy
 * (2 pipes × 4 cycles latency), yet few enough that accumulators, B and A fit the 32 vector registers.
 * Packing copies the slivers into the exact order the micro-kernel reads them, so its loads are
 * sequential whatever the transpose flags and leading dimensions; edge slivers are padded with zeros.
 *
 * <h2>Threads and determinism</h2>
 * m or n is cut into contiguous pieces (whole MR rows or NR columns), one per thread, and each thread
 * runs the scheme above on its piece with its own packing buffers; the operand not cut is packed by
 * every thread, so the cut goes through the one that is costlier to pack (see {@code splitRows}).
 * (Sharing one packed B between the threads was tried: with the panel packed by the other core and
 * two hand-offs per panel it ran slower on every shape of the MLP.) Every C element is
 * summed in the same order (KC slices in turn, each slice sequential in k) whatever the piece it falls
 * in, so the output is bitwise the same for any thread count.
 *
 * <h2>Small and thin problems</h2>
 * Packing pays only when each packed value is reused often. Tiny problems (under 32³ multiply-adds) and
 * thin ones (fewer than MR rows, e.g. a linear layer on a batch of one) run unpacked vector loops
 * instead: rows of B scaled and added into rows of C, or, when B is transposed, dot products; these split
 * over columns when large. Below 160³ multiply-adds everything stays on the calling thread.
 */
public final class VectorGemm implements GemmKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    // region block-sizes (copied into docs/book/03-gemm.md; DocsJavaFenceTest checks the copy)
    /** Micro-tile: MR rows × NR columns of C held in 2·MR vector registers. */
    static final int MR = 8;
    static final int NR = 2 * L;
    /**
     * Cache blocks, for 16 lanes: a KC×NR B sliver (64 KiB) sits in L2 beside the MC×KC A block
     * (320 KiB), and its KL-row pieces (32 KiB) in the 48 KiB L1; the KC×NC B panel (up to 4 MiB) sits
     * in L2 or L3. Measured here: 8 rows beat 6 (fewer loads per FMA). 12 rows ran at half speed on the
     * first machine; on a later one the 12-row kernel alone ran 8 % faster from L1, yet the whole products
     * were level (a 100-row batch's edge sliver wastes 8 of 108 rows instead of 4 of 104). KC 512
     * beat 256, whose B sliver fit L1, on every shape tried (alternating runs on a noisy machine): the
     * convolution layers' forwards by 5–10 % (d2 3.6–3.7 against 4.0–4.1 ms), the MLP's training step
     * (median of three 33.6 against 36.5 ms), a 512³ product on one thread (1.32–1.36 against 1.45–1.89
     * ms). Fewer k slices mean fewer trips of each C tile through memory, which matters for the long k of
     * the convolutions.
     */
    static final int KC = 512;
    /**
     * Rows of a B sliver per pass over the A slivers, so that the piece (KL × NR, 32 KiB) stays in the
     * 48 KiB L1 beside an A piece (8 KiB) while a KC slice stays one sum per C value: each tile's
     * accumulators wait between pieces in the workspace, a float saved and read back exactly, so the
     * results are those of whole slivers, bit for bit. Measured on 2026-12-05's Intel machine
     * (MlpProductsBenchmark, two threads, two alternating rounds): the MLP's forward products 4–9 % faster
     * than in one piece of 512, the input and weight gradients 1–4 %; pieces of 128 were between the two.
     */
    static final int KL = 256;
    static final int MC = 20 * MR;
    static final int NC = 64 * NR;
    // endregion

    /** Below this many multiply-adds packing does not pay: unpacked loops, one thread. */
    private static final long SMALL_WORK = 32L * 32 * 32;
    /**
     * Below this many multiply-adds a second thread costs more than it saves: handing a chunk to a pool
     * worker was measured at 7 µs at best and far more when the worker had gone to sleep, while 160³
     * multiply-adds take about 45 µs on one core.
     */
    private static final long PARALLEL_WORK = 160L * 160 * 160;

    /** Each thread's packing buffers, grown on demand and then reused by every call. */
    private static final class Workspace {
        float[] a = new float[0];
        float[] b = new float[0];
        final float[] tiles = new float[MC * NR];   // one MR × NR tile per A sliver of a block
        final int[] rowStarts = new int[L];
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
            packedParallel(transA, m, n, k, a, aOff, lda, BSource.stored(transB, b, bOff, ldb), Out.dense(c, cOff, ldc), accumulate, work);
        }
    }

    /**
     * An implicit B is packed straight from its source, sliver by sliver; only problems too small or too
     * thin to pack take the default route through a written-out B.
     */
    @Override
    public void gemm(boolean transA, int m, int n, int k, float[] a, int aOff, int lda,
                     ImplicitMatrix b, float[] c, int cOff, int ldc, boolean accumulate) {
        long work = (long) m * n * k;
        if (m < MR || n <= 0 || k <= 0 || work <= SMALL_WORK) {
            GemmKernel.super.gemm(transA, m, n, k, a, aOff, lda, b, c, cOff, ldc, accumulate);
        } else {
            packedParallel(transA, m, n, k, a, aOff, lda, BSource.implicit(b), Out.dense(c, cOff, ldc), accumulate, work);
        }
    }

    /** An implicit B into a C in blocks of columns: each tile is stored straight to its place, in runs that end at the blocks' edges. */
    @Override
    public void gemm(boolean transA, int m, int n, int k, float[] a, int aOff, int lda,
                     ImplicitMatrix b, float[] c, int cOff, int ldc, int block, int blockStride, boolean accumulate) {
        long work = (long) m * n * k;
        if (m < MR || n <= 0 || k <= 0 || work <= SMALL_WORK) {
            GemmKernel.super.gemm(transA, m, n, k, a, aOff, lda, b, c, cOff, ldc, block, blockStride, accumulate);
        } else {
            packedParallel(transA, m, n, k, a, aOff, lda, BSource.implicit(b), new Out(c, cOff, ldc, 0, block, blockStride), accumulate, work);
        }
    }

    /**
     * Where C's entries go: (i, j) at {@code c[off + i·ldc + (col0 + j) / block · blockStride + (col0 + j) % block]}.
     * A plain row-major C is one block as wide as any matrix; a convolution's NCHW output has a block per image.
     */
    private record Out(float[] c, int off, int ldc, int col0, int block, int blockStride) {
        /** The block of a plain C: wider than any matrix. */
        static final int WHOLE = Integer.MAX_VALUE;

        static Out dense(float[] c, int off, int ldc) {
            return new Out(c, off, ldc, 0, WHOLE, 0);
        }

        /** The same C from row i on. */
        Out fromRow(int i) {
            return new Out(c, off + i * ldc, ldc, col0, block, blockStride);
        }

        /** The same C from column j on. */
        Out fromColumn(int j) {
            return new Out(c, off, ldc, col0 + j, block, blockStride);
        }
    }

    /**
     * op(B) as the packing reads it: a stored matrix (transposed or not, at an offset with a leading
     * dimension), or an implicit one whose columns start at {@code col0}.
     */
    private record BSource(boolean trans, float[] b, int off, int ld, ImplicitMatrix implicit, int col0) {
        static BSource stored(boolean trans, float[] b, int off, int ld) {
            return new BSource(trans, b, off, ld, null, 0);
        }

        static BSource implicit(ImplicitMatrix matrix) {
            return new BSource(false, null, 0, 0, matrix, 0);
        }

        /** The same operand from column j on. */
        BSource fromColumn(int j) {
            return implicit != null ? new BSource(false, null, 0, 0, implicit, col0 + j)
                    : new BSource(trans, b, off + (trans ? j * ld : j), ld, null, 0);
        }

        /** Whether packing it is a strided gather rather than a copy of rows. */
        boolean gathered() {
            return trans || implicit != null;
        }
    }

    // ---------------------------------------------------------------- packed, blocked path

    private static void packedParallel(boolean transA, int m, int n, int k, float[] a, int aOff, int lda, BSource b,
                                       Out c, boolean accumulate, long work) {
        boolean splitRows = splitRows(transA, b.gathered(), m, n);
        int units = splitRows ? ceilDiv(m, MR) : ceilDiv(n, NR);
        if (work < PARALLEL_WORK || Parallel.chunks(units, 1) == 1) {
            packed(transA, m, n, k, a, aOff, lda, b, c, accumulate);
            return;
        }
        Parallel.forRange(units, 1, (chunk, u0, u1) -> {
            if (splitRows) {
                int i0 = u0 * MR, i1 = Math.min(m, u1 * MR);
                packed(transA, i1 - i0, n, k, a, aOff + (transA ? i0 : i0 * lda), lda, b, c.fromRow(i0), accumulate);
            } else {
                int j0 = u0 * NR, j1 = Math.min(n, u1 * NR);
                packed(transA, m, j1 - j0, k, a, aOff, lda, b.fromColumn(j0), c.fromColumn(j0), accumulate);
            }
        });
    }

    /**
     * Whether the threads take pieces of the rows (each then packs all of op(B)) or of the columns (each
     * packs all of op(A)). Packing a transposed or implicit operand gathers it element by element, several
     * times slower than copying rows, so the gathered one is the one to split; otherwise the larger
     * dimension, as long as it gives every thread a piece.
     */
    private static boolean splitRows(boolean transA, boolean gatheredB, int m, int n) {
        int enough = 2 * Parallel.threads();
        boolean rowsSplit = ceilDiv(m, MR) >= enough, columnsSplit = ceilDiv(n, NR) >= enough;
        if (transA != gatheredB && rowsSplit && columnsSplit) return transA;
        if (rowsSplit != columnsSplit) return rowsSplit;
        return m >= n;
    }

    // region blocked-loops (copied into docs/book/03-gemm.md; DocsJavaFenceTest checks the copy)
    /** The blocked loops of the class comment, on the calling thread. */
    private static void packed(boolean transA, int m, int n, int k, float[] a, int aOff, int lda, BSource b,
                               Out c, boolean accumulate) {
        Workspace ws = WORKSPACE.get();
        int aSize = Math.min(k, KC) * roundUp(Math.min(m, MC), MR);
        int bSize = Math.min(k, KC) * roundUp(Math.min(n, NC), NR);
        if (ws.a.length < aSize) ws.a = new float[aSize];
        if (ws.b.length < bSize) ws.b = new float[bSize];
        float[] ap = ws.a, bp = ws.b, tiles = ws.tiles;

        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean add = accumulate || pc > 0;  // later k slices add onto the earlier ones
                packB(b, pc, jc, kc, nc, bp, ws.rowStarts);
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    packA(transA, a, aOff, lda, ic, pc, mc, kc, ap);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        // The B sliver in pieces of KL rows that fit L1 beside an A piece; the tiles' sums
                        // wait in `tiles` between pieces, so each C value is still one sum over the slice.
                        for (int p0 = 0; p0 < kc; p0 += KL) {
                            int kl = Math.min(KL, kc - p0);
                            for (int ir = 0; ir < mc; ir += MR) {
                                int t = ir * NR;   // this A sliver's tile
                                microKernel(kl, ap, ir * kc + p0 * MR, bp, jr * kc + p0 * NR, tiles, t, p0 > 0);
                                if (p0 + kl == kc) storeTile(tiles, t, Math.min(MR, mc - ir), nr, c, ic + ir, jc + jr, add);
                            }
                        }
                    }
                }
            }
        }
    }
    // endregion

    /**
     * The MR × NR tile at tile[t..] = A piece · B piece over kc steps, added to what the tile holds when
     * {@code resume} (the sums of the sliver's earlier pieces). The A sliver holds, for each p, the MR values
     * of column p side by side; the B sliver, for each p, the NR values of row p. The 16 accumulators stay
     * in registers for all kc steps. (Writing to a small tile rather than into C keeps this method small
     * enough for the JIT to compile every vector operation into a machine instruction; the copies cost
     * little next to 2·kc·MR·NR flops.)
     */
    // region micro-kernel (copied into docs/book/03-gemm.md; DocsJavaFenceTest checks the copy)
    private static void microKernel(int kc, float[] ap, int ai, float[] bp, int bi, float[] tile, int t, boolean resume) {
        FloatVector c00 = acc(tile, t, resume), c01 = acc(tile, t + L, resume);
        FloatVector c10 = acc(tile, t + NR, resume), c11 = acc(tile, t + NR + L, resume);
        FloatVector c20 = acc(tile, t + 2 * NR, resume), c21 = acc(tile, t + 2 * NR + L, resume);
        FloatVector c30 = acc(tile, t + 3 * NR, resume), c31 = acc(tile, t + 3 * NR + L, resume);
        FloatVector c40 = acc(tile, t + 4 * NR, resume), c41 = acc(tile, t + 4 * NR + L, resume);
        FloatVector c50 = acc(tile, t + 5 * NR, resume), c51 = acc(tile, t + 5 * NR + L, resume);
        FloatVector c60 = acc(tile, t + 6 * NR, resume), c61 = acc(tile, t + 6 * NR + L, resume);
        FloatVector c70 = acc(tile, t + 7 * NR, resume), c71 = acc(tile, t + 7 * NR + L, resume);
        // Step p reads B's row p (NR values at bq) and A's MR values of column p, side by side at aq.
        for (int aq = ai, bq = bi, end = ai + kc * MR; aq < end; aq += MR, bq += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bq);
            FloatVector b1 = FloatVector.fromArray(S, bp, bq + L);
            FloatVector ar;  // one element of A, in every lane
            ar = FloatVector.broadcast(S, ap[aq]);     c00 = ar.fma(b0, c00); c01 = ar.fma(b1, c01);
            ar = FloatVector.broadcast(S, ap[aq + 1]); c10 = ar.fma(b0, c10); c11 = ar.fma(b1, c11);
            ar = FloatVector.broadcast(S, ap[aq + 2]); c20 = ar.fma(b0, c20); c21 = ar.fma(b1, c21);
            ar = FloatVector.broadcast(S, ap[aq + 3]); c30 = ar.fma(b0, c30); c31 = ar.fma(b1, c31);
            ar = FloatVector.broadcast(S, ap[aq + 4]); c40 = ar.fma(b0, c40); c41 = ar.fma(b1, c41);
            ar = FloatVector.broadcast(S, ap[aq + 5]); c50 = ar.fma(b0, c50); c51 = ar.fma(b1, c51);
            ar = FloatVector.broadcast(S, ap[aq + 6]); c60 = ar.fma(b0, c60); c61 = ar.fma(b1, c61);
            ar = FloatVector.broadcast(S, ap[aq + 7]); c70 = ar.fma(b0, c70); c71 = ar.fma(b1, c71);
        }
        c00.intoArray(tile, t);          c01.intoArray(tile, t + L);
        c10.intoArray(tile, t + NR);     c11.intoArray(tile, t + NR + L);
        c20.intoArray(tile, t + 2 * NR); c21.intoArray(tile, t + 2 * NR + L);
        c30.intoArray(tile, t + 3 * NR); c31.intoArray(tile, t + 3 * NR + L);
        c40.intoArray(tile, t + 4 * NR); c41.intoArray(tile, t + 4 * NR + L);
        c50.intoArray(tile, t + 5 * NR); c51.intoArray(tile, t + 5 * NR + L);
        c60.intoArray(tile, t + 6 * NR); c61.intoArray(tile, t + 6 * NR + L);
        c70.intoArray(tile, t + 7 * NR); c71.intoArray(tile, t + 7 * NR + L);
    }

    /** An accumulator's start: zero, or where the previous piece of the slice left it (a float saved and read back exactly). */
    private static FloatVector acc(float[] tile, int at, boolean resume) {
        return resume ? FloatVector.fromArray(S, tile, at) : FloatVector.zero(S);
    }
    // endregion

    /**
     * C[i0.., j0..][mr×nr] = tile, or C += tile when {@code add}: in runs of columns that lie in one block
     * of C (the whole width for a plain C), each row of a run as whole vectors, then single floats.
     */
    private static void storeTile(float[] tile, int t, int mr, int nr, Out c, int i0, int j0, boolean add) {
        if (c.block() == Out.WHOLE) {   // a plain C: one run, and no divisions
            storeRun(tile, t, mr, nr, c.c(), c.off() + i0 * c.ldc() + c.col0() + j0, c.ldc(), add);
            return;
        }
        for (int done = 0; done < nr; ) {
            int j = c.col0() + j0 + done;
            int run = Math.min(nr - done, c.block() - j % c.block());
            int ci = c.off() + i0 * c.ldc() + j / c.block() * c.blockStride() + j % c.block();
            storeRun(tile, t + done, mr, run, c.c(), ci, c.ldc(), add);
            done += run;
        }
    }

    /** C[mr×run] at c[ci..] (row stride ldc) = the tile's columns from t on, or += them when {@code add}. */
    private static void storeRun(float[] tile, int t, int mr, int run, float[] c, int ci, int ldc, boolean add) {
        for (int r = 0; r < mr; r++, ci += ldc) {
            int j = 0, row = t + r * NR;
            for (; j <= run - L; j += L) {
                FloatVector v = FloatVector.fromArray(S, tile, row + j);
                if (add) v = v.add(FloatVector.fromArray(S, c, ci + j));
                v.intoArray(c, ci + j);
            }
            for (; j < run; j++) c[ci + j] = add ? c[ci + j] + tile[row + j] : tile[row + j];
        }
    }

    /** Packs op(A)[ic..ic+mc, pc..pc+kc] as slivers of MR rows, interleaved by k: dst[s·MR·kc + p·MR + r]; missing rows are 0. */
    private static void packA(boolean transA, float[] a, int aOff, int lda, int ic, int pc, int mc, int kc, float[] dst) {
        if (transA) {  // op(A)[i, p] = a[p·lda + i]: row p of the stored A holds column p of every sliver
            int whole = mc / MR * MR;
            for (int p = 0; p < kc; p++) {
                int src = aOff + (pc + p) * lda + ic;  // read along memory, MR values to each sliver in turn
                for (int ir = 0; ir < whole; ir += MR) {
                    int at = ir * kc + p * MR;
                    for (int r = 0; r < MR; r++) dst[at + r] = a[src + ir + r];
                }
                if (whole < mc) {
                    int at = whole * kc + p * MR;
                    for (int r = 0; r < MR; r++) dst[at + r] = whole + r < mc ? a[src + whole + r] : 0f;
                }
            }
            return;
        }
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int sliver = ir * kc;
            for (int r = 0; r < MR; r++) {  // op(A)[i, p] = a[i·lda + p]: one contiguous row, spread MR apart
                if (r >= mr) {
                    for (int p = 0; p < kc; p++) dst[sliver + p * MR + r] = 0f;
                    continue;
                }
                int src = aOff + (ic + ir + r) * lda + pc;
                for (int p = 0; p < kc; p++) dst[sliver + p * MR + r] = a[src + p];
            }
        }
    }

    /**
     * Packs op(B)[pc..pc+kc, jc..jc+nc] as slivers of NR columns: dst[s·kc·NR + p·NR + j]; missing columns
     * are 0. An implicit B writes its slivers itself. {@code rowStarts} is scratch for the gather offsets
     * of a transposed B.
     */
    private static void packB(BSource source, int pc, int jc, int kc, int nc, float[] dst, int[] rowStarts) {
        if (source.implicit() != null) {
            for (int jr = 0; jr < nc; jr += NR) {
                source.implicit().pack(pc, kc, source.col0() + jc + jr, Math.min(NR, nc - jr), NR, dst, jr * kc);
            }
            return;
        }
        boolean transB = source.trans();
        float[] b = source.b();
        int bOff = source.off(), ldb = source.ld();
        for (int j = 0; j < L; j++) rowStarts[j] = j * ldb;
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
            if (transB && nr == NR) {  // op(B)[p, j] = b[j·ldb + p]: gather one element from each of L stored rows
                                       // (measured ~15% faster than scalar copies for a 64×256×784 A·Bᵀ)
                int src = bOff + (jc + jr) * ldb + pc;
                for (int p = 0; p < kc; p++) {
                    FloatVector.fromArray(S, b, src + p, rowStarts, 0).intoArray(dst, base + p * NR);
                    FloatVector.fromArray(S, b, src + L * ldb + p, rowStarts, 0).intoArray(dst, base + p * NR + L);
                }
                continue;
            }
            // An edge sliver: the nr columns there are, then zeros. Row by row, so that the reads of an
            // untransposed B and every write run along memory; a transposed B's first L columns, when
            // there are that many, are gathered as in a whole sliver.
            int gathered = transB && nr >= L ? L : 0;
            for (int p = 0; p < kc; p++) {
                int at = base + p * NR;
                if (gathered > 0) FloatVector.fromArray(S, b, bOff + (jc + jr) * ldb + pc + p, rowStarts, 0).intoArray(dst, at);
                if (transB) {
                    for (int j = gathered; j < nr; j++) dst[at + j] = b[bOff + (jc + jr + j) * ldb + pc + p];
                } else {
                    int src = bOff + (pc + p) * ldb + jc + jr;
                    for (int j = 0; j < nr; j++) dst[at + j] = b[src + j];
                }
                java.util.Arrays.fill(dst, at + nr, at + NR, 0f);
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
        float[] lanes = new float[L];
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * lda;
            for (int j = j0; j < j1; j++) {
                int bi = bOff + j * ldb;
                FloatVector acc = FloatVector.zero(S);
                int p = 0;
                for (; p <= k - L; p += L) {
                    acc = FloatVector.fromArray(S, a, ai + p).fma(FloatVector.fromArray(S, b, bi + p), acc);
                }
                // Lanes added in lane order: reduceLanes(ADD) may add them in another order once compiled.
                acc.intoArray(lanes, 0);
                float sum = 0f;
                for (int l = 0; l < L; l++) sum += lanes[l];
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
