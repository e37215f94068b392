package ssgan.nn.io;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Shared machinery of the parser fuzz tests ({@code *FuzzTest} in {@code ssgan.nn.io} and
 * {@code ssgan.nn.data}): byte-level mutations of valid seed files, and {@link #parse} which runs one
 * parse under the rules every parser must keep on hostile input:
 *
 * <ul>
 *   <li>it returns, or throws the parser's documented exception; any other throwable (an unchecked
 *       exception, StackOverflowError, OutOfMemoryError) fails the property;
 *   <li>it finishes within {@link #TIME_LIMIT} (run on a worker thread that is abandoned after it,
 *       so a hang fails the property instead of blocking the build);
 *   <li>it allocates no more than a bound proportional to its input, measured on the parsing thread,
 *       so a size field that is believed before being checked against the file fails even when the
 *       heap happens to be big enough for the allocation.
 * </ul>
 *
 * <p>Tries and seed: see {@link FixedSeed} and the test classes' comments.
 */
public final class Fuzz {
    /** Per-input time limit; the inputs are at most a few kilobytes, a parse takes microseconds. */
    public static final Duration TIME_LIMIT = Duration.ofSeconds(2);
    /** Allocation allowed to any parse whatever its input: I/O buffers (1 MiB chunks, 64 KiB streams...). */
    public static final long BASE_ALLOCATION = 32L << 20;

    private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /**
     * Parses run on this thread, one at a time, so that a hang can be abandoned (a new worker replaces
     * it) and the allocation is measured on the thread that parses. One long-lived thread, because
     * starting a thread per input (as assertTimeoutPreemptively does) costs more than most parses.
     */
    private static ExecutorService worker = newWorker();

