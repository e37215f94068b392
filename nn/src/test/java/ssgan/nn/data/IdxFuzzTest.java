package ssgan.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import ssgan.engine.tensor.Rng;
import ssgan.nn.io.Fuzz;
import ssgan.nn.io.Fuzz.Mutation;

/**
 * Property-based fuzzing of {@link Idx#read(Path, int, MessageDigest)} and its shorthands
 * {@link Idx#readImages}, {@link Idx#readLabels} and {@link Idx#read(Path)}, raw and gzip: valid
 * files written by {@link Idx#write} are truncated, bit-flipped, overwritten, given impossible magic
 * numbers and dimensions (in the raw bytes, or inside a valid gzip stream), and every result must be a
 * consistent array or an {@link IdxFormatException} naming the file: never an unchecked exception, an
 * allocation the file cannot back (a gzip stream can at most inflate about 1032-fold), or a hang.
 *
 * <p>Tries and seed as in {@code ssgan.nn.io.SafeTensorsFuzzTest}: add {@code -Dfuzz.tries=100000
 * -Dfuzz.seed=random} to the test command for a longer campaign.
 */
@AddLifecycleHook(Fuzz.FixedSeed.class)
class IdxFuzzTest {
    /** Allocation allowed per byte of a raw file: the array, the copies of a short read, messages. */
    private static final long RAW_BYTES_PER_BYTE = 16;
    /** Per byte of a gzip file: deflate inflates at most 1032-fold, and the array is copied once when it ends short. */
    private static final long GZIP_BYTES_PER_BYTE = 3 * 1100;

    private static Path dir;
    private static Path file;
    private static List<Seed> seeds;

    /** A valid IDX file, raw or gzip; {@code content} is its decompressed bytes. */
    record Seed(String name, boolean gzip, byte[] bytes, byte[] content) {
        @Override
        public String toString() {
            return name + (gzip ? " (gzip, " : " (raw, ") + bytes.length + " bytes)";
        }
    }

    /** Which entry point reads the file. */
    enum Reader { ANY, LABELS, IMAGES, RANK_2_WITH_DIGEST, ANY_WITH_DIGEST }

    @BeforeContainer
    static void writeSeeds() throws IOException {
        dir = Files.createTempDirectory("idx-fuzz");
        file = dir.resolve("input-idx");
        Rng rng = new Rng(3);
        List<IdxArray> arrays = List.of(
                new IdxArray(new int[] {7}, new byte[] {0, 9, 3, (byte) 255, 1, 2, 7}),
                array(rng, 5, 4, 3),
                array(rng, 3, 8),
                new IdxArray(new int[] {0}, new byte[0]),
                new IdxArray(new int[] {0, 28, 28}, new byte[0]),
                array(rng, 2, 2, 2, 2));
        seeds = new ArrayList<>();
        for (IdxArray a : arrays) {
            for (boolean gzip : new boolean[] {false, true}) {
                Path f = dir.resolve("seed");
                Idx.write(f, a, gzip);
                byte[] bytes = Files.readAllBytes(f);
                Idx.write(f, a, false);
                seeds.add(new Seed("dims " + Arrays.toString(a.dims()), gzip, bytes, Files.readAllBytes(f)));
            }
        }
    }

    @AfterContainer
    static void deleteSeeds() throws IOException {
        Fuzz.deleteTree(dir);
    }

    private static IdxArray array(Rng rng, int... dims) {
        int n = 1;
        for (int d : dims) n *= d;
        byte[] data = new byte[n];
        for (int i = 0; i < n; i++) data[i] = (byte) rng.nextInt(256);
        return new IdxArray(dims, data);
    }

    // ---- the check ------------------------------------------------------------------------------------

    /** Reads {@code bytes} with {@code reader}: a consistent array, or an IdxFormatException naming the file. */
    static void readsOrIsRejected(byte[] bytes, Reader reader) {
        Fuzz.write(file, bytes);
        boolean gzip = bytes.length >= 2 && (bytes[0] & 0xFF) == 0x1f && (bytes[1] & 0xFF) == 0x8b;
        MessageDigest digest = Idx.sha256();
        int expectedRank = switch (reader) {
            case LABELS -> 1;
            case IMAGES -> 3;
            case RANK_2_WITH_DIGEST -> 2;
            default -> -1;
        };
        Fuzz.Outcome<IdxArray> o = Fuzz.parse(bytes, IdxFormatException.class, gzip ? GZIP_BYTES_PER_BYTE : RAW_BYTES_PER_BYTE, () -> switch (reader) {
            case ANY -> Idx.read(file);
            case LABELS -> Idx.readLabels(file);
            case IMAGES -> Idx.readImages(file);
            case RANK_2_WITH_DIGEST, ANY_WITH_DIGEST -> Idx.read(file, expectedRank, digest);
        });
        if (!o.ok()) {
            assertTrue(o.error().getMessage().startsWith(file.toString()), "the error names the file: " + o.error().getMessage());
            return;
        }
        IdxArray a = o.result();
        if (expectedRank >= 0) assertEquals(expectedRank, a.rank());
        long numel = 1;
        for (int d : a.dims()) {
            assertTrue(d >= 0, Arrays.toString(a.dims()));
            numel *= d;
        }
        assertEquals(numel, a.data().length, "data fill dims " + Arrays.toString(a.dims()));
        byte[] content = gzip ? gunzip(bytes) : bytes;
        assertEquals(4 + 4L * a.rank() + numel, content.length, "the content is exactly header and data");
        assertEquals(a.magic(), ((content[0] & 0xFF) << 24) | ((content[1] & 0xFF) << 16) | ((content[2] & 0xFF) << 8) | (content[3] & 0xFF));
        assertArrayEquals(Arrays.copyOfRange(content, content.length - a.data().length, content.length), a.data());
        if (reader == Reader.RANK_2_WITH_DIGEST || reader == Reader.ANY_WITH_DIGEST) {
            assertEquals(Idx.hex(Idx.sha256().digest(content)), Idx.hex(digest.digest()), "the digest covers the decompressed content");
        }
    }

