package ssgan.engine.parallel;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The one parallel-for of the engine, on one shared team of worker threads ({@link WorkerTeam}) sized
 * to the available processors (override with {@code -Dssgan.threads=N} or {@link #setThreads}).
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
    private static WorkerTeam team;                                  // guarded by TEAM_LOCK
    private static final ReentrantLock TEAM_LOCK = new ReentrantLock();
    /** Set while the calling thread runs its own chunk, so a parallel-for inside it runs sequentially too. */
    private static final ThreadLocal<Boolean> IN_CHUNK = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private Parallel() {}

    public static int threads() {
        return threads;
    }

    /** Sets the number of threads used by every kernel from now on (1 makes everything sequential). */
    public static void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be at least 1, got " + n);
        TEAM_LOCK.lock();       // not while a loop runs on the team being replaced (and one caller at a time)
        try {
            if (n != threads) {
                WorkerTeam old = team;
                team = null;
                threads = n;
                if (old != null) old.close();
            }
        } finally {
            TEAM_LOCK.unlock();
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
        Runnable first = () -> {
            IN_CHUNK.set(Boolean.TRUE);
            try {
                body.run(0, 0, start(n, k, 1));
            } finally {
                IN_CHUNK.set(Boolean.FALSE);
            }
        };
        // One loop at a time on the team; another thread's loop meanwhile runs its chunks itself, in
        // order, so it computes exactly what it would have computed in parallel.
        if (!TEAM_LOCK.tryLock()) {
            first.run();
            for (int c = 1; c < k; c++) body.run(c, start(n, k, c), start(n, k, c + 1));
            return;
        }
        try {
            team().run(body, n, k, first);
        } finally {
            TEAM_LOCK.unlock();
        }
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
        return IN_CHUNK.get();
    }

    /** Called by each worker thread once: everything it runs is inside a chunk. */
    static void markInChunk() {
        IN_CHUNK.set(Boolean.TRUE);
    }

    /** The team, started on first use; called only with TEAM_LOCK held, as setThreads swaps it under the same lock. */
    private static WorkerTeam team() {
        // The caller runs chunk 0 itself, so threads − 1 workers keep every core busy.
        if (team == null) team = new WorkerTeam(threads - 1);
        return team;
    }
}
