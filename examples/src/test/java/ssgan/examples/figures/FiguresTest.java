package ssgan.examples.figures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import ssgan.engine.kernels.ConvGeometry;
import ssgan.engine.kernels.Gemm;
import ssgan.engine.kernels.ImplicitMatrix;
import ssgan.engine.kernels.Simd;
import ssgan.engine.ops.Conv2dSpec;
import ssgan.engine.ops.ConvTranspose2dSpec;
import ssgan.engine.ops.Convolution;
import ssgan.engine.ops.Padding;
import ssgan.engine.parallel.Parallel;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;

/**
 * The figures are regenerated into a temporary folder and each PNG is read back; the ones drawn from the
 * engine's tables and constants are checked against what the engine computes with them.
 */
class FiguresTest {
    /** The repository root: surefire runs the tests in examples/. */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void writesEveryFigureAsAPngThatImageIoReads(@TempDir Path dir) throws IOException {
        List<Path> files = Figures.generate(dir, ROOT);

        assertEquals(Figures.FIGURES.size(), files.size());
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            assertEquals(dir.resolve(Figures.FIGURES.get(i).file()), file);
            BufferedImage image = ImageIO.read(file.toFile());
            assertNotNull(image, file + " does not decode");
            assertTrue(image.getWidth() >= 800 && image.getWidth() <= 2000 && image.getHeight() >= 300 && image.getHeight() <= 1200,
                    file + ": " + image.getWidth() + "×" + image.getHeight());
            assertTrue(inkedShare(image) > 0.05, file + " is nearly blank: " + inkedShare(image));
            // Each figure is also committed, where the documents link to it.
            assertTrue(Files.isRegularFile(ROOT.resolve("docs/figures").resolve(file.getFileName())),
                    file.getFileName() + " is not in docs/figures: regenerate the figures (see docs/figures/README.md)");
        }
    }

    /** The share of pixels that are not white. */
    private static double inkedShare(BufferedImage image) {
        long inked = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) if ((image.getRGB(x, y) & 0xFFFFFF) != 0xFFFFFF) inked++;
        }
        return inked / (double) ((long) image.getWidth() * image.getHeight());
    }

    // ---- im2col: the map drawn is the engine's, and the matrix drawn reproduces conv2d ------------------

    @Test
    void theIm2colMapIsTheEnginesOwnAndItsMatrixReproducesConv2d() {
        Im2ColFigure.Data d = Im2ColFigure.data();
        ConvGeometry g = d.geometry();
        assertArrayEquals(EngineInternals.windowOffsets(g), d.offsets(), "lesson 7's map against Im2ColMatrix.windowOffsets");

        int outChannels = 3, positions = g.outPlane();
        Tensor w = Tensor.randn(new Rng(5), outChannels, g.channels(), g.kernelH(), g.kernelW());
        float[] y = new float[outChannels * positions];
        Gemm.gemm(outChannels, positions, g.patchSize(), w.data(), d.columns(), y);  // Y = W · cols
        Conv2dSpec spec = Conv2dSpec.of(g.strideH(), Padding.of(g.padTop()));
        float[] conv = Convolution.conv2d(d.input(), w, null, spec).data();  // [1, O, 4, 4]: the same order as Y
        for (int i = 0; i < y.length; i++) assertEquals(conv[i], y[i], 1e-4 * (1 + Math.abs(conv[i])), "output " + i);
    }

    // ---- sub-pixel phases: a partition of pixels and taps whose sums are convTranspose2d ---------------

    @Test
    void everyPixelAndEveryTapIsInExactlyOnePhase() {
        SubPixelFigure.Data d = SubPixelFigure.data();
        ConvGeometry g = d.geometry();
        int[] pixelCount = new int[g.imagePlane()], tapCount = new int[g.kernelH() * g.kernelW()];
        for (EngineInternals.Phase p : d.phases()) {
            for (int px : p.pixels()) pixelCount[px]++;
            for (int t : p.kernelTaps()) tapCount[t]++;
            assertEquals(p.kernelTaps().length * p.pixels().length, p.offsets().length);
        }
        assertEquals(4, d.phases().size(), "stride 2 on both axes: four phases");
        assertTrue(Arrays.stream(pixelCount).allMatch(n -> n == 1), Arrays.toString(pixelCount));
        assertTrue(Arrays.stream(tapCount).allMatch(n -> n == 1), Arrays.toString(tapCount));
    }

    /**
     * y[co, pixel] = Σ over input channels ci and the phase's taps t of x[ci, offsets[t, pixel]]·w[ci, co, tap t],
     * against the engine's convTranspose2d. With as many or more input than output channels the engine
     * itself takes the column route (col2im), so that comparison is against an independent computation.
     */
    @ParameterizedTest
    @CsvSource({"1, 1", "3, 2", "2, 3"})
    void summingThePhasesReproducesConvTranspose2d(int in, int out) {
        ConvGeometry g = SubPixelFigure.data().geometry();
        List<EngineInternals.Phase> phases = SubPixelFigure.data().phases();
        Rng rng = new Rng(3);
        Tensor x = Tensor.randn(rng, 1, in, g.outH(), g.outW());
        Tensor w = Tensor.randn(rng, in, out, g.kernelH(), g.kernelW());
        float[] engine = Convolution.convTranspose2d(x, w, null, ConvTranspose2dSpec.same(g.strideH())).data();

        int taps = g.kernelH() * g.kernelW();
        double[] y = new double[out * g.imagePlane()];
        for (EngineInternals.Phase p : phases) {
            int positions = p.pixels().length;
            for (int q = 0; q < positions; q++) {
                for (int co = 0; co < out; co++) {
                    double s = 0;
                    for (int t = 0; t < p.kernelTaps().length; t++) {
                        int at = p.offsets()[t * positions + q];
                        if (at < 0) continue;
                        for (int ci = 0; ci < in; ci++) {
                            s += (double) x.data()[ci * g.outPlane() + at] * w.data()[(ci * out + co) * taps + p.kernelTaps()[t]];
                        }
                    }
                    y[co * g.imagePlane() + p.pixels()[q]] = s;
                }
            }
        }
        for (int i = 0; i < y.length; i++) assertEquals(y[i], engine[i], 1e-4 * (1 + Math.abs(y[i])), "output " + i);
    }

    // ---- GEMM blocking: the sizes drawn are the ones the engine's GEMM packs with -----------------------

    @Test
    void theBlockSizesDrawnAreTheOnesTheGemmPacksWith() {
        assertTrue(Simd.ENABLED, "the test JVM runs with the Vector API (surefire's argLine)");
        GemmBlockingFigure.Blocking b = GemmBlockingFigure.data().blocking();
        assertEquals(FloatVector.SPECIES_PREFERRED.length(), b.lanes());
        assertEquals(2 * b.lanes(), b.nr(), "a micro-tile row is two vectors");
        assertEquals(0, b.mc() % b.mr());
        assertEquals(0, b.nc() % b.nr());

        // An implicit B that records every block the GEMM asks it to pack: one more k slice than KC
        // holds and one more column strip than NC, on one thread so that the order is the loops' order.
        int m = b.mr(), k = b.kc() + 3, n = b.nc() + b.nr() + 5;
        List<int[]> calls = new ArrayList<>();  // {row0, rowCount, col0, colCount, width}
        ImplicitMatrix recorder = new ImplicitMatrix() {
            @Override
            public int rows() {
                return k;
            }

            @Override
            public int columns() {
                return n;
            }

            @Override
            public void pack(int row0, int rowCount, int col0, int colCount, int width, float[] dst, int off) {
                calls.add(new int[] {row0, rowCount, col0, colCount, width});
                for (int r = 0; r < rowCount; r++) {
                    Arrays.fill(dst, off + r * width, off + r * width + colCount, 1f);
                    Arrays.fill(dst, off + r * width + colCount, off + (r + 1) * width, 0f);
                }
            }
        };
        float[] a = new float[m * k], c = new float[m * n];
        Arrays.fill(a, 1f);
        int threads = Parallel.threads();
        Parallel.setThreads(1);
        try {
            Gemm.gemm(false, m, n, k, a, 0, k, recorder, c, 0, n, false);
        } finally {
            Parallel.setThreads(threads);
        }

        assertEquals(k, c[0], "A and B are all ones: every entry of C is k");
        Set<Integer> rowCounts = new TreeSet<>(), widths = new TreeSet<>(), col0s = new TreeSet<>();
        int beforeSecondSlice = -1;
        for (int i = 0; i < calls.size(); i++) {
            int[] call = calls.get(i);
            rowCounts.add(call[1]);
            widths.add(call[4]);
            col0s.add(call[2]);
            if (beforeSecondSlice < 0 && call[0] == b.kc()) beforeSecondSlice = i;
        }
        assertEquals(Set.of(b.kc(), k - b.kc()), rowCounts, "B is packed in k slices of KC rows");
        assertEquals(Set.of(b.nr()), widths, "every B sliver is NR columns wide");
        assertEquals((n + b.nr() - 1) / b.nr(), col0s.size(), "one sliver per NR columns");
        assertEquals(b.nc() / b.nr(), beforeSecondSlice, "the first panel is NC columns: its slivers all come before the next k slice");
    }

    // ---- the data read from docs/ ---------------------------------------------------------------------

    @Test
    void theLayerTableOfTheBenchmarksIsThere() throws IOException {
        PeakShareFigure.Data d = PeakShareFigure.parse(ROOT.resolve("docs/benchmarks.md"));
        Set<String> layers = new TreeSet<>();
        for (PeakShareFigure.LayerRow r : d.rows()) {
            layers.add(r.layer() + " " + r.pass());
            assertTrue(r.oursMs() > 0 && r.pytorchMs() > 0 && r.oursPercent() > 0 && r.oursPercent() <= 100, r.toString());
        }
        assertEquals(16, layers.size(), "d1–d4 and g1–g4, forward and backward: " + layers);
        assertTrue(d.peakGflops() > 0, "the peak is named above the table");
    }

    @Test
    void theTableParserReadsContinuationRowsAndUnits(@TempDir Path dir) throws IOException {
        Path md = dir.resolve("b.md");
        Files.writeString(md, String.join("\n",
                "Peak: median 300 GFLOP/s on two threads.",
                "",
                "| layer | pass | before | now | now / before | % of peak | PyTorch | PyTorch / now |",
                "|---|---|---:|---:|---:|---:|---:|---:|",
                "| d1 conv 1→64, 5×5/2 | forward | 1.19 ms | 2.00 ms | 0.78 | 20 % | 4.00 ms | 2.00 |",
                "|  | backward | 3.02 ms | 500 µs | 1.01 | 12 % | 1.00 ms | 2.00 |",
                "",
                "| another | table |"));
        PeakShareFigure.Data d = PeakShareFigure.parse(md);
        assertEquals(2, d.rows().size());
        assertEquals(new PeakShareFigure.LayerRow("d1", "backward", 0.5, 12, 1.0), d.rows().get(1));
        assertEquals(10.0, d.rows().get(0).pytorchPercent(), 1e-12, "the same flops in twice the time: half the share");
        assertEquals(300, d.peakGflops());

        Files.writeString(md, "| layer | pass | now |\n|---|---|---|\n| d1 | forward | 1 ms |\n");
        assertTrue(assertThrows(IllegalStateException.class, () -> PeakShareFigure.parse(md)).getMessage().contains("no table"));
    }

    @Test
    void theCommittedRunsAreAllThere() throws IOException {
        Path data = ROOT.resolve("docs/figures/data");
        List<TrainingCurvesFigure.Run> runs = TrainingCurvesFigure.read(data);
        assertEquals(8, runs.size());
        for (TrainingCurvesFigure.Run run : runs) {
            long last = run.rows().get(run.rows().size() - 1).iteration();
            assertEquals(run.setting().prefix().equals("pi") ? 21000 : 24000, last, run.name());
            assertTrue(run.rows().stream().allMatch(r -> r.validationAccuracy() > 0.8 && r.testAccuracy() > 0.8), run.name());
        }
        List<SampleGridsFigure.Grid> grids = SampleGridsFigure.read(data);
        assertTrue(grids.size() >= 3, "early, middle and late: " + grids.size());
        for (SampleGridsFigure.Grid g : grids) assertTrue(!Double.isNaN(g.testAccuracy()), "no metrics row at iteration " + g.iteration());
    }
}