    private static byte[] gunzip(byte[] gz) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new AssertionError("Idx.read accepted a gzip stream that GZIPInputStream cannot read: " + e, e);
        }
    }

    static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(b)) {
            gz.write(raw);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return b.toByteArray();
    }

    // ---- properties -----------------------------------------------------------------------------------

    @Provide
    Arbitrary<Seed> seeds() {
        return Arbitraries.of(seeds);
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        return Fuzz.mutationLists();
    }

    @Provide
    Arbitrary<Reader> readers() {
        return Arbitraries.of(Reader.class);
    }

    @Property(generation = GenerationMode.EXHAUSTIVE)
    void everyTruncationAndExtension(@ForAll("seeds") Seed seed) {
        byte[] b = seed.bytes();
        for (int len = 0; len < b.length; len++) readsOrIsRejected(Arrays.copyOf(b, len), Reader.values()[len % Reader.values().length]);
        for (int extra = 1; extra <= 5; extra++) readsOrIsRejected(Arrays.copyOf(b, b.length + extra), Reader.ANY_WITH_DIGEST);
    }

    @Property
    void mutatedFilesReadConsistentlyOrAreRejected(@ForAll("seeds") Seed seed, @ForAll("mutations") List<Mutation> mutations,
                                                  @ForAll("readers") Reader reader) {
        readsOrIsRejected(Fuzz.applyAll(seed.bytes(), mutations), reader);
    }

    /** The content is mutated and then compressed: the gzip stream is valid, what it holds is not. */
    @Property
    void validGzipOfMutatedContent(@ForAll("seeds") Seed seed, @ForAll("mutations") List<Mutation> mutations, @ForAll("readers") Reader reader) {
        readsOrIsRejected(gzip(Fuzz.applyAll(seed.content(), mutations)), reader);
    }

    /** The magic number or one dimension set to any int: a negative, 2^31-1, 2^31-8, a rank of 255... */
    @Property
    void anyMagicOrDimension(@ForAll("seeds") Seed seed, @ForAll("fieldIndex") int field, @ForAll("fieldValues") int value,
                             @ForAll("readers") Reader reader) {
        byte[] content = seed.content();
        int at = Math.min(4 * field, content.length);
        byte[] changed = Fuzz.overwrite(content, at, new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value});
        readsOrIsRejected(seed.gzip() ? gzip(changed) : changed, reader);
    }

    @Provide
    Arbitrary<Integer> fieldIndex() {
        return Arbitraries.integers().between(0, 4); // 0 is the magic number, 1.. the dimensions
    }

    @Provide
    Arbitrary<Integer> fieldValues() {
        return Arbitraries.oneOf(
                Fuzz.specialInts(),
                Arbitraries.of(0x0801, 0x0803, 0x0802, 0x0804, 0x08FF, 0x0800, 0x0901, 0x0D03, 0x1f8b0801),
                Arbitraries.integers().between(0, 1 << 16).map(i -> 0x0800 | (i & 0xFF)));
    }

    @Provide
    Arbitrary<byte[]> garbage() {
        return Fuzz.garbage();
    }

    @Property
    void randomBytesAreRejected(@ForAll("garbage") byte[] garbage, @ForAll("readers") Reader reader) {
        readsOrIsRejected(garbage, reader);
    }

    /** Random bytes after the gzip magic (and sometimes a valid gzip header), for the gzip header reader. */
    @Property
    void randomBytesAfterTheGzipMagic(@ForAll("garbage") byte[] garbage, @ForAll boolean methodAndFlags, @ForAll("readers") Reader reader) {
        byte[] head = methodAndFlags ? new byte[] {0x1f, (byte) 0x8b, 8} : new byte[] {0x1f, (byte) 0x8b};
        byte[] b = Arrays.copyOf(head, head.length + garbage.length);
        System.arraycopy(garbage, 0, b, head.length, garbage.length);
        readsOrIsRejected(b, reader);
    }

    /** A plausible IDX header followed by random data, raw or compressed. */
    @Property
    void plausibleHeaderRandomData(@ForAll("plausibleHeaders") byte[] header, @ForAll("garbage") byte[] data, @ForAll boolean compress,
                                   @ForAll("readers") Reader reader) {
        byte[] b = Arrays.copyOf(header, header.length + data.length);
        System.arraycopy(data, 0, b, header.length, data.length);
        readsOrIsRejected(compress ? gzip(b) : b, reader);
    }

    @Provide
    Arbitrary<byte[]> plausibleHeaders() {
        Arbitrary<Integer> dim = Arbitraries.oneOf(Arbitraries.integers().between(0, 70), Fuzz.specialInts());
        return Combinators.combine(Arbitraries.integers().between(1, 4), dim.list().ofSize(4)).as((rank, dims) -> {
            byte[] h = new byte[4 + 4 * rank];
            h[2] = Idx.UNSIGNED_BYTE;
            h[3] = (byte) (int) rank;
            for (int i = 0; i < rank; i++) {
                int d = dims.get(i);
                h[4 + 4 * i] = (byte) (d >>> 24);
                h[5 + 4 * i] = (byte) (d >>> 16);
                h[6 + 4 * i] = (byte) (d >>> 8);
                h[7 + 4 * i] = (byte) d;
            }
            return h;
        });
    }
}
