package ssgan.nn.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ssgan.engine.tensor.Shape;
import ssgan.engine.tensor.Tensor;

/**
 * Reads and writes checkpoints in the safetensors format, the one PyTorch and Hugging Face use, so a
 * state dict saved here opens in Python and back.
 *
 * <pre>
 *   [8 bytes]  N, the header length, unsigned little-endian
 *   [N bytes]  JSON header: {"conv2.weight": {"dtype": "F32", "shape": [64, 32, 4, 4],
 *                                             "data_offsets": [begin, end]}, ...,
 *                            "__metadata__": {"key": "value"}}
 *   [rest]     the data section: each tensor's raw little-endian bytes at [begin, end)
 * </pre>
 *
 * <p>Only F32 is written or read. Loading treats the file as untrusted: every length and offset is
 * checked against the file before anything is allocated, so a corrupt or hostile file gives a
 * {@link CheckpointException} naming the file and tensor, never an OutOfMemoryError or an index
 * exception. Saving is atomic (see {@link AtomicFiles}).
 */
public final class SafeTensors {
    /** Largest header accepted; real ones are a few kilobytes, the reference implementation caps at 100 MB. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final String METADATA_KEY = "__metadata__";
    private static final String F32 = "F32";
    /** Data moves through a buffer of this many bytes, so memory stays flat whatever the tensor size. */
    private static final int CHUNK_BYTES = 1 << 20;

    private SafeTensors() {}

    // ---- writing --------------------------------------------------------------------------------

