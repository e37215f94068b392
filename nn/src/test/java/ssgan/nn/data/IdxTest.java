package ssgan.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ssgan.engine.tensor.Rng;

class IdxTest {
    @TempDir
    Path dir;

    private static IdxArray images(int n, int rows, int cols, long seed) {
        Rng rng = new Rng(seed);
        byte[] px = new byte[n * rows * cols];
        for (int i = 0; i < px.length; i++) px[i] = (byte) rng.nextInt(256);
        return new IdxArray(new int[] {n, rows, cols}, px);
    }

    private static byte[] idxBytes(int magic, int[] dims, byte[] data) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.writeInt(magic);
        for (int d : dims) out.writeInt(d);
        out.write(data);
        return b.toByteArray();
    }

    private static byte[] gzip(byte[] raw) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(b)) {
            gz.write(raw);
        }
        return b.toByteArray();
    }

    @Test
    void aTooLargeDimensionIsNamedWithTheShapeSoFar(@TempDir Path tmp) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x00000803);
        out.writeInt(5);
        out.writeInt(-1);  // 4294967295 unsigned
        out.writeInt(28);
        Path file = Files.write(tmp.resolve("huge-idx3-ubyte"), bytes.toByteArray());
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> Idx.read(file));
        assertTrue(e.getMessage().contains("dimension 1 = 4294967295 makes [5, 4294967295, ...] too large"), e.getMessage());
    }

    @Test
    void roundTripsRawAndGzip() throws Exception {
        IdxArray img = images(7, 5, 3, 1);
        IdxArray lab = new IdxArray(new int[] {7}, new byte[] {0, 9, 3, (byte) 255, 1, 2, 7});
        for (boolean gz : new boolean[] {false, true}) {
            Path pi = dir.resolve("img" + gz);
            Path pl = dir.resolve("lab" + gz);
            Idx.write(pi, img, gz);
            Idx.write(pl, lab, gz);
            assertEquals(gz, Idx.isGzip(pi));
            IdxArray backImg = Idx.readImages(pi);
            IdxArray backLab = Idx.readLabels(pl);
            assertArrayEquals(new int[] {7, 5, 3}, backImg.dims());
            assertArrayEquals(img.data(), backImg.data());
            assertArrayEquals(lab.data(), backLab.data());
            assertEquals(255, backLab.unsigned(3), "labels are unsigned");
            assertEquals(Idx.LABELS_MAGIC, backLab.magic());
            assertEquals(Idx.IMAGES_MAGIC, backImg.magic());
        }
        // Raw file: exactly the documented layout.
        byte[] raw = Files.readAllBytes(dir.resolve("labfalse"));
        assertArrayEquals(idxBytes(0x801, new int[] {7}, lab.data()), raw);
    }

    @Test
    void compressionIsRecognisedByContentNotName() throws Exception {
        IdxArray lab = new IdxArray(new int[] {3}, new byte[] {4, 5, 6});
        Path gzNamedRaw = dir.resolve("labels.gz");
        Path rawNamedGz = dir.resolve("labels-idx1-ubyte");
        Idx.write(gzNamedRaw, lab, false);
        Idx.write(rawNamedGz, lab, true);
        assertArrayEquals(lab.data(), Idx.readLabels(gzNamedRaw).data());
        assertArrayEquals(lab.data(), Idx.readLabels(rawNamedGz).data());
    }

    @Test
    void digestCoversTheDecompressedContent() throws Exception {
        IdxArray img = images(4, 6, 6, 2);
        Path raw = dir.resolve("raw");
        Path gz = dir.resolve("gz");
        Idx.write(raw, img, false);
        Idx.write(gz, img, true);
        String expected = Idx.hex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(raw)));
        MessageDigest md = Idx.sha256();
        Idx.read(gz, 3, md);
        assertEquals(expected, Idx.hex(md.digest()), "one hash per file whatever the compression");
        assertEquals(expected, Idx.sha256OfContent(gz));
        assertEquals(expected, Idx.sha256OfContent(raw));
    }

    private void assertBad(byte[] content, String... fragments) throws Exception {
        Path f = dir.resolve("bad-" + Arrays.hashCode(content));
        Files.write(f, content);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> Idx.read(f));
        assertTrue(e.getMessage().startsWith(f.toString()), "names the file: " + e.getMessage());
        for (String s : fragments) assertTrue(e.getMessage().contains(s), "expected '" + s + "' in: " + e.getMessage());
    }

    @Test
    void rejectsBadMagicTypeAndRank() throws Exception {
        assertBad(idxBytes(0x1f8c0801, new int[] {1}, new byte[1]), "bad magic number 0x1F8C0801");
        assertBad("<html>not found</html>".getBytes(), "bad magic number", "not an IDX file");
        assertBad(idxBytes(0x0D01, new int[] {1}, new byte[4]), "element type 0x0D", "only unsigned bytes");
        assertBad(idxBytes(0x0800, new int[] {}, new byte[0]), "rank 0");
        Path labels = dir.resolve("labels");
        Idx.write(labels, new IdxArray(new int[] {3}, new byte[3]), false);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> Idx.readImages(labels));
        assertTrue(e.getMessage().contains("says rank 1, expected 0x00000803 (images)"), e.getMessage());
        Path imgs = dir.resolve("images");
        Idx.write(imgs, images(2, 2, 2, 9), true);
        e = assertThrows(IdxFormatException.class, () -> Idx.readLabels(imgs));
        assertTrue(e.getMessage().contains("says rank 3, expected 0x00000801 (labels)"), e.getMessage());
    }

    @Test
    void everyTruncationOfARawFileIsAnIdxFormatException() throws Exception {
        byte[] full = idxBytes(0x803, new int[] {2, 3, 4}, new byte[24]);
        for (int len = 0; len < full.length; len++) assertBad(Arrays.copyOf(full, len));
        assertBad(Arrays.copyOf(full, full.length + 1), "trailing bytes");
    }

    @Test
    void truncatedOrDamagedGzipIsAnIdxFormatException() throws Exception {
        byte[] gz = gzip(idxBytes(0x803, new int[] {5, 10, 10}, images(5, 10, 10, 3).data()));
        for (int len : new int[] {2, 10, gz.length / 2, gz.length - 4, gz.length - 1}) assertBad(Arrays.copyOf(gz, len));
        byte[] flipped = gz.clone();
        flipped[gz.length - 6] ^= 0x55; // inside the CRC-32 trailer
        assertBad(flipped, "gzip");
        // Decompresses fine but holds fewer bytes than its header promises.
        assertBad(gzip(idxBytes(0x803, new int[] {5, 10, 10}, new byte[499])), "truncated", "needs 500 data bytes, found 499");
        assertBad(gzip(idxBytes(0x801, new int[] {3}, new byte[4])), "has data after");
    }

    @Test
    void hugeDimensionsInATinyFileFailWithoutAllocating() throws Exception {
        assertBad(idxBytes(0x803, new int[] {60000, 28, 28}, new byte[100]), "file is 116 bytes", "needs 47040016", "truncated");
        assertBad(idxBytes(0x803, new int[] {-1, 28, 28}, new byte[0]), "too large");
        assertBad(idxBytes(0x803, new int[] {65536, 65536, 2}, new byte[0]), "too large");
        // gzip cannot be size-checked up front: it must still fail cleanly, using memory only for real data.
        assertBad(gzip(idxBytes(0x803, new int[] {2_000_000, 32, 32}, new byte[1000])), "truncated", "found 1000");
    }

    @Test
    void arrayChecksItsOwnShape() {
        assertThrows(IllegalArgumentException.class, () -> new IdxArray(new int[] {2, 2}, new byte[3]));
        assertThrows(IllegalArgumentException.class, () -> new IdxArray(new int[] {}, new byte[1]));
        assertFalse(new IdxArray(new int[] {0}, new byte[0]).dims().length == 0);
    }
}
