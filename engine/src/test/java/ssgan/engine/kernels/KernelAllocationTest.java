package ssgan.engine.kernels;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import ssgan.engine.tensor.Rng;

/**
 * Once compiled, the vector kernels allocate nothing. A vector that the JIT cannot keep in a register
 * (for one, a vector passed to a helper it did not inline) becomes an object on the heap, 96 bytes at
 * 16 lanes, on every call or every plane: batch norm's gradient sums once allocated 1.2 MB per call so.
 * (Scratch arrays come from {@link Workspace}, not {@code new}, for the same reason.)
 * Each case is called until the JIT has compiled it, then the bytes allocated by a run of calls on this
 * thread must stay under one boxed vector per call.
 */
class KernelAllocationTest {
    private static final long MAX_BYTES_PER_CALL = 32;
    private static final int MIN_CALLS = 3600;
    private static final long TIME_LIMIT_NANOS = 40_000_000_000L;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void batchNormPassesAllocateNothingOnceCompiled() {
        assumeTrue(Simd.ENABLED, "the scalar kernels have no vectors to box");
        VectorBatchNorm kernel = new VectorBatchNorm();
        for (int[] shape : new int[][] {{8, 16, 49}, {8, 12, 64}, {16, 40, 1}}) {
            int n = shape[0], c = shape[1], hw = shape[2], size = n * c * hw;
            Rng rng = new Rng(5);
            float[] x = new float[size], dy = new float[size], dx = new float[size];
            rng.fillGaussian(x, 0, size, 1f, 2f);
            rng.fillGaussian(dy, 0, size, 0f, 1f);
            float[] mean = new float[c], var = new float[c], a = new float[c], b = new float[c], k = new float[c];
            String at = " at [" + n + ", " + c + ", " + hw + "]";
            assertAllocationFree("moments" + at, () -> kernel.moments(x, n, c, hw, 0, c, mean, var));
            assertAllocationFree("gradientSums" + at, () -> kernel.gradientSums(dy, dy, 1f, x, n, c, hw, 0, c, mean, a, b));
            assertAllocationFree("scaleShift" + at, () -> kernel.scaleShift(x, 0, n, c, hw, a, b, 1f, dx));
            assertAllocationFree("combine" + at, () -> kernel.combine(dy, dy, 1f, x, 0, n, c, hw, a, b, k, dx, true));
            // With the fused leaky ReLU: the gate is read and the gradient gated.
            assertAllocationFree("gated gradientSums" + at, () -> kernel.gradientSums(dy, x, 0.2f, x, n, c, hw, 0, c, mean, a, b));
            assertAllocationFree("activated scaleShift" + at, () -> kernel.scaleShift(x, 0, n, c, hw, a, b, 0f, dx));
            assertAllocationFree("gated combine" + at, () -> kernel.combine(dy, x, 0f, x, 0, n, c, hw, a, b, k, dx, true));
        }
    }

    @Test
    void reductionsAllocateNothingOnceCompiled() {
        assumeTrue(Simd.ENABLED, "the scalar kernels have no vectors to box");
        VectorReductions kernel = new VectorReductions();
        float[] x = new float[1003];
        new Rng(6).fillGaussian(x, 0, x.length, 0f, 1f);
        float[] sink = new float[1];
        assertAllocationFree("sum", () -> sink[0] += kernel.sum(x, 1, 1001));
        assertAllocationFree("sumOfSquares", () -> sink[0] += kernel.sumOfSquares(x, 1, 1001));
        assertAllocationFree("sumExp", () -> sink[0] += kernel.sumExp(x, 1, 1001, 0.5f));
    }

    @Test
    void elementwiseAndGaussianKernelsAllocateNothingOnceCompiled() {
        assumeTrue(Simd.ENABLED, "the scalar kernels have no vectors to box");
        VectorElementwise elementwise = new VectorElementwise();
        int n = 1003;
        float[] a = new float[n], b = new float[n], out = new float[n];
        new Rng(7).fillGaussian(a, 0, n, 0f, 1f);
        new Rng(8).fillGaussian(b, 0, n, 0f, 1f);
        assertAllocationFree("binary MUL", () -> elementwise.binary(BinaryOp.MUL, a, b, out, 1, n, true));
        assertAllocationFree("leakyRelu", () -> elementwise.leakyRelu(a, 0.2f, out, 1, n));
        int wide = 100_003;
        float[] x = new float[wide], positive = new float[wide], y = new float[wide];
        new Rng(9).fillGaussian(x, 0, wide, 0f, 1f);
        for (int i = 0; i < wide; i++) positive[i] = Math.abs(x[i]) + 0.1f;
        // In turn, through the one dispatching method. A scratch JVM that ran exp, log, then tanh through it,
        // 2,000 calls each, saw tanh allocate 2.4 MB per call at this length: compiled into the dispatcher
        // with the other two, it exhausted the JIT's inlining budget. This test checks the steady state; it
        // does not recreate that order of compilation reliably, since earlier tests have warmed the kernel.
        for (UnaryOp op : new UnaryOp[] {UnaryOp.EXP, UnaryOp.LOG, UnaryOp.TANH, UnaryOp.SIGMOID, UnaryOp.SOFTPLUS}) {
            float[] in = op == UnaryOp.LOG ? positive : x;
            assertAllocationFree("unary " + op, () -> elementwise.unary(op, in, y, 1, wide));
        }
        VectorGaussian gaussian = new VectorGaussian();
        // A range that starts and ends inside a vector group: the cut groups once boxed the whole loop.
        assertAllocationFree("Gaussian fill", () -> gaussian.fill(11, 7, out, 2, 1000, 0f, 1f));
    }

    /**
     * Calls {@code kernel} in rounds until, after at least {@link #MIN_CALLS} calls, a round of calls
     * allocates at most {@link #MAX_BYTES_PER_CALL} each; fails if none does within the time limit. The
     * JIT compiles in the background, so early rounds run interpreted code, which allocates every vector,
     * and a method may be compiled again later with more inlined into it, which is when a vector can be
     * lost to the heap: hence the minimum.
     */
    private static void assertAllocationFree(String what, Runnable kernel) {
        long start = System.nanoTime(), perCall = Long.MAX_VALUE;
        int calls = 200, made = 0;
        while (System.nanoTime() - start < TIME_LIMIT_NANOS) {
            for (int i = 0; i < 5 * calls; i++) kernel.run();   // let the JIT see and compile it
            long before = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < calls; i++) kernel.run();
            perCall = (THREADS.getCurrentThreadAllocatedBytes() - before) / calls;
            made += 6 * calls;
            if (made >= MIN_CALLS && perCall <= MAX_BYTES_PER_CALL) return;
        }
        fail(what + " still allocates " + perCall + " bytes per call after "
                + (System.nanoTime() - start) / 1_000_000 + " ms of calls: a boxed vector or a scratch array made per call?");
    }
}
