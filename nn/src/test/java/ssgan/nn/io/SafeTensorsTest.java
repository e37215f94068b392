package ssgan.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;

class SafeTensorsTest {
    @TempDir
    Path dir;

    private static Map<String, Tensor> sample(Rng rng) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("conv2.weight", Tensor.randn(rng, 4, 3, 5, 5));
        m.put("conv2.bias", Tensor.randn(rng, 4));
        m.put("bn2.running_mean", Tensor.randn(rng, 4));
        m.put("step", Tensor.scalar(17f));
        m.put("nothing", Tensor.zeros(0));
        m.put("also.nothing", Tensor.zeros(2, 0, 3));
        m.put("one", Tensor.of(new float[] {-0f}, 1));
        return m;
    }

    @Test
    void roundTripKeepsNamesOrderShapesValuesAndMetadata() throws Exception {
        Map<String, Tensor> saved = sample(new Rng(1));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("epoch", "3");
        meta.put("note", "quotes \" and \\ and é and \n");
        Path f = dir.resolve("model.safetensors");
        SafeTensors.save(f, saved, meta);

        LoadedTensors back = SafeTensors.load(f);
        assertEquals(List.copyOf(saved.keySet()), List.copyOf(back.tensors().keySet()));
        for (String name : saved.keySet()) {
            assertArrayEquals(saved.get(name).shape(), back.get(name).shape(), name);
            assertArrayEquals(saved.get(name).data(), back.get(name).data(), name);
        }
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(back.get("one").item()), "bit-exact");
        assertEquals(meta, back.metadata());
        long headerLen = ByteBuffer.wrap(Files.readAllBytes(f), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLen % 8, "data section is 8-byte aligned");
    }

    @Test
    void tensorsLargerThanOneChunkRoundTrip() throws Exception {
        Tensor big = Tensor.randn(new Rng(2), 700, 1001); // 2.8 MB: crosses the 1 MiB copy buffer twice, odd tail
        Path f = dir.resolve("big.safetensors");
        SafeTensors.save(f, Map.of("big", big), null);
        assertArrayEquals(big.data(), SafeTensors.load(f).get("big").data());
    }

    @Test
    void emptyStateDictRoundTrips() throws Exception {
        Path f = dir.resolve("empty.safetensors");
        SafeTensors.save(f, Map.of(), Map.of());
        LoadedTensors back = SafeTensors.load(f);
        assertTrue(back.tensors().isEmpty());
        assertTrue(back.metadata().isEmpty());
    }

    @Test
    void loadIntoCopiesValuesIntoExistingTensors() throws Exception {
        Map<String, Tensor> saved = sample(new Rng(3));
        Path f = dir.resolve("m.safetensors");
        SafeTensors.save(f, saved, Map.of("k", "v"));
        Map<String, Tensor> model = sample(new Rng(4));
        float[] storage = model.get("conv2.weight").data();
        assertEquals(Map.of("k", "v"), SafeTensors.loadInto(f, model));
        assertTrue(storage == model.get("conv2.weight").data(), "the model's own arrays are filled, not replaced");
        for (String name : saved.keySet()) assertArrayEquals(saved.get(name).data(), model.get(name).data(), name);
    }

    @Test
    void loadIntoReportsEveryMismatchAtOnceAndChangesNothing() throws Exception {
        Path f = dir.resolve("m.safetensors");
        SafeTensors.save(f, sample(new Rng(5)), null);
        Map<String, Tensor> model = sample(new Rng(6));
        model.remove("bn2.running_mean");
        model.remove("step");
        model.put("bn2.running_var", Tensor.ones(4));
        model.put("conv2.weight", Tensor.zeros(4, 3, 3, 3));
        float[] before = model.get("conv2.bias").data().clone();
        CheckpointException e = assertThrows(CheckpointException.class, () -> SafeTensors.loadInto(f, model));
        String msg = e.getMessage();
        assertTrue(msg.contains("missing keys [bn2.running_var]"), msg);
        assertTrue(msg.contains("unexpected keys [bn2.running_mean, step]"), msg);
        assertTrue(msg.contains("conv2.weight (file [4, 3, 5, 5], expected [4, 3, 3, 3])"), msg);
        assertTrue(msg.contains(f.toString()), msg);
        assertArrayEquals(before, model.get("conv2.bias").data());
    }

    // ---- corrupt and hostile files ------------------------------------------------------------------

    /** A file with the given header text (its true length declared) followed by {@code dataBytes} zero bytes. */
    private Path raw(String name, String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return rawDeclared(name, h.length, h, dataBytes);
    }

    private Path rawDeclared(String name, long declaredLength, byte[] header, int dataBytes) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(declaredLength).put(header);
        Path f = dir.resolve(name);
        Files.write(f, b.array());
        return f;
    }

    private static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end + "]}";
    }

    private static void assertRejected(Path f, String... fragments) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> SafeTensors.load(f));
        assertTrue(e.getMessage().contains(f.toString()), "names the file: " + e.getMessage());
        for (String s : fragments) assertTrue(e.getMessage().contains(s), "expected '" + s + "' in: " + e.getMessage());
    }

    @Test
    void headerLengthMustFitTheFile() throws Exception {
        byte[] h = "{}".getBytes(StandardCharsets.UTF_8);
        assertRejected(rawDeclared("huge.st", Long.MAX_VALUE, h, 0), "header length", "impossible");
        assertRejected(rawDeclared("unsigned.st", -1L, h, 0), "18446744073709551615");
        assertRejected(rawDeclared("pastEnd.st", 3, h, 0), "header length 3");
        assertRejected(rawDeclared("tooSmall.st", 1, h, 0), "header length 1");
        assertRejected(rawDeclared("overCap.st", SafeTensors.MAX_HEADER_BYTES + 8, new byte[16], 0), "header length");
        Path tiny = dir.resolve("tiny.st");
        Files.write(tiny, new byte[] {2, 0, 0});
        assertRejected(tiny, "too short");
    }

    @Test
    void headerMustBeJsonObjectInUtf8() throws Exception {
        assertRejected(raw("badjson.st", "{\"a\":", 0), "not valid JSON");
        assertRejected(raw("trailingComma.st", "{" + entry("a", "F32", "[1]", 0, 4) + ",}", 4), "not valid JSON");
        assertRejected(raw("dup.st", "{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("a", "F32", "[1]", 4, 8) + "}", 8), "duplicate key");
        assertRejected(raw("array.st", "[1,2,3,4]", 0), "does not start with '{'");
        byte[] latin1 = "{\"caf\u00e9\":1}".getBytes(StandardCharsets.ISO_8859_1);
        assertRejected(rawDeclared("latin1.st", latin1.length, latin1, 0), "UTF-8");
        assertRejected(raw("notObject.st", "{\"a\":[1,2]}", 0), "tensor 'a'", "must be an object");
        assertRejected(raw("meta.st", "{\"__metadata__\":{\"epoch\":3}}", 0), "__metadata__", "epoch", "string");
        assertRejected(raw("field.st", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}", 4), "unknown header field 'x'");
        assertRejected(raw("noShape.st", "{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4), "tensor 'a'", "shape");
        assertRejected(raw("floatShape.st", "{" + entry("a", "F32", "[1.5]", 0, 4) + "}", 4), "tensor 'a'", "non-negative integers");
        assertRejected(raw("negShape.st", "{" + entry("a", "F32", "[-1]", 0, 4) + "}", 4), "tensor 'a'", "non-negative integers");
        assertRejected(raw("threeOffsets.st", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", 8), "tensor 'a'", "2 entries");
    }

    @Test
    void onlyF32IsAccepted() throws Exception {
        assertRejected(raw("bf16.st", "{" + entry("w", "BF16", "[2]", 0, 4) + "}", 4), "tensor 'w'", "dtype BF16", "only F32");
        assertRejected(raw("weird.st", "{" + entry("w", "Q4_K", "[2]", 0, 4) + "}", 4), "dtype Q4_K");
    }

    @Test
    void offsetsMustMatchShapeAndTileTheDataSection() throws Exception {
        assertRejected(raw("span.st", "{" + entry("w", "F32", "[2,3]", 0, 20) + "}", 20), "tensor 'w'", "needs 24 bytes", "span 20");
        assertRejected(raw("backwards.st", "{" + entry("w", "F32", "[0]", 8, 4) + "}", 8), "tensor 'w'", "end before");
        assertRejected(raw("outOfRange.st", "{" + entry("w", "F32", "[4]", 0, 16) + "}", 8), "tensor 'w'", "past the data section of 8 bytes");
        assertRejected(raw("hugeOffset.st", "{" + entry("w", "F32", "[1]", Long.MAX_VALUE - 4, Long.MAX_VALUE) + "}", 4), "tensor 'w'", "past the data section");
        assertRejected(raw("overlap.st", "{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 4, 12) + "}", 12), "tensor 'b'", "overlap tensor 'a'");
        assertRejected(raw("hole.st", "{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 8, 12) + "}", 12), "tensor 'b'", "hole");
        assertRejected(raw("trailing.st", "{" + entry("a", "F32", "[1]", 0, 4) + "}", 8), "cover 4 bytes", "holds 8");
        assertRejected(raw("hugeShape.st", "{" + entry("a", "F32", "[65536,65536,65536]", 0, 4) + "}", 4), "tensor 'a'", "2^31-1");
        assertRejected(raw("hugeDim.st", "{" + entry("a", "F32", "[99999999999999]", 0, 4) + "}", 4), "tensor 'a'", "too large");
    }

    @Test
    void everyTruncationIsACheckpointException() throws Exception {
        Map<String, Tensor> small = new LinkedHashMap<>();
        small.put("w", Tensor.randn(new Rng(7), 3, 5));
        small.put("s", Tensor.scalar(2f));
        small.put("e", Tensor.zeros(0, 2));
        Path good = dir.resolve("good.safetensors");
        SafeTensors.save(good, small, Map.of("k", "v"));
        byte[] bytes = Files.readAllBytes(good);
        Path cut = dir.resolve("cut.safetensors");
        for (int len = 0; len < bytes.length; len++) {
            Files.write(cut, Arrays.copyOf(bytes, len));
            try {
                SafeTensors.load(cut);
                fail("a file truncated to " + len + " of " + bytes.length + " bytes loaded");
            } catch (CheckpointException expected) {
                // the only acceptable outcome
            }
        }
    }

    @Test
    void corruptedBytesNeverEscapeAsAnotherException() throws Exception {
        Map<String, Tensor> small = new LinkedHashMap<>();
        small.put("a", Tensor.randn(new Rng(8), 2, 3));
        small.put("b", Tensor.scalar(1f));
        Path good = dir.resolve("good.safetensors");
        SafeTensors.save(good, small, Map.of("k", "v"));
        byte[] bytes = Files.readAllBytes(good);
        int headerEnd = 8 + (int) ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        byte[] replacements = {0, '9', '"', (byte) 0xFF};
        // Patch one byte at a time in place: cheaper than rewriting the file for each case.
        try (FileChannel ch = FileChannel.open(good, StandardOpenOption.WRITE)) {
            for (int pos = 0; pos < headerEnd; pos++) {
                for (byte r : replacements) {
                    ch.write(ByteBuffer.wrap(new byte[] {r}), pos);
                    try {
                        SafeTensors.load(good);
                    } catch (CheckpointException expected) {
                        // fine: a clear error
                    } catch (RuntimeException | Error other) {
                        throw new AssertionError("byte " + pos + " set to " + r + " escaped as " + other, other);
                    }
                }
                ch.write(ByteBuffer.wrap(bytes, pos, 1), pos);
            }
        }
    }

    // ---- PyTorch interoperability ------------------------------------------------------------------

    private static Path resource(String name) throws Exception {
        return Path.of(SafeTensorsTest.class.getResource(name).toURI());
    }

    /** The file was written from real torch tensors by make_pytorch_safetensors.py (beside it). */
    @Test
    @SuppressWarnings("unchecked")
    void loadsAFileWrittenFromPyTorch() throws Exception {
        LoadedTensors t = SafeTensors.load(resource("pytorch_state_dict.safetensors"));
        Map<String, Object> expected = Json.parseObject(Files.readString(resource("pytorch_state_dict.json")));
        for (Map.Entry<String, Object> e : expected.entrySet()) {
            Map<String, Object> spec = (Map<String, Object>) e.getValue();
            int[] shape = ((List<Object>) spec.get("shape")).stream().mapToInt(x -> ((Long) x).intValue()).toArray();
            List<Object> values = (List<Object>) spec.get("values");
            float[] want = new float[values.size()];
            for (int i = 0; i < want.length; i++) want[i] = ((Number) values.get(i)).floatValue();
            assertArrayEquals(shape, t.get(e.getKey()).shape(), e.getKey());
            assertArrayEquals(want, t.get(e.getKey()).data(), e.getKey());
        }
        assertTrue(t.tensors().keySet().containsAll(List.of("conv1.weight", "conv1.bias", "bn1.running_mean", "bn1.running_var", "fc.weight")));
        assertArrayEquals(new int[] {2, 1, 3, 3}, t.get("conv1.weight").shape());
        assertArrayEquals(new float[] {0.25f, -1.5f}, t.get("bn1.running_mean").data());
        assertEquals(3.5f, t.get("scalar").item());
        assertArrayEquals(new int[0], t.get("scalar").shape());
        assertArrayEquals(new int[] {0, 4}, t.get("empty").shape());
        float[] arange = t.get("arange").data();
        for (int i = 0; i < 24; i++) assertEquals(i * 0.5f - 3f, arange[i]);
        assertArrayEquals(new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, Float.MIN_VALUE, Float.MAX_VALUE}, t.get("special").data());
        assertEquals("pt", t.metadata().get("format"));
    }

    @Test
    void pytorchInt64BufferIsRejectedByName() throws Exception {
        Path f = resource("pytorch_int64.safetensors");
        assertRejected(f, "tensor 'num_batches_tracked'", "dtype I64");
    }

    // ---- atomic writes -----------------------------------------------------------------------------

    @Test
    void aWriteThatFailsMidwayLeavesTheOldFileIntact() throws Exception {
        Path f = dir.resolve("model.safetensors");
        Map<String, Tensor> good = sample(new Rng(9));
        SafeTensors.save(f, good, Map.of("version", "1"));
        byte[] before = Files.readAllBytes(f);

        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(f, ch -> {
            AtomicFiles.writeFully(ch, ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5}));
            throw new IOException("simulated crash: disk full");
        }));
        assertEquals("simulated crash: disk full", e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(f), "the old checkpoint is untouched");
        assertEquals("1", SafeTensors.load(f).metadata().get("version"));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(f), files.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void saveReplacesAnExistingFileAndCreatesFolders() throws Exception {
        Path f = dir.resolve("run/ckpt/model.safetensors");
        SafeTensors.save(f, Map.of("a", Tensor.ones(2)), null);
        SafeTensors.save(f, Map.of("b", Tensor.zeros(3)), Map.of("v", "2"));
        LoadedTensors back = SafeTensors.load(f);
        assertEquals(List.of("b"), List.copyOf(back.tensors().keySet()));
        try (Stream<Path> files = Files.list(f.getParent())) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void badNamesAreRefusedBeforeWriting() {
        Path f = dir.resolve("x.safetensors");
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.save(f, Map.of("__metadata__", Tensor.ones(1)), null));
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.save(f, Map.of("", Tensor.ones(1)), null));
        assertTrue(Files.notExists(f));
    }
}
