package ssgan.examples;

import java.util.Arrays;

/**
 * A coarse stopwatch for the lessons: the median of a few timed runs after a few untimed ones.
 *
 * <p>This is not a benchmark harness. JMH (see the benchmarks module) forks JVMs, controls the JIT and
 * reports errors; here we only want an order of magnitude that a reader can watch change from one
 * version of a loop to the next. Two habits still matter and are kept:
 * <ul>
 *   <li>untimed warm-up runs first, so that the JIT has compiled the loop before we time it (the first
 *       calls run in the interpreter, often 10–100× slower);</li>
 *   <li>the median, not the mean or the minimum: one run disturbed by another process or a garbage
 *       collection moves the mean a lot and the median hardly at all.</li>
 * </ul>
 * The lessons print what they measure and never assert on it: speed depends on the machine and on what
 * else runs on it.
 */
final class Timing {
    private Timing() {}

    // region median (copied into docs/book/08-measuring.md; DocsJavaFenceTest checks the copy)
    /**
     * The median wall time in nanoseconds of {@code runs} calls of {@code body}, after untimed calls for
     * at least {@code warmupMillis} (and at least one). Warming up by time rather than by a count of calls
     * suits loops of any length: the JIT compiles a method after some thousands of calls or loop
     * iterations, and the Vector API is only fast once compiled (interpreted, every vector is an object).
     */
    static long medianNanos(long warmupMillis, int runs, Runnable body) {
        if (runs < 1) throw new IllegalArgumentException("runs must be at least 1, got " + runs);
        long warmupEnd = System.nanoTime() + warmupMillis * 1_000_000L;
        do {
            body.run();
        } while (System.nanoTime() < warmupEnd);
        long[] times = new long[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            body.run();
            times[i] = System.nanoTime() - start;
        }
        Arrays.sort(times);
        return times[runs / 2];
    }
    // endregion
}
