package ssgan.engine.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the arrays of op results come from: a pool, per thread, of arrays that earlier results gave
 * back, keyed by exact length. A training step makes the same shapes every iteration, so after the first
 * one nearly every result reuses an array of the step before, and the step allocates almost nothing
 * (a fresh array costs the JVM a zeroing pass, and a garbage collection later).
 *
 * <p>Arrays come back at two points, and only arrays of op results ({@link Tensor#fromOp}), never of
 * tensors the user made ({@code zeros}, {@code wrap}, parameters):
 * <ul>
 *   <li>when {@link ssgan.engine.autograd.Graph#backward} has run an intermediate's backward rule and frees
 *       it; its gradient array too;</li>
 *   <li>when a {@link Scope} closes: every op result made while it was open, with or without a graph.</li>
 * </ul>
 * A tensor whose array went back is marked: reading its data then throws an {@link IllegalStateException}
 * that says so, instead of showing values of some later tensor. Results of one element (losses) are never
 * taken back, so {@code loss.item()} still works after {@code backward()}, as does the value of the tensor
 * backward started from.
 */
public final class Storage {
    /** At most this many bytes wait in one thread's pool; more are left to the garbage collector. */
    private static final long MAX_POOLED_BYTES = Math.min(1L << 30, Runtime.getRuntime().maxMemory() / 4);

    private static final ThreadLocal<Storage> POOL = ThreadLocal.withInitial(Storage::new);
    /**
     * Tests set {@code -Dssgan.storage.poison=true}: every array {@link #take} hands out is then full of
     * NaN, so an op that does not overwrite all of its result shows up as NaN in some test; and an array
     * given back twice is an error rather than one array shared by two tensors.
     */
    private static final boolean POISON = Boolean.getBoolean("ssgan.storage.poison");

    private final LengthTable free = new LengthTable();
    private long pooledBytes;
    private long reused;
    private long allocated;
    private Scope scope;

    private Storage() {}

    /** An array of {@code n} floats for an op's result; its contents are undefined (the op overwrites them all). */
    public static float[] take(int n) {
        float[] a = POOL.get().get(n);
        if (POISON) java.util.Arrays.fill(a, Float.NaN);
        return a;
    }

    /** An array of {@code n} zeros, for results and gradients that are summed into. */
    public static float[] zeroed(int n) {
        float[] a = take(n);
        java.util.Arrays.fill(a, 0f);
        return a;
    }

    /** Gives {@code a} back for reuse; the caller must hold no other reference to it that is still read. */
    public static void give(float[] a) {
        POOL.get().put(a);
    }

    /**
     * Opens a scope on this thread: every op result made until {@link Scope#close} gives its array back
     * then, graph or no graph (for the no-grad passes of a training step, whose results nobody frees).
     * Scopes nest; a result belongs to the innermost one.
     */
    public static Scope scope() {
        Storage pool = POOL.get();
        pool.scope = new Scope(pool, pool.scope);
        return pool.scope;
    }

    /** Counts of this thread's pool, for tests and benchmarks. */
    public record Stats(long reused, long allocated, long pooledBytes) {}

    public static Stats stats() {
        Storage pool = POOL.get();
        return new Stats(pool.reused, pool.allocated, pool.pooledBytes);
    }

    /** Records an op result in the open scope, if any. */
    static void enter(Tensor result) {
        Storage pool = POOL.get();
        if (pool.scope != null) pool.scope.results.add(result);
    }

    private float[] get(int n) {
        if (n <= 1) return new float[n];   // losses: never given back (see the class comment), so not counted
        float[] a = free.poll(n);
        if (a == null) {
            allocated++;
            return new float[n];
        }
        reused++;
        pooledBytes -= 4L * n;
        return a;
    }

    private void put(float[] a) {
        if (a.length <= 1 || pooledBytes + 4L * a.length > MAX_POOLED_BYTES) return;
        free.push(a);
        pooledBytes += 4L * a.length;
    }

    /** See {@link #scope()}. */
    public static final class Scope implements AutoCloseable {
        private final Storage pool;
        private final Scope outer;
        private final List<Tensor> results = new ArrayList<>();
        private boolean closed;

        private Scope(Storage pool, Scope outer) {
            this.pool = pool;
            this.outer = outer;
        }

        /** Gives back the arrays of every result made in this scope; those tensors can no longer be read. */
        @Override
        public void close() {
            if (closed) return;
            if (pool != POOL.get()) throw new IllegalStateException("Storage.Scope: closed on another thread than the one that opened it");
            if (pool.scope != this) throw new IllegalStateException("Storage.Scope: an inner scope is still open; close scopes in reverse order");
            closed = true;
            pool.scope = outer;
            for (Tensor t : results) t.recycle(true);
            results.clear();
        }
    }

    /**
     * Free arrays by exact length: open addressing on the length, a stack of arrays per length (the
     * array given back last is handed out first, while it may still be in a cache). No boxing, so
     * taking and giving allocate nothing once the stacks have grown.
     */
    private static final class LengthTable {
        private int[] lengths = new int[64];
        @SuppressWarnings("unchecked")
        private ArrayDeque<float[]>[] stacks = new ArrayDeque[64];
        private int used;

        float[] poll(int n) {
            ArrayDeque<float[]> stack = stacks[slot(n)];
            return stack == null ? null : stack.pollFirst();
        }

        void push(float[] a) {
            int i = slot(a.length);
            if (stacks[i] == null) {
                lengths[i] = a.length;
                stacks[i] = new ArrayDeque<>();
                if (++used * 2 > lengths.length) grow();
                i = slot(a.length);
            }
            if (POISON) {   // in tests only: the scan costs a few per cent of a training step
                for (float[] b : stacks[i]) {
                    if (b == a) throw new IllegalStateException("Storage: an array was given back twice; it would be handed to two tensors");
                }
            }
            stacks[i].addFirst(a);
        }

        /** The slot holding length n, or the empty slot where it would go. */
        private int slot(int n) {
            int mask = lengths.length - 1;
            int i = (n * 0x9E3779B9 >>> 16) & mask;
            while (stacks[i] != null && lengths[i] != n) i = (i + 1) & mask;
            return i;
        }

        @SuppressWarnings("unchecked")
        private void grow() {
            int[] oldLengths = lengths;
            ArrayDeque<float[]>[] oldStacks = stacks;
            lengths = new int[oldLengths.length * 2];
            stacks = new ArrayDeque[oldLengths.length * 2];
            for (int j = 0; j < oldLengths.length; j++) {
                if (oldStacks[j] == null) continue;
                int i = slot(oldLengths[j]);
                lengths[i] = oldLengths[j];
                stacks[i] = oldStacks[j];
            }
        }
    }
}
