package ssgan.nn.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Just enough of a tar reader to take a few named files out of an npm package ({@code .tgz} =
 * gzip around tar), so no archive library is needed.
 *
 * <p>A tar file is a sequence of 512-byte headers, each followed by the file's bytes padded to a
 * multiple of 512, ending with zero blocks. The header holds the name (bytes 0–99, with a ustar
 * prefix at 345–499), the size in octal (124–135) and the entry type (156). Extended headers
 * (pax, GNU long names) are skipped, as are entries not asked for.
 */
final class TarReader {
    private static final int BLOCK = 512;

    private TarReader() {}

    /**
     * Copies each entry whose path is a key of {@code wanted} to the file it maps to, and returns the
     * paths it found. Stops at the end-of-archive marker.
     */
    static Set<String> extract(InputStream tar, Map<String, Path> wanted) throws IOException {
        Map<String, Path> found = new HashMap<>();
        byte[] header = new byte[BLOCK];
        while (true) {
            int got = tar.readNBytes(header, 0, BLOCK);
            if (got == 0) break; // archive without end marker: tolerate
            if (got < BLOCK) throw new IOException("tar archive truncated inside a header");
            if (isZero(header)) break;
            String name = string(header, 0, 100);
            String prefix = string(header, 345, 155);
            if (!prefix.isEmpty() && isUstar(header)) name = prefix + "/" + name;
            long size = octal(header, 124, 12);
            byte type = header[156];
            boolean regularFile = type == '0' || type == 0;
            Path target = regularFile ? wanted.get(name) : null;
            if (target != null) {
                try (OutputStream out = Files.newOutputStream(target)) {
                    copy(tar, out, size);
                }
                found.put(name, target);
            } else {
                skip(tar, size);
            }
            skip(tar, (BLOCK - size % BLOCK) % BLOCK); // padding to the next block
        }
        return found.keySet();
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) if (b != 0) return false;
        return true;
    }

    private static boolean isUstar(byte[] header) {
        return string(header, 257, 6).startsWith("ustar");
    }

    /** A NUL-terminated ASCII field. */
    private static String string(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) end++;
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    /** A numeric field: octal digits, padded with spaces or NULs. */
    private static long octal(byte[] b, int off, int len) throws IOException {
        if ((b[off] & 0x80) != 0) throw new IOException("tar entry larger than 8 GB (base-256 size) is not supported");
        long v = 0;
        for (int i = off; i < off + len; i++) {
            byte c = b[i];
            if (c == 0 || c == ' ') {
                if (v > 0) break;
                continue;
            }
            if (c < '0' || c > '7') throw new IOException("tar header has a malformed size field");
            v = v * 8 + (c - '0');
        }
        return v;
    }

    private static void copy(InputStream in, OutputStream out, long n) throws IOException {
        byte[] buf = new byte[1 << 16];
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (r < 0) throw new IOException("tar archive truncated inside an entry");
            out.write(buf, 0, r);
            n -= r;
        }
    }

    private static void skip(InputStream in, long n) throws IOException {
        byte[] buf = new byte[8192];
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (r < 0) throw new IOException("tar archive truncated");
            n -= r;
        }
    }
}
