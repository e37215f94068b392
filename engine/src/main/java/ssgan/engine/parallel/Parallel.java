package ssgan.engine.parallel;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * The one parallel-for of the engine, on one shared pool sized to the available processors
 * (override with {@code -Dssgan.threads=N} or {@link #setThreads}).
 *
 * <p>Work is split into at most {@link #threads()} contiguous chunks, and the split depends only on the
 * range, the grain and the thread count, never on timing: a kernel that keeps each chunk's arithmetic
 * sequential gives bitwise the same result on every run. A parallel-for called from inside another one
 * runs sequentially in the calling worker, so kernels can nest without oversubscribing the cores.
 */
public final class Parallel {
    /** A body over the half-open range {@code [start, end)}; {@code chunk} numbers the piece from 0. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int chunk, int start, int end);
    }

    private static volatile int threads = Integer.getInteger("ssgan.threads", Runtime.getRuntime().availableProcessors());
    private static volatile ForkJoinPool pool;
    /** Set while the calling thread runs its own chunk, so a parallel-for inside it runs sequentially too. */
    private static final ThreadLocal<Boolean> IN_CHUNK = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private Parallel() {}

    public static int threads() {
        return threads;
    }

    /** Sets the number of threads used by every kernel from now on (1 makes everything sequential). */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be at least 1, got " + n);
        if (n != threads) {
            ForkJoinPool old = pool;
            pool = null;
            threads = n;
            if (old != null) old.shutdown();
        }
    }

    /** How many chunks {@link #forRange} will use for {@code n} items of at least {@code grain} each. */
    public static int chunks(int n, int grain) {
        if (n <= 0) return 0;
        int byGrain = Math.max(1, n / Math.max(1, grain));
        return inWorker() ? 1 : Math.min(threads, byGrain);
    }

    /** Runs {@code body} over {@code [0, n)} split into {@link #chunks} contiguous pieces. */
    public static void forRange(int n, int grain, RangeBody body) {
        int k = chunks(n, grain);
        if (k == 0) return;
        if (k == 1) {
            body.run(0, 0, n);
            return;
        }
        ForkJoinPool p = pool();
        @SuppressWarnings("unchecked")
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[k];
        for (int c = 1; c < k; c++) {
            int chunk = c;
            tasks[c] = p.submit(() -> body.run(chunk, start(n, k, chunk), start(n, k, chunk + 1)));
        }
        Throwable failure = null;
        IN_CHUNK.set(Boolean.TRUE);
        try {
            body.run(0, 0, start(n, k, 1));
        } catch (RuntimeException | Error e) {
            failure = e;
        } finally {
            IN_CHUNK.set(Boolean.FALSE);
        }
        for (int c = 1; c < k; c++) {
            try {
                tasks[c].join();
            } catch (RuntimeException | Error e) {
                if (failure == null) failure = e;
            }
        }
        if (failure instanceof RuntimeException re) throw re;
        if (failure instanceof Error err) throw err;
    }

    /** Runs {@code task(i)} for every i in {@code [0, n)}, one index per work item. */
    public static void forEach(int n, java.util.function.IntConsumer task) {
        forRange(n, 1, (chunk, start, end) -> {
            for (int i = start; i < end; i++) task.accept(i);
        });
    }

    /** First index of chunk {@code c} when {@code n} items are split into {@code k} near-equal pieces. */
    public static int start(int n, int k, int c) {
        return (int) ((long) n * c / k);
    }

    private static boolean inWorker() {
        return IN_CHUNK.get() || Thread.currentThread() instanceof ForkJoinWorkerThread w && w.getPool() == pool;
    }

    private static ForkJoinPool pool() {
        ForkJoinPool p = pool;
        if (p == null) {
            synchronized (Parallel.class) {
                if (pool == null) {
                    // The caller runs chunk 0 itself, so threads - 1 workers keep every core busy.
                    pool = new ForkJoinPool(Math.max(1, threads - 1), fjp -> {
                        ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(fjp);
                        t.setDaemon(true);
                        t.setName("ssgan-worker-" + t.getPoolIndex());
                        return t;
                    }, null, false);
                }
                p = pool;
            }
        }
        return p;
    }
}