    private Fuzz() {}

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-parse");
            t.setDaemon(true);
            return t;
        });
    }

    // ---- running one parse ------------------------------------------------------------------------

    /** A parser call. */
    @FunctionalInterface
    public interface Parser<T> {
        T parse() throws Exception;
    }

    /** What a parse did: its result, or the (allowed) exception it threw. */
    public record Outcome<T>(T result, Throwable error) {
        public boolean ok() {
            return error == null;
        }
    }

    /**
     * Runs {@code parser} on {@code input} (the bytes or text it reads, kept for the failure message)
     * and returns what it did. Fails when it throws anything but an instance of {@code allowed}, takes
     * longer than {@link #TIME_LIMIT}, or allocates more than {@link #BASE_ALLOCATION} +
     * {@code bytesPerInputByte} × the input length.
     */
    public static <T> Outcome<T> parse(byte[] input, Class<? extends Throwable> allowed, long bytesPerInputByte, Parser<T> parser) {
        return parse(input, allowed, bytesPerInputByte, TIME_LIMIT, parser);
    }

    /** {@link #parse(byte[], Class, long, Parser)} with another time limit. */
    public static <T> Outcome<T> parse(byte[] input, Class<? extends Throwable> allowed, long bytesPerInputByte, Duration timeLimit, Parser<T> parser) {
        Future<Object[]> run = worker.submit(() -> {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            Object result = null;
            Throwable thrown = null;
            try {
                result = parser.parse();
            } catch (Throwable t) { // OutOfMemoryError and StackOverflowError included: they are findings too
                thrown = t;
            }
            return new Object[] {result, thrown, THREADS.getCurrentThreadAllocatedBytes() - before};
        });
        Object[] outcome;
        try {
            outcome = run.get(timeLimit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException hang) {
            run.cancel(true);
            worker.shutdownNow();
            worker = newWorker(); // the stuck thread is a daemon: it cannot keep the JVM alive
            return fail("parse did not finish within " + timeLimit.toMillis() + " ms (a hang?) on " + describe(input));
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("the fuzz worker failed", e);
        }
        Throwable thrown = (Throwable) outcome[1];
        long allocated = (Long) outcome[2];
        if (thrown != null && !allowed.isInstance(thrown)) {
            fail("expected a result or " + allowed.getSimpleName() + " but got " + thrown + " on " + describe(input), thrown);
        }
        long limit = BASE_ALLOCATION + bytesPerInputByte * input.length;
        if (allocated > limit) {
            fail("parse allocated " + allocated + " bytes for an input of " + input.length + " bytes (limit " + limit
                    + "): a size was believed before it was checked; " + (thrown == null ? "returned" : "threw " + thrown) + " on " + describe(input));
        }
        @SuppressWarnings("unchecked")
        T result = (T) outcome[0];
        return new Outcome<>(result, thrown);
    }

    /** The input in a form to paste into a regression test (Base64) when small, else its length and head. */
    public static String describe(byte[] input) {
        if (input.length <= 4096) return input.length + " bytes, Base64 " + Base64.getEncoder().encodeToString(input);
        return input.length + " bytes starting " + HexFormat.of().formatHex(input, 0, 64);
    }

    // ---- mutations --------------------------------------------------------------------------------

    /** Positions are drawn in [0, 2^20) and scaled to the input, so they fit any seed and shrink towards its start. */
    private static final int SCALE_BITS = 20;

    static int at(int fraction, int length) {
        return (int) ((long) fraction * length >>> SCALE_BITS);
    }

    /** One change to a file's bytes. */
    public sealed interface Mutation {
        byte[] apply(byte[] in);
    }

    /** Keeps the first {@code fraction}/2^20 of the bytes. */
    public record Truncate(int fraction) implements Mutation {
        public byte[] apply(byte[] in) {
            return Arrays.copyOf(in, at(fraction, in.length));
        }
    }

    public record FlipBit(int fraction, int bit) implements Mutation {
        public byte[] apply(byte[] in) {
            if (in.length == 0) return in;
            byte[] out = in.clone();
            out[at(fraction, in.length)] ^= (byte) (1 << bit);
            return out;
        }
    }

    public record SetByte(int fraction, byte value) implements Mutation {
        public byte[] apply(byte[] in) {
            if (in.length == 0) return in;
            byte[] out = in.clone();
            out[at(fraction, in.length)] = value;
            return out;
        }
    }

    public record Insert(int fraction, byte[] bytes) implements Mutation {
        public byte[] apply(byte[] in) {
            int p = at(fraction, in.length + 1);
            byte[] out = new byte[in.length + bytes.length];
            System.arraycopy(in, 0, out, 0, p);
            System.arraycopy(bytes, 0, out, p, bytes.length);
            System.arraycopy(in, p, out, p + bytes.length, in.length - p);
            return out;
        }

        @Override
        public String toString() {
            return "Insert[fraction=" + fraction + ", bytes=" + HexFormat.of().formatHex(bytes) + "]";
        }
    }

    public record Delete(int fraction, int count) implements Mutation {
        public byte[] apply(byte[] in) {
            int p = at(fraction, in.length);
            int n = Math.min(count, in.length - p);
            byte[] out = new byte[in.length - n];
            System.arraycopy(in, 0, out, 0, p);
            System.arraycopy(in, p + n, out, p, in.length - p - n);
            return out;
        }
    }

    /** Copies {@code count} bytes from one place over another (repeats a header, a field...). */
    public record CopyWithin(int from, int to, int count) implements Mutation {
        public byte[] apply(byte[] in) {
            int f = at(from, in.length);
            int t = at(to, in.length);
            int n = Math.min(count, Math.min(in.length - f, in.length - t));
            byte[] out = in.clone();
            System.arraycopy(in, f, out, t, n);
            return out;
        }
    }

    /** Overwrites 4 bytes with an int (big- or little-endian), clipped at the end of the input. */
    public record SetInt(int fraction, int value, boolean bigEndian) implements Mutation {
        public byte[] apply(byte[] in) {
            byte[] v = ByteBuffer.allocate(4).order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN).putInt(value).array();
            return overwrite(in, at(fraction, in.length), v);
        }
    }

    /** Overwrites 8 bytes with a little-endian long (safetensors' byte order), clipped at the end. */
    public record SetLong(int fraction, long value) implements Mutation {
        public byte[] apply(byte[] in) {
            return overwrite(in, at(fraction, in.length), ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array());
        }
    }

    public static byte[] overwrite(byte[] in, int pos, byte[] with) {
        byte[] out = in.clone();
        System.arraycopy(with, 0, out, pos, Math.max(0, Math.min(with.length, in.length - pos)));
        return out;
    }

    public static byte[] applyAll(byte[] seed, List<Mutation> mutations) {
        byte[] b = seed;
        for (Mutation m : mutations) b = m.apply(b);
        return b;
    }

    private static Arbitrary<Integer> fractions() {
        return Arbitraries.integers().between(0, (1 << SCALE_BITS) - 1);
    }

    /** Ints that break size fields: 0, ±1, the int limits, 2^31-8, powers of two, and random ones. */
    public static Arbitrary<Integer> specialInts() {
        return Arbitraries.oneOf(
                Arbitraries.of(0, 1, 2, 3, -1, -2, 255, 256, 65535, 65536, 0x7FFFFFF7, 0x7FFFFFF8, Integer.MAX_VALUE, Integer.MIN_VALUE, 1 << 30, 1 << 16 | 1),
                Arbitraries.integers(),
                Arbitraries.integers().between(0, 4096));
    }

    /** Longs that break 64-bit length fields. */
    public static Arbitrary<Long> specialLongs() {
        return Arbitraries.oneOf(
                Arbitraries.of(0L, 1L, 2L, 7L, 8L, -1L, -8L, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 31, 1L << 32, (1L << 31) - 1, 100_000_000L,
                        100_000_001L, 1L << 40, 1L << 62, -(1L << 62)),
                Arbitraries.longs(),
                Arbitraries.longs().between(0, 8192));
    }

    /** Any one random mutation. */
    public static Arbitrary<Mutation> mutations() {
        Arbitrary<Integer> bit = Arbitraries.integers().between(0, 7);
        Arbitrary<Integer> count = Arbitraries.integers().between(1, 64);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, fractions().map(Truncate::new)),
                net.jqwik.api.Tuple.of(4, Combinators.combine(fractions(), bit).as(FlipBit::new)),
                net.jqwik.api.Tuple.of(4, Combinators.combine(fractions(), Arbitraries.bytes()).as(SetByte::new)),
                net.jqwik.api.Tuple.of(2, Combinators.combine(fractions(), Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(16)).as(Insert::new)),
                net.jqwik.api.Tuple.of(2, Combinators.combine(fractions(), count).as(Delete::new)),
                net.jqwik.api.Tuple.of(1, Combinators.combine(fractions(), fractions(), count).as(CopyWithin::new)),
                net.jqwik.api.Tuple.of(2, Combinators.combine(fractions(), specialInts(), Arbitraries.of(true, false)).as(SetInt::new)),
                net.jqwik.api.Tuple.of(1, Combinators.combine(fractions(), specialLongs()).as(SetLong::new)));
    }

    /** One to six random mutations, applied in order. */
    public static Arbitrary<List<Mutation>> mutationLists() {
        return mutations().list().ofMinSize(1).ofMaxSize(6);
    }

    /** Random bytes, biased to short, plus a few long ones. */
    public static Arbitrary<byte[]> garbage() {
        return Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(64),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(4096));
    }

    // ---- files ------------------------------------------------------------------------------------

    /** Writes {@code bytes} to {@code file} (replacing it) and returns the file. */
    public static Path write(Path file, byte[] bytes) {
        try {
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the fuzz input " + file, e);
        }
    }

    public static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    // ---- the seed ---------------------------------------------------------------------------------

    /**
     * Gives every property without its own {@code seed} the seed of the system property
     * {@code fuzz.seed} (nn/pom.xml sets it; 42 when absent, as in an IDE), so a normal build always
     * tries the same inputs. {@code -Dfuzz.seed=random} leaves jqwik a fresh random seed per run, which
     * it prints when a property fails, and any other value is used as the seed.
     */
    public static final class FixedSeed implements AroundPropertyHook {
        @Override
        public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
            String seed = System.getProperty("fuzz.seed", "42").trim();
            if (!seed.isEmpty() && !seed.equalsIgnoreCase("random") && context.attributes().seed().filter(s -> !s.isBlank()).isEmpty()) {
                context.attributes().setSeed(seed);
            }
            return property.execute();
        }

        /** Registered on a test class, it applies to the class's properties. */
        @Override
        public PropagationMode propagateTo() {
            return PropagationMode.ALL_DESCENDANTS;
        }
    }
}
