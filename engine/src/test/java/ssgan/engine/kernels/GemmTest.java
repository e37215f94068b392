package ssgan.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import ssgan.engine.parallel.Parallel;
import ssgan.engine.tensor.Rng;

/**
 * Both GEMM kernels against a double-precision reference, on random shapes (most not multiples of the
 * vector length or the micro-tile), every transpose form, offsets and leading dimensions with slack,
 * with and without accumulation; plus determinism and the degenerate sizes.
 */
class GemmTest {
    private static final GemmKernel[] KERNELS = {new ScalarGemm(), new VectorGemm()};
    private static final boolean[] BOOLS = {false, true};
    /** Unit round-off of float32. */
    private static final double U = Math.ulp(1f) / 2;

    /**
     * One multiply laid out inside larger arrays, with slack around every matrix. C's columns may come in
     * blocks (see {@link GemmKernel}): block b of {@code block} columns starts {@code b·blockStride} after
     * cOff; a plain C is one block.
     */
    private static final class Problem {
        final boolean transA, transB, accumulate;
        final int m, n, k, aOff, lda, bOff, ldb, cOff, ldc, block, blockStride;
        final float[] a, b, c0;

        Problem(Rng rng, boolean transA, boolean transB, int m, int n, int k, boolean accumulate) {
            this(rng, transA, transB, m, n, k, Math.max(1, n), -1, accumulate);
        }

        /** With C in blocks of {@code block} columns, {@code gap} floats apart (-1: a plain C; 0: back to back, as NCHW). */
        Problem(Rng rng, boolean transA, boolean transB, int m, int n, int k, int block, int gap, boolean accumulate) {
            this.transA = transA;
            this.transB = transB;
            this.accumulate = accumulate;
            this.m = m;
            this.n = n;
            this.k = k;
            aOff = rng.nextInt(5);
            bOff = rng.nextInt(5);
            cOff = rng.nextInt(5);
            lda = Math.max(1, (transA ? m : k) + rng.nextInt(4));
            ldb = Math.max(1, (transB ? k : n) + rng.nextInt(4));
            this.block = block;
            ldc = gap == 0 ? block : Math.max(1, block + rng.nextInt(4));
            blockStride = gap < 0 ? 0 : m * ldc + gap;
            a = randomArray(rng, aOff + (transA ? k : m) * lda + 3);
            b = randomArray(rng, bOff + (transB ? n : k) * ldb + 3);
            c0 = randomArray(rng, cOff + (n - 1) / block * blockStride + m * ldc + 3);
        }

        /** Where C's entry (i, j) lies. */
        int cIndex(int i, int j) {
            return cOff + j / block * blockStride + i * ldc + j % block;
        }

        float[] run(GemmKernel kernel) {
            float[] c = c0.clone();
            kernel.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            return c;
        }

        /** The same product with op(B) handed over as an {@link ImplicitMatrix} that reads it element by element. */
        float[] runImplicit(GemmKernel kernel) {
            float[] c = c0.clone();
            kernel.gemm(transA, m, n, k, a, aOff, lda, implicitB(), c, cOff, ldc, accumulate);
            return c;
        }

        /** The implicit product into C's blocks of columns. */
        float[] runImplicitIntoBlocks(GemmKernel kernel) {
            float[] c = c0.clone();
            kernel.gemm(transA, m, n, k, a, aOff, lda, implicitB(), c, cOff, ldc, block, blockStride, accumulate);
            return c;
        }

        ImplicitMatrix implicitB() {
            return new ImplicitMatrix() {
                @Override
                public int rows() {
                    return k;
                }

                @Override
                public int columns() {
                    return n;
                }

                @Override
                public void pack(int row0, int rowCount, int col0, int colCount, int width, float[] dst, int off) {
                    for (int p = 0; p < rowCount; p++) {
                        for (int j = 0; j < width; j++) dst[off + p * width + j] = j < colCount ? opB(row0 + p, col0 + j) : 0f;
                    }
                }
            };
        }

        float opA(int i, int p) {
            return transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
        }

        float opB(int p, int j) {
            return transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
        }

