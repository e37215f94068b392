package ssgan.engine.parallel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import ssgan.engine.profile.OpProfile;

/**
 * The worker threads behind {@link Parallel}: a fixed team, one parallel-for at a time. Worker i runs
 * chunk i of each loop (the caller runs chunk 0).
 *
 * <p>Why not a ForkJoinPool: a training step runs hundreds of short parallel-fors back to back, and a
 * pool worker parks as soon as it runs out of work. Waking it again took 15–30 µs per loop on these
 * machines (an empty two-chunk loop: 15–30 µs; two chunks of 20 µs each: 50–67 µs instead of 20), as
 * long as many of the loops themselves. So an idle worker here first polls for the next loop for a
 * while, and only then parks.
 */
final class WorkerTeam {
    /** How long an idle worker polls for the next loop before it parks (and stops using its core). */
    private static final long POLL_NANOS = 200_000;
    /**
     * For this long a waiting thread only spins; after that each poll also yields, so that on a machine
     * with more busy threads than cores the thread that has work gets the core.
     */
    private static final long SPIN_NANOS = 10_000;

    /** One parallel-for: the body, its split, and how many workers' chunks are still running. */
    private static final class Job {
        Parallel.RangeBody body;      // dropped when the loop is done, so the team does not keep its arrays alive
        final int n;
        final int chunks;
        final AtomicInteger running;
        volatile Throwable failure;

        Job(Parallel.RangeBody body, int n, int chunks) {
            this.body = body;
            this.n = n;
            this.chunks = chunks;
            this.running = new AtomicInteger(chunks - 1);
        }
    }

    private final Worker[] workers;
    /** The latest loop; a worker runs a loop when this differs from the last one it saw. */
    private volatile Job job;
    private volatile boolean closed;

    WorkerTeam(int size) {
        workers = new Worker[size];
        for (int i = 0; i < size; i++) {
            workers[i] = new Worker(i + 1);
            workers[i].start();
        }
    }

    /** Runs chunks 1..chunks−1 of the loop on the workers and chunk 0 in the calling thread; rethrows the first failure. */
    void run(Parallel.RangeBody body, int n, int chunks, Runnable callerChunk) {
        Job j = new Job(body, n, chunks);
        job = j;
        for (int i = 0; i < chunks - 1; i++) {
            if (workers[i].parked) LockSupport.unpark(workers[i]);
        }
        Throwable failure = null;
        long start = OpProfile.start();
        try {
            callerChunk.run();
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        long waitingSince = System.nanoTime();
        while (j.running.get() > 0) pause(waitingSince);
        OpProfile.recordLoop(start, waitingSince);
        j.body = null;
        if (failure == null) failure = j.failure;
        if (failure instanceof RuntimeException re) throw re;
        if (failure instanceof Error err) throw err;
    }

    void close() {
        closed = true;
        for (Worker w : workers) LockSupport.unpark(w);
    }

    private final class Worker extends Thread {
        private final int chunk;
        volatile boolean parked;

        Worker(int chunk) {
            super("ssgan-worker-" + chunk);
            this.chunk = chunk;
            setDaemon(true);
        }

        @Override
        public void run() {
            Parallel.markInChunk();      // a parallel-for inside a chunk runs sequentially
            Job last = null;
            for (Job j; (j = next(last)) != null; last = j) {
                if (chunk >= j.chunks) continue;
                try {
                    j.body.run(chunk, Parallel.start(j.n, j.chunks, chunk), Parallel.start(j.n, j.chunks, chunk + 1));
                } catch (Throwable t) {
                    if (j.failure == null) j.failure = t;
                } finally {
                    j.running.decrementAndGet();
                }
            }
        }

        /** Waits for a loop other than {@code last}: polls, then parks. Null once the team is closed. */
        private Job next(Job last) {
            long since = System.nanoTime();
            while (!closed) {
                Job j = job;
                if (j != last) return j;
                if (System.nanoTime() - since < POLL_NANOS) {
                    pause(since);
                    continue;
                }
                // Announce the park, then look once more: the caller writes job before it reads parked,
                // so either we see its job here or it sees parked and unparks us.
                parked = true;
                if (job == last && !closed) LockSupport.park(this);
                parked = false;
                since = System.nanoTime();
            }
            return null;
        }
    }

    /** One poll of a wait that began at {@code since}: a spin hint at first, then a yield. */
    private static void pause(long since) {
        if (System.nanoTime() - since < SPIN_NANOS) Thread.onSpinWait(); else Thread.yield();
    }
}
