package ssgan.nn.data;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;
import ssgan.nn.io.AtomicFiles;

/**
 * Reads and writes IDX files, the format of MNIST (and Fashion-MNIST, KMNIST, EMNIST...).
 *
 * <pre>
 *   magic   4 bytes, big-endian: 0x00 0x00 type rank   (type 0x08 = unsigned byte)
 *   dims    rank × 4 bytes, big-endian
 *   data    the elements, row-major
 * </pre>
 *
 * <p>Files may be raw or gzip-compressed; compression is recognised by the gzip magic bytes
 * (1f 8b), not by the file name. Only unsigned-byte files are supported. The dimensions are checked
 * against the file's length before the data is allocated (raw) or as it is decompressed (gzip), so a
 * truncated or foreign file is a clear {@link IdxFormatException}, never an OutOfMemoryError.
 */
public final class Idx {
    /** IDX type code of unsigned bytes, the only type MNIST uses. */
    public static final int UNSIGNED_BYTE = 0x08;
    public static final int LABELS_MAGIC = 0x00000801;
    public static final int IMAGES_MAGIC = 0x00000803;

    private Idx() {}

    /** Reads an IDX file of any rank. */
    public static IdxArray read(Path file) throws IOException {
        return read(file, -1, null);
    }

    /** Reads a labels file (magic 0x00000801: unsigned bytes, rank 1). */
    public static IdxArray readLabels(Path file) throws IOException {
        return read(file, 1, null);
    }

    /** Reads an images file (magic 0x00000803: unsigned bytes, rank 3). */
    public static IdxArray readImages(Path file) throws IOException {
        return read(file, 3, null);
    }