        boolean[] inC() {
            boolean[] in = new boolean[c0.length];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) in[cIndex(i, j)] = true;
            }
            return in;
        }

        /**
         * Checks c against the double reference. The float32 error bound of a k-term sum is about
         * k·u·Σ|a·b|; (k + 2)·u·(Σ|a·b| + |c0|) covers accumulation into C too, and is still far
         * below the size of one missing or misplaced term.
         */
        void check(String what, float[] c) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int at = cIndex(i, j);
                    double expected = accumulate ? c0[at] : 0, magnitude = accumulate ? Math.abs(c0[at]) : 0;
                    for (int p = 0; p < k; p++) {
                        double term = (double) opA(i, p) * opB(p, j);
                        expected += term;
                        magnitude += Math.abs(term);
                    }
                    double tolerance = (k + 2) * U * magnitude + Float.MIN_NORMAL;
                    if (!(Math.abs(c[at] - expected) <= tolerance)) {
                        fail(String.format("%s: C[%d,%d] expected %.8g, got %.8g (tolerance %.3g)", what, i, j, expected, c[at], tolerance));
                    }
                }
            }
            boolean[] inC = inC();
            for (int at = 0; at < c.length; at++) {
                if (!inC[at] && Float.floatToRawIntBits(c[at]) != Float.floatToRawIntBits(c0[at])) {
                    fail(what + ": wrote outside C at array index " + at);
                }
            }
        }

        @Override
        public String toString() {
            return String.format("m=%d n=%d k=%d transA=%b transB=%b accumulate=%b lda=%d ldb=%d ldc=%d block=%d blockStride=%d",
                    m, n, k, transA, transB, accumulate, lda, ldb, ldc, block, blockStride);
        }
    }

    private static float[] randomArray(Rng rng, int length) {
        float[] x = new float[length];
        rng.fillUniform(x, 0, length, -1f, 1f);
        return x;
    }

    private static void checkAllKernels(Problem problem) {
        float[] a = problem.a.clone(), b = problem.b.clone();
        for (GemmKernel kernel : KERNELS) {
            problem.check(kernel.getClass().getSimpleName() + " " + problem, problem.run(kernel));
        }
        assertArrayEquals(a, problem.a, "A must not be modified");
        assertArrayEquals(b, problem.b, "B must not be modified");
    }

    @Test
    void randomSmallShapesMatchReference() {
        Rng rng = new Rng(1234);
        for (int trial = 0; trial < 40; trial++) {
            int m = 1 + rng.nextInt(70), n = 1 + rng.nextInt(70), k = 1 + rng.nextInt(70);
            for (boolean transA : BOOLS) {
                for (boolean transB : BOOLS) {
                    checkAllKernels(new Problem(rng, transA, transB, m, n, k, rng.nextInt(2) == 1));
                }
            }
        }
    }

    @Test
    void tileAndBlockBoundariesMatchReference() {
        // Exact micro-tiles, one past them, a single row or column, more than one k slice (KC = 512),
        // few rows with many columns (unpacked path, split across threads).
        int[][] shapes = {{6, 32, 256}, {12, 64, 257}, {13, 65, 1}, {1, 1, 1}, {1, 100, 300}, {100, 1, 300},
                {5, 1000, 3}, {5, 3000, 300}, {7, 33, 520}, {3, 2, 600}, {12, 64, 513}, {9, 40, 1100}};
        Rng rng = new Rng(99);
        for (int[] s : shapes) {
            for (boolean transA : BOOLS) {
                for (boolean transB : BOOLS) {
                    for (boolean accumulate : BOOLS) {
                        checkAllKernels(new Problem(rng, transA, transB, s[0], s[1], s[2], accumulate));
                    }
                }
            }
        }
    }

    /**
     * An implicit B: packed sliver by sliver by the vector kernel (with the column offsets of a split
     * across threads), written out in blocks by the default method for the scalar one and thin problems.
     */
    @Test
    void implicitOperandMatchesReference() {
        Rng rng = new Rng(77);
        int[][] shapes = {{1, 1, 1}, {3, 17, 33}, {8, 32, 25}, {17, 33, 65}, {64, 1000, 3}, {40, 2100, 300}, {9, 40, 1100}, {130, 70, 600}};
        for (int[] s : shapes) {
            for (boolean transA : BOOLS) {
                for (boolean accumulate : BOOLS) {
                    Problem problem = new Problem(rng, transA, rng.nextInt(2) == 1, s[0], s[1], s[2], accumulate);
                    for (GemmKernel kernel : KERNELS) {
                        problem.check(kernel.getClass().getSimpleName() + " implicit " + problem, problem.runImplicit(kernel));
                    }
                }
            }
        }
    }

    /**
     * The implicit B into a C in blocks of columns, as a convolution stores its NCHW output: blocks
     * narrower and wider than a tile's 2·L columns, apart or back to back, on one thread and on two (whose
     * split cuts the columns at a tile's edge, mid-block). Against the reference and, written over C, the
     * same bits as the product into a plain C.
     */
    @Test
    void implicitOperandIntoBlocksOfColumns() {
        int saved = Parallel.threads();
        Rng rng = new Rng(80);
        // m, n, k, block: d3's 49 pixels an image, blocks of one and of a whole tile, more than one k slice
        int[][] shapes = {{1, 1, 1, 1}, {3, 17, 33, 5}, {8, 32, 25, 32}, {17, 100, 65, 49}, {64, 2100, 300, 49},
                {40, 2100, 300, 64}, {130, 70, 600, 7}, {9, 40, 1100, 16}, {24, 4900, 40, 49}, {16, 300, 20, 1}};
        try {
            for (int threads : new int[] {1, 2}) {
                Parallel.setThreads(threads);
                for (int[] s : shapes) {
                    for (boolean accumulate : BOOLS) {
                        int gap = rng.nextInt(2) == 1 ? 0 : 1 + rng.nextInt(5);
                        Problem problem = new Problem(rng, rng.nextInt(2) == 1, rng.nextInt(2) == 1, s[0], s[1], s[2], s[3], gap, accumulate);
                        for (GemmKernel kernel : KERNELS) {
                            String what = kernel.getClass().getSimpleName() + " into blocks, " + threads + " threads, " + problem;
                            float[] blocked = problem.runImplicitIntoBlocks(kernel);
                            problem.check(what, blocked);
                            if (!accumulate) assertSameBitsAsPlainC(what, kernel, problem, blocked);
                        }
                    }
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    /** Each entry of the blocked C is, to the bit, the same product computed into a plain C [m × n]. */
    private static void assertSameBitsAsPlainC(String what, GemmKernel kernel, Problem problem, float[] blocked) {
        float[] plain = new float[problem.m * problem.n];
        kernel.gemm(problem.transA, problem.m, problem.n, problem.k, problem.a, problem.aOff, problem.lda, problem.implicitB(),
                plain, 0, problem.n, false);
        for (int i = 0; i < problem.m; i++) {
            for (int j = 0; j < problem.n; j++) {
                if (Float.floatToIntBits(blocked[problem.cIndex(i, j)]) != Float.floatToIntBits(plain[i * problem.n + j])) {
                    fail(what + ": C[" + i + "," + j + "] is " + blocked[problem.cIndex(i, j)] + ", the plain C's " + plain[i * problem.n + j]);
                }
            }
        }
    }

    @Test
    void implicitOperandOfTheWrongShapeIsRejected() {
        Problem problem = new Problem(new Rng(78), false, false, 8, 20, 9, false);
        float[] c = problem.c0.clone();
        Im2ColMatrix ninePatchRows = new Im2ColMatrix(new float[20], 1, 1, 20, 9, 20, new int[9 * 20], false);  // 9 × 20
        Gemm.gemm(false, 8, 20, 9, problem.a, problem.aOff, problem.lda, ninePatchRows, c, problem.cOff, problem.ldc, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Gemm.gemm(false, 8, 20, 10,
                problem.a, problem.aOff, problem.lda, ninePatchRows, c, problem.cOff, problem.ldc, false));
        assertTrue(e.getMessage().contains("10×20"), e.getMessage());
    }

    @Test
    void largeShapesMatchReference() {
        Rng rng = new Rng(7);
        checkAllKernels(new Problem(rng, false, false, 128, 128, 128, false));
        checkAllKernels(new Problem(rng, true, false, 128, 257, 128, true));
        checkAllKernels(new Problem(rng, false, true, 257, 128, 257, false));
        checkAllKernels(new Problem(rng, true, true, 257, 257, 128, true));
        checkAllKernels(new Problem(rng, false, false, 512, 512, 512, true));
        checkAllKernels(new Problem(rng, true, true, 512, 257, 512, false));
    }

    @Test
    void degenerateSizes() {
        Rng rng = new Rng(5);
        int[][] shapes = {{0, 5, 5}, {5, 0, 5}, {5, 5, 0}, {0, 0, 0}, {1, 5, 5}, {5, 1, 5}, {5, 5, 1}, {40, 40, 0}};
        for (int[] s : shapes) {
            for (boolean transA : BOOLS) {
                for (boolean transB : BOOLS) {
                    for (boolean accumulate : BOOLS) {
                        checkAllKernels(new Problem(rng, transA, transB, s[0], s[1], s[2], accumulate));
                    }
                }
            }
        }
    }

    @Test
    void vectorGemmIsBitwiseDeterministicAcrossCallsAndThreadCounts() {
        int saved = Parallel.threads();
        Rng rng = new Rng(31);
        List<Problem> problems = new ArrayList<>();
        for (boolean transA : BOOLS) {
            for (boolean transB : BOOLS) {
                problems.add(new Problem(rng, transA, transB, 257, 129, 300, true));
            }
        }
        problems.add(new Problem(rng, false, false, 5, 3000, 300, false));  // unpacked, split over columns
        problems.add(new Problem(rng, false, true, 4, 3000, 400, false));   // unpacked dot products, split
        problems.add(new Problem(rng, false, false, 7, 2100, 300, false));  // several NC strips on one thread
        problems.add(new Problem(rng, true, true, 41, 2100, 300, true));    // shared B panels, several NC strips
        GemmKernel kernel = new VectorGemm();
        try {
            for (Problem problem : problems) {
                Parallel.setThreads(2);
                float[] first = problem.run(kernel);
                assertArrayEquals(first, problem.run(kernel), "repeated call, " + problem);
                Parallel.setThreads(1);
                assertArrayEquals(first, problem.run(kernel), "1 thread vs 2, " + problem);
                problem.check("VectorGemm " + problem, first);
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void theCheckCanFail() {
        // A result missing a single term of its sum must be rejected, or the tests above prove nothing.
        Problem problem = new Problem(new Rng(3), false, false, 9, 9, 300, false);
        float[] c = problem.run(new ScalarGemm());
        int at = problem.cOff + 4 * problem.ldc + 4;
        float largestTerm = 0;
        for (int p = 0; p < problem.k; p++) {
            float term = problem.opA(4, p) * problem.opB(p, 4);
            if (Math.abs(term) > Math.abs(largestTerm)) largestTerm = term;
        }
        c[at] -= largestTerm;
        assertThrows(AssertionError.class, () -> problem.check("broken", c));
    }
}
