package ssgan.engine.profile;

import java.util.Map;
import java.util.TreeMap;

/**
 * A simple profile of where the time goes: wall time per op, forward and backward, summed while switched
 * on. Every backward rule is timed (by {@link ssgan.engine.autograd.Graph}); of the forwards, only the
 * heavy ops time themselves (convolutions, batch norm, matrix products, Gaussian noise), and so do
 * Adam's update and the zeroing of gradients (as forwards); the rest of a step is "other". Off by default,
 * when it costs one branch per op.
 *
 * <p>Ops are issued from one thread (the kernels parallelise inside), so the timings are wall times of
 * whole ops, including their parallel parts.
 */
public final class OpProfile {
    /** Forward and backward nanoseconds of one op. */
    public record Times(long forwardNanos, long backwardNanos) {
        public long totalNanos() {
            return forwardNanos + backwardNanos;
        }
    }

    /**
     * The calling thread's share of the parallel loops ({@link ssgan.engine.parallel.Parallel}) with more
     * than one chunk: how many ran, how long it ran its own chunks, and how long it then waited for the
     * other threads' chunks. The rest of a step's wall time ran on one core, outside any such loop.
     */
    public record Loops(long count, long ownChunkNanos, long waitNanos) {}

    private static volatile boolean enabled;
    private static final Map<String, long[]> NANOS = new TreeMap<>();
    private static final long[] LOOPS = new long[3];

    private OpProfile() {}

    /** Starts (or stops) collecting; collected times are kept until {@link #reset}. */
    public static void enable(boolean on) {
        enabled = on;
    }

    /** A start mark for {@link #record}: the current time when profiling, else 0 (no clock read). */
    public static long start() {
        return enabled ? System.nanoTime() : 0;
    }

    /** Adds the time since {@code start} to {@code op}'s forward or backward total. */
    public static void record(String op, boolean backward, long start) {
        if (!enabled) return;
        long elapsed = System.nanoTime() - start;
        synchronized (NANOS) {
            NANOS.computeIfAbsent(op, k -> new long[2])[backward ? 1 : 0] += elapsed;
        }
    }

    /**
     * Adds one parallel loop: the calling thread started its own chunk at {@code start} (from
     * {@link #start}) and finished it at {@code ownChunkEnd}; it is done waiting now.
     */
    public static void recordLoop(long start, long ownChunkEnd) {
        if (!enabled) return;
        long now = System.nanoTime();
        synchronized (LOOPS) {
            LOOPS[0]++;
            LOOPS[1] += ownChunkEnd - start;
            LOOPS[2] += now - ownChunkEnd;
        }
    }

    /** The parallel loops' totals so far. */
    public static Loops loops() {
        synchronized (LOOPS) {
            return new Loops(LOOPS[0], LOOPS[1], LOOPS[2]);
        }
    }

    /** The totals so far, by op name. */
    public static Map<String, Times> snapshot() {
        Map<String, Times> out = new TreeMap<>();
        synchronized (NANOS) {
            NANOS.forEach((op, t) -> out.put(op, new Times(t[0], t[1])));
        }
        return out;
    }

    public static void reset() {
        synchronized (NANOS) {
            NANOS.clear();
        }
        synchronized (LOOPS) {
            java.util.Arrays.fill(LOOPS, 0);
        }
    }
}