    /**
     * Reads an IDX file, requiring rank {@code expectedRank} unless it is -1. When {@code digest} is
     * given it is fed every decompressed byte, so one pass both parses and checksums the content.
     */
    public static IdxArray read(Path file, int expectedRank, MessageDigest digest) throws IOException {
        boolean gzip = isGzip(file);
        long fileSize = Files.size(file);
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
            if (digest != null) in = new DigestInputStream(in, digest);
            return parse(file, in, gzip, fileSize, expectedRank);
        } catch (ZipException | EOFException e) {
            // A damaged gzip stream (bad CRC, cut-off trailer...) surfaces here.
            throw new IdxFormatException(file, "corrupt or truncated gzip data: " + e.getMessage(), e);
        }
    }

    private static IdxArray parse(Path file, InputStream in, boolean gzip, long fileSize, int expectedRank) throws IOException {
        byte[] magic = new byte[4];
        int got = in.readNBytes(magic, 0, 4);
        if (got < 4) throw new IdxFormatException(file, "only " + got + " bytes" + (gzip ? " after decompression" : "") + ", too short for an IDX magic number");
        int magicValue = ByteBuffer.wrap(magic).getInt();
        if (magic[0] != 0 || magic[1] != 0) {
            throw new IdxFormatException(file, String.format("bad magic number 0x%08X: not an IDX file (labels start with 0x%08X, images with 0x%08X)",
                    magicValue, LABELS_MAGIC, IMAGES_MAGIC));
        }
        int type = magic[2] & 0xFF;
        int rank = magic[3] & 0xFF;
        if (type != UNSIGNED_BYTE) {
            throw new IdxFormatException(file, String.format("magic number 0x%08X has element type 0x%02X; only unsigned bytes (0x08) are supported", magicValue, type));
        }
        if (rank == 0 || (expectedRank >= 0 && rank != expectedRank)) {
            String want = expectedRank == 1 ? " (labels)" : expectedRank == 3 ? " (images)" : "";
            throw new IdxFormatException(file, String.format("magic number 0x%08X says rank %d, expected 0x%08X%s", magicValue, rank,
                    UNSIGNED_BYTE << 8 | Math.max(expectedRank, 1), want));
        }
        byte[] dimBytes = new byte[4 * rank];
        got = in.readNBytes(dimBytes, 0, dimBytes.length);
        if (got < dimBytes.length) throw new IdxFormatException(file, "truncated in the header: " + rank + " dimensions need " + dimBytes.length + " bytes, found " + got);
        ByteBuffer dimBuf = ByteBuffer.wrap(dimBytes); // big-endian, as IDX is
        int[] dims = new int[rank];
        long numel = 1;
        for (int i = 0; i < rank; i++) {
            long d = Integer.toUnsignedLong(dimBuf.getInt());
            numel *= d; // at most (2^32)^2 before the check below stops it: no overflow
            if (d > Integer.MAX_VALUE || numel > Integer.MAX_VALUE - 8) {
                String shape = Arrays.toString(Arrays.copyOf(dims, i)).replace("]", (i > 0 ? ", " : "") + d + ", ...]");
                throw new IdxFormatException(file, "dimension " + i + " = " + d + " makes " + shape + " too large for one array");
            }
            dims[i] = (int) d;
        }
        long headerBytes = 4 + 4L * rank;
        if (!gzip && fileSize != headerBytes + numel) {
            throw new IdxFormatException(file, "file is " + fileSize + " bytes but its header " + Arrays.toString(dims) + " needs " + (headerBytes + numel)
                    + (fileSize < headerBytes + numel ? "; it is truncated" : "; it has trailing bytes") + " (wrong or damaged file?)");
        }
        byte[] data = gzip ? readGrowing(in, (int) numel) : readExactly(in, (int) numel);
        if (data.length < numel) {
            throw new IdxFormatException(file, "truncated: header " + Arrays.toString(dims) + " needs " + numel + " data bytes, found " + data.length);
        }
        if (in.read() != -1) throw new IdxFormatException(file, "has data after the " + numel + " bytes its header " + Arrays.toString(dims) + " describes");
        return new IdxArray(dims, data);
    }

    /** Reads up to {@code n} bytes into one array of that size (the raw file's length was checked first). */
    private static byte[] readExactly(InputStream in, int n) throws IOException {
        byte[] buf = new byte[n];
        int len = in.readNBytes(buf, 0, n);
        return len == n ? buf : Arrays.copyOf(buf, len);
    }

    /**
     * Reads up to {@code n} bytes, growing the buffer as data actually arrives: a gzip header that
     * lies about the size costs only as much memory as the stream really holds.
     */
    private static byte[] readGrowing(InputStream in, int n) throws IOException {
        byte[] buf = new byte[Math.min(n, 1 << 20)];
        int len = 0;
        while (len < n) {
            if (len == buf.length) buf = Arrays.copyOf(buf, (int) Math.min(n, 2L * buf.length));
            int r = in.read(buf, len, buf.length - len);
            if (r < 0) break;
            len += r;
        }
        return len == buf.length ? buf : Arrays.copyOf(buf, len);
    }

    /** True when the file starts with the gzip magic bytes 1f 8b. */
    public static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    /** The SHA-256 (hex) of a file's content, decompressed first when it is gzip. */
    public static String sha256OfContent(Path file) throws IOException {
        MessageDigest md = sha256();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            InputStream in = isGzip(file) ? new GZIPInputStream(raw, 1 << 16) : raw;
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) >= 0; ) md.update(buf, 0, r);
        } catch (ZipException | EOFException e) {
            throw new IdxFormatException(file, "corrupt or truncated gzip data: " + e.getMessage(), e);
        }
        return hex(md.digest());
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    public static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    /** Writes {@code array} as an IDX file, gzip-compressed if asked, atomically. */
    public static void write(Path file, IdxArray array, boolean gzip) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(8 + 4 * array.rank() + array.data().length);
        try (DataOutputStream out = new DataOutputStream(gzip ? new GZIPOutputStream(bytes) : bytes)) {
            out.writeInt(array.magic()); // DataOutputStream is big-endian, as IDX wants
            for (int d : array.dims()) out.writeInt(d);
            out.write(array.data());
        }
        AtomicFiles.write(file, ch -> AtomicFiles.writeFully(ch, ByteBuffer.wrap(bytes.toByteArray())));
    }
}
