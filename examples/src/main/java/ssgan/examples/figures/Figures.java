package ssgan.examples.figures;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Draws every figure of the documentation into one folder, from the engine's own tables and constants
 * and from data committed in the repository (nothing is measured or trained here; it takes a few seconds):
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp examples/target/examples.jar ssgan.examples.figures.Figures [OUT_DIR [REPO_ROOT]]
 * </pre>
 * OUT_DIR defaults to {@code docs/figures}, REPO_ROOT (where {@code docs/} is) to the current folder. The
 * list of figures, what each shows and where its data come from is in {@code docs/figures/README.md}, and
 * {@link #FIGURES} here.
 */
public final class Figures {
    private Figures() {}

    /** One figure: its file name in OUT_DIR and what it shows. */
    public record Figure(String file, String shows) {}

    public static final List<Figure> FIGURES = List.of(
            new Figure(Im2ColFigure.FILE, "the im2col matrix of a 2-channel 4×4 image, 3×3 kernel, padding 1, beside the image"),
            new Figure(SubPixelFigure.FILE, "the four sub-pixel phases of a 5×5 stride-2 transposed convolution"),
            new Figure(GemmBlockingFigure.FILE, "VectorGemm's blocks (MR, NR, KC, MC, NC) on d3's forward product"),
            new Figure(PeakShareFigure.FILE, "share of peak per SSGAN layer and pass, ours and PyTorch's (docs/benchmarks.md)"),
            new Figure(TrainingCurvesFigure.FILE, "validation and test accuracy over training, the runs of docs/results.md"),
            new Figure(SampleGridsFigure.FILE, "the generator's samples at four evaluations of the default run"));

    /**
     * Writes every figure into {@code outDir}, reading {@code docs/benchmarks.md} and
     * {@code docs/figures/data/} under {@code root}; returns the files written, in the order of {@link #FIGURES}.
     */
    public static List<Path> generate(Path outDir, Path root) throws IOException {
        Path docs = root.resolve("docs"), data = docs.resolve("figures").resolve("data");
        Files.createDirectories(outDir);
        List<Path> written = new ArrayList<>();
        written.add(write(outDir, Im2ColFigure.FILE, f -> Im2ColFigure.draw(Im2ColFigure.data(), f)));
        written.add(write(outDir, SubPixelFigure.FILE, f -> SubPixelFigure.draw(SubPixelFigure.data(), f)));
        written.add(write(outDir, GemmBlockingFigure.FILE, f -> GemmBlockingFigure.draw(GemmBlockingFigure.data(), f)));
        written.add(write(outDir, PeakShareFigure.FILE, f -> PeakShareFigure.draw(PeakShareFigure.parse(docs.resolve("benchmarks.md")), f)));
        written.add(write(outDir, TrainingCurvesFigure.FILE, f -> TrainingCurvesFigure.draw(TrainingCurvesFigure.read(data), f)));
        written.add(write(outDir, SampleGridsFigure.FILE, f -> SampleGridsFigure.draw(SampleGridsFigure.read(data), f)));
        return written;
    }

    private interface Drawing {
        void draw(Path file) throws IOException;
    }

    private static Path write(Path outDir, String name, Drawing drawing) throws IOException {
        Path file = outDir.resolve(name);
        drawing.draw(file);
        return file;
    }

    public static void main(String[] args) throws IOException {
        if (args.length > 2 || (args.length > 0 && args[0].startsWith("-"))) {
            System.err.println("usage: Figures [OUT_DIR [REPO_ROOT]]   (defaults: docs/figures and the current folder)");
            System.exit(2);
        }
        Path out = Path.of(args.length > 0 ? args[0] : "docs/figures"), root = Path.of(args.length > 1 ? args[1] : ".");
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            // The GEMM figure reads VectorGemm's block sizes, and that class needs the module to load at all.
            System.err.println("the figures need the Vector API: run java with --add-modules jdk.incubator.vector");
            System.exit(2);
        }
        if (!Files.isRegularFile(root.resolve("docs/benchmarks.md"))) {
            System.err.println(root.toAbsolutePath().normalize() + " is not the repository root (no docs/benchmarks.md): "
                    + "run from there, or give it as the second argument");
            System.exit(2);
        }
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
        List<Path> files = generate(out, root);
        for (int i = 0; i < files.size(); i++) System.out.println(files.get(i) + ": " + FIGURES.get(i).shows());
    }
}