    /** Saves {@code tensors} (in map order) and {@code metadata} (may be empty or null) to {@code file}, atomically. */
    public static void save(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) {
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) throw new IllegalArgumentException("save " + file + ": metadata keys and values must not be null");
            }
            header.put(METADATA_KEY, new LinkedHashMap<>(metadata));
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name == null || name.isEmpty() || name.equals(METADATA_KEY)) throw new IllegalArgumentException("save " + file + ": invalid tensor name '" + name + "'");
            if (e.getValue() == null) throw new IllegalArgumentException("save " + file + ": tensor '" + name + "' is null");
            long bytes = 4L * e.getValue().numel();
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", F32);
            info.put("shape", e.getValue().shape());
            info.put("data_offsets", new long[] {offset, offset + bytes});
            header.put(name, info);
            offset += bytes;
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        // Pad with spaces so the data section starts 8-byte aligned, as the reference writer does.
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) head.put((byte) ' ');
        head.flip();

        AtomicFiles.write(file, ch -> {
            AtomicFiles.writeFully(ch, head);
            ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (Tensor t : tensors.values()) writeFloats(ch, t.data(), chunk);
        });
    }

    private static void writeFloats(FileChannel ch, float[] data, ByteBuffer chunk) throws IOException {
        int perChunk = chunk.capacity() / 4;
        for (int off = 0; off < data.length; off += perChunk) {
            int n = Math.min(perChunk, data.length - off);
            chunk.clear();
            chunk.asFloatBuffer().put(data, off, n); // the view inherits the buffer's little-endian order
            chunk.limit(4 * n);
            AtomicFiles.writeFully(ch, chunk);
        }
    }

    // ---- reading --------------------------------------------------------------------------------

    /** One tensor's header entry, checked. */
    private record Entry(String name, int[] shape, long begin, long end) {}

    /** Loads every tensor and the metadata of {@code file}. */
    public static LoadedTensors load(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw new CheckpointException(file, "file is " + size + " bytes, too short for a safetensors header (at least 8 needed)");
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0, file);
            long headerLen = lenBuf.flip().getLong(); // unsigned on disk: a huge value reads as negative here
            if (headerLen < 2 || headerLen > size - 8 || headerLen > MAX_HEADER_BYTES) {
                throw new CheckpointException(file, "header length " + Long.toUnsignedString(headerLen) + " is impossible for a file of " + size
                        + " bytes (must be between 2 and min(file size - 8, " + MAX_HEADER_BYTES + ")); the file is truncated or not safetensors");
            }
            ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
            readFully(ch, headerBuf, 8, file);
            Map<String, String> metadata = new LinkedHashMap<>();
            List<Entry> entries = parseHeader(file, headerBuf.flip(), metadata);
            long dataStart = 8 + headerLen;
            checkLayout(file, entries, size - dataStart);

            Map<String, Tensor> tensors = new LinkedHashMap<>();
            long largest = entries.stream().mapToLong(e -> e.end - e.begin).max().orElse(0);
            ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, Math.max(4, largest))).order(ByteOrder.LITTLE_ENDIAN);
            for (Entry e : entries) {
                float[] data = new float[Shape.numel(e.shape)];
                readFloats(ch, dataStart + e.begin, data, chunk, file);
                tensors.put(e.name, Tensor.wrap(data, e.shape));
            }
            return new LoadedTensors(Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
        }
    }

    /**
     * Copies the tensors of {@code file} into the existing tensors of {@code target} (a model's state
     * dict), strictly: the names must be the same set and every shape must match. All problems are
     * reported at once, and nothing is copied unless everything matches. Returns the file's metadata.
     */
    public static Map<String, String> loadInto(Path file, Map<String, Tensor> target) throws IOException {
        LoadedTensors loaded = load(file);
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> wrongShape = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : target.entrySet()) {
            Tensor src = loaded.tensors().get(e.getKey());
            if (src == null) {
                missing.add(e.getKey());
            } else if (!Arrays.equals(src.shape(), e.getValue().shape())) {
                wrongShape.add(e.getKey() + " (file " + Shape.str(src.shape()) + ", expected " + Shape.str(e.getValue().shape()) + ")");
            }
        }
        for (String name : loaded.tensors().keySet()) {
            if (!target.containsKey(name)) unexpected.add(name);
        }
        if (!missing.isEmpty() || !unexpected.isEmpty() || !wrongShape.isEmpty()) {
            StringBuilder msg = new StringBuilder("does not match the model's state dict:");
            if (!missing.isEmpty()) msg.append(" missing keys ").append(missing).append(';');
            if (!unexpected.isEmpty()) msg.append(" unexpected keys ").append(unexpected).append(';');
            if (!wrongShape.isEmpty()) msg.append(" shape mismatch for ").append(wrongShape).append(';');
            msg.setLength(msg.length() - 1);
            throw new CheckpointException(file, msg.toString());
        }
        for (Map.Entry<String, Tensor> e : target.entrySet()) {
            float[] src = loaded.tensors().get(e.getKey()).data();
            System.arraycopy(src, 0, e.getValue().data(), 0, src.length);
        }
        return loaded.metadata();
    }

    private static List<Entry> parseHeader(Path file, ByteBuffer bytes, Map<String, String> metadataOut) throws CheckpointException {
        if (bytes.get(0) != '{') throw new CheckpointException(file, "header does not start with '{'; not a safetensors file");
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointException(file, "header is not valid UTF-8", e);
        }
        Map<String, Object> root;
        try {
            root = Json.parseObject(text);
        } catch (Json.JsonException e) {
            throw new CheckpointException(file, "header is not valid JSON: " + e.getMessage(), e);
        }
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, Object> e : root.entrySet()) {
            if (e.getKey().equals(METADATA_KEY)) {
                parseMetadata(file, e.getValue(), metadataOut);
            } else {
                entries.add(parseEntry(file, e.getKey(), e.getValue()));
            }
        }
        return entries;
    }

    private static void parseMetadata(Path file, Object value, Map<String, String> out) throws CheckpointException {
        if (!(value instanceof Map)) throw new CheckpointException(file, "__metadata__ must be an object of strings, got " + Json.typeName(value));
        for (Map.Entry<?, ?> m : ((Map<?, ?>) value).entrySet()) {
            if (!(m.getValue() instanceof String)) {
                throw new CheckpointException(file, "__metadata__ value for '" + m.getKey() + "' must be a string, got " + Json.typeName(m.getValue()));
            }
            out.put((String) m.getKey(), (String) m.getValue());
        }
    }

    private static Entry parseEntry(Path file, String name, Object value) throws CheckpointException {
        String where = "tensor '" + name + "': ";
        if (!(value instanceof Map)) throw new CheckpointException(file, where + "header entry must be an object, got " + Json.typeName(value));
        Map<?, ?> info = (Map<?, ?>) value;
        for (Object key : info.keySet()) {
            if (!key.equals("dtype") && !key.equals("shape") && !key.equals("data_offsets")) {
                throw new CheckpointException(file, where + "unknown header field '" + key + "'");
            }
        }
        Object dtype = info.get("dtype");
        if (!(dtype instanceof String)) throw new CheckpointException(file, where + "dtype must be a string, got " + Json.typeName(dtype));
        if (!dtype.equals(F32)) {
            throw new CheckpointException(file, where + "dtype " + dtype + " is not supported; only F32 can be loaded (convert with tensor.float() before saving)");
        }
        long[] shape = longArray(file, where + "shape", info.get("shape"), -1);
        long[] offsets = longArray(file, where + "data_offsets", info.get("data_offsets"), 2);
        int[] intShape = new int[shape.length];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] > Integer.MAX_VALUE) throw new CheckpointException(file, where + "dimension " + shape[i] + " is too large");
            intShape[i] = (int) shape[i];
            // Once past Integer.MAX_VALUE the tensor cannot be a Java array: stop before the product overflows.
            numel *= shape[i];
            if (numel > Integer.MAX_VALUE) throw new CheckpointException(file, where + "shape " + Arrays.toString(shape) + " has more than 2^31-1 elements");
        }
        long begin = offsets[0];
        long end = offsets[1];
        if (end < begin) throw new CheckpointException(file, where + "data_offsets [" + begin + ", " + end + "] end before they begin");
        if (end - begin != 4 * numel) {
            throw new CheckpointException(file, where + "shape " + Arrays.toString(shape) + " needs " + 4 * numel + " bytes of F32 but data_offsets ["
                    + begin + ", " + end + "] span " + (end - begin));
        }
        return new Entry(name, intShape, begin, end);
    }

    /** A JSON array of non-negative integers ({@code length} of them unless it is -1). */
    private static long[] longArray(Path file, String what, Object value, int length) throws CheckpointException {
        if (!(value instanceof List)) throw new CheckpointException(file, what + " must be an array of integers, got " + Json.typeName(value));
        List<?> list = (List<?>) value;
        if (length >= 0 && list.size() != length) throw new CheckpointException(file, what + " must have " + length + " entries, got " + list.size());
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            Object v = list.get(i);
            if (!(v instanceof Long) || (Long) v < 0) throw new CheckpointException(file, what + " must hold non-negative integers, got " + v);
            out[i] = (Long) v;
        }
        return out;
    }

    /**
     * The spec requires the tensors to tile the data section exactly: sorted by offset, each begins
     * where the previous ended, the first at 0 and the last at the end of the file. This rules out
     * overlaps (two tensors sharing bytes), holes and trailing garbage.
     */
    private static void checkLayout(Path file, List<Entry> entries, long dataBytes) throws CheckpointException {
        for (Entry e : entries) {
            if (e.end > dataBytes) {
                throw new CheckpointException(file, "tensor '" + e.name + "': data_offsets [" + e.begin + ", " + e.end + "] go past the data section of "
                        + dataBytes + " bytes; the file is truncated or corrupt");
            }
        }
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        String previous = null;
        for (Entry e : sorted) {
            if (e.begin < expected) {
                throw new CheckpointException(file, "tensor '" + e.name + "': data_offsets [" + e.begin + ", " + e.end + "] overlap tensor '" + previous + "'");
            }
            if (e.begin > expected) {
                throw new CheckpointException(file, "tensor '" + e.name + "': data_offsets begin at " + e.begin + " leaving a hole at [" + expected + ", "
                        + e.begin + ") in the data section");
            }
            expected = e.end;
            previous = e.name;
        }
        if (expected != dataBytes) {
            throw new CheckpointException(file, "the tensors cover " + expected + " bytes but the data section holds " + dataBytes + "; trailing bytes are not allowed");
        }
    }

    private static void readFloats(FileChannel ch, long position, float[] dst, ByteBuffer chunk, Path file) throws IOException {
        int perChunk = chunk.capacity() / 4;
        for (int off = 0; off < dst.length; off += perChunk) {
            int n = Math.min(perChunk, dst.length - off);
            chunk.clear().limit(4 * n);
            readFully(ch, chunk, position + 4L * off, file);
            chunk.flip();
            chunk.asFloatBuffer().get(dst, off, n);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position, Path file) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            // The file shrank under us (we checked its size): report it instead of looping forever.
            if (n < 0) throw new CheckpointException(file, "unexpected end of file at byte " + pos, new EOFException());
            pos += n;
        }
    }
}
