package ssgan.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import ssgan.app.model.Discriminator;
import ssgan.app.model.Generator;
import ssgan.app.model.Models;
import ssgan.app.report.SampleGrid;
import ssgan.app.train.Architecture;
import ssgan.app.train.Evaluator;
import ssgan.app.train.SsganStep;
import ssgan.engine.autograd.GradMode;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.data.DataLoader;
import ssgan.nn.data.Dataset;
import ssgan.nn.data.SemiSupervisedSplit;
import ssgan.nn.layers.WeightNorm;
import ssgan.nn.optim.Adam;

/**
 * Lesson 11: a tiny semi-supervised GAN, with the real models and the real training step.
 *
 * <p>A semi-supervised GAN (Salimans et al. 2016; docs/method.md) trains a classifier from a few labelled
 * images and many unlabelled ones. The classifier doubles as the GAN's discriminator D: its K = 10 logits
 * lᵢ say which class, and together they say how <i>real</i> an image looks, through
 * D(x) = Z/(Z + 1) with Z = Σ exp(lᵢ). One iteration ({@link SsganStep}, the trainer's own code) does:
 * <ol>
 *   <li>a discriminator step on three batches: labelled images (cross-entropy with their labels),
 *       unlabelled real images (pushed towards "real") and generated images (pushed towards "fake");</li>
 *   <li>a generator step by <b>feature matching</b>: make the mean of D's hidden features on generated
 *       images match their mean on real ones, rather than fooling D outright (more stable).</li>
 * </ol>
 * The unlabelled images teach D what the data looks like, and the generator's images teach it where the
 * data is not; with both, 200 MNIST labels reach close to 99 % test accuracy (see the README).
 *
 * <p>The real MNIST is a download away and a full run takes minutes, so this lesson uses the trainer's
 * pieces on a small synthetic set of 28×28 images instead: class c ∈ 0..4 is a horizontal bar at row
 * 4 + 4c, class 5..9 a vertical bar at column 4 + 4(c − 5), each shifted by up to one pixel, with noise.
 * Easy on purpose: a few dozen iterations from a handful of labels already classify most of the test
 * images, which the lesson prints. What it wires together is exactly what {@code Trainer} does:
 * <ul>
 *   <li>{@link Models} builds the paper's MLP discriminator and generator;</li>
 *   <li>{@link WeightNorm#initialize} sets the weight-normalised layers' scales from a batch of data
 *       (data-dependent initialisation, as in the paper);</li>
 *   <li>{@link Adam} with the trainer's settings: lr 0.003, β₁ = 0.5, ε inside the root (lesson 10);</li>
 *   <li>{@link SemiSupervisedSplit} picks the same number of labelled images from each class, and
 *       {@link DataLoader}s feed the labelled batches (cycling) and two streams of unlabelled ones;</li>
 *   <li>{@link Evaluator} measures test accuracy, and {@link SampleGrid} draws 100 generated images, from
 *       fixed noise, into a PNG.</li>
 * </ul>
 * The classifier learns this easy set within a few dozen iterations; the generator needs far more
 * (thousands, in the real run) before its images look like anything, so expect noise in the PNG: the
 * point here is the loop, not the pictures. Compare it with the grid of real images written beside it.
 * For the real thing: {@code java -jar ssgan-app/target/ssgan-app.jar train}.
 */
public final class Lesson11TinySsgan {
    private Lesson11TinySsgan() {}

    public static final int SIDE = 28;

    /** The losses of each iteration, the test accuracy, and the two PNGs written. */
    public record Result(List<SsganStep.Losses> losses, double testAccuracy, int testSize, Path samples, Path real) {}

    /** Bars: classes 0–4 horizontal, 5–9 vertical, shifted by up to a pixel, with Gaussian noise; pixels in [−1, 1]. */
    public static Dataset bars(String name, int n, long seed) {
        Rng rng = new Rng(seed);
        float[] images = new float[n * SIDE * SIDE];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % 10;
            labels[i] = c;
            int at = 4 + 4 * (c % 5) + rng.nextInt(3) - 1;   // the bar's first row or column
            for (int y = 0; y < SIDE; y++) {
                for (int x = 0; x < SIDE; x++) {
                    int across = c < 5 ? y : x;
                    float v = across >= at && across < at + 3 ? 1f : -1f;
                    v += 0.2f * (float) rng.nextGaussian();
                    images[i * SIDE * SIDE + y * SIDE + x] = Math.max(-1f, Math.min(1f, v));
                }
            }
        }
        return new Dataset(name, images, labels, SIDE, SIDE, 10);
    }

    /**
     * Trains for {@code iterations} on {@code trainSize} synthetic images of which {@code labelled} carry
     * their label (a multiple of 10), in batches of {@code batch}; writes the PNGs into {@code dir}.
     */
    public static Result run(PrintStream out, Path dir, int trainSize, int labelled, int testSize, int iterations, int batch, long seed)
            throws IOException {
        out.printf("Lesson 11: a tiny SSGAN, %d synthetic images (%d labelled), %d iterations of batch %d%n",
                trainSize, labelled, iterations, batch);
        Files.createDirectories(dir);
        Dataset train = bars("train", trainSize, seed);
        Dataset test = bars("test", testSize, seed + 1);
        SemiSupervisedSplit split = SemiSupervisedSplit.balanced(train, labelled, seed);

        Rng root = new Rng(seed);
        Discriminator disc = Models.discriminator(Architecture.MLP, Models.defaultFeatureLayer(Architecture.MLP), root.split());
        Generator gen = Models.generator(Architecture.MLP, root.split());
        Rng noiseRng = root.split();
        Tensor fixedNoise = gen.noise(100, root.split());
        out.printf("  discriminator: %,d parameters; generator: %,d%n", disc.parameterCount(), gen.parameterCount());

        // Data-dependent initialisation of the weight-normalised layers, on up to 500 training images.
        int[] first = new int[Math.min(500, trainSize)];
        Arrays.setAll(first, i -> i);
        WeightNorm.initialize(disc, train.subset("init", first).imagesTensor());

        Adam.Options adam = Adam.Options.defaults().withLr(0.003f).withBetas(0.5f, 0.999f).withEps(1e-8f, Adam.Epsilon.INSIDE_SQRT);
        Adam discOptimizer = new Adam(disc.namedTrainableParameters(), adam);
        Adam genOptimizer = new Adam(gen.namedTrainableParameters(), adam);
        DataLoader labelledBatches = DataLoader.cycling(split.labelled(), batch, DataLoader.Layout.NCHW, root.nextLong());
        DataLoader unlabelled = DataLoader.epochs(train, batch, DataLoader.Layout.NCHW, root.nextLong());
        DataLoader unlabelled2 = DataLoader.epochs(train, batch, DataLoader.Layout.NCHW, root.nextLong());
        // No label smoothing; the unsupervised loss weighs half, as in the paper's code.
        SsganStep step = new SsganStep(disc, gen, discOptimizer, genOptimizer, noiseRng, 0f, 0.5f);

        double before = Evaluator.evaluate(disc, test).accuracy();
        out.printf("  test accuracy before training: %.1f %% (chance: 10 %%)%n", 100 * before);
        List<SsganStep.Losses> losses = new ArrayList<>();
        int every = Math.max(1, iterations / 5);
        long start = System.nanoTime();
        for (int it = 1; it <= iterations; it++) {
            DataLoader.Batch lab = labelledBatches.next();
            SsganStep.Losses l = step.run(lab.images(), lab.labels(), unlabelled.next().images(), unlabelled2.next().images());
            losses.add(l);
            if (it % every == 0 || it == iterations) {
                out.printf("  iteration %4d: supervised %.4f, unsupervised %.4f, generator (feature matching) %.4f%n",
                        it, l.supervised(), l.unsupervised(), l.generator());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Evaluator.Result result = Evaluator.evaluate(disc, test);
        out.printf("  test accuracy after %d iterations (%.1f s): %.1f %% on %d images%n", iterations, seconds, 100 * result.accuracy(), testSize);

        // 100 generated images from fixed noise, the generator in eval mode (batch norm's running statistics).
        Path samples = dir.resolve("ssgan-samples.png");
        gen.eval();
        try (var scope = GradMode.noGrad()) {
            SampleGrid.write(gen.forward(fixedNoise).data(), 100, 10, samples);
        } finally {
            gen.train();
        }
        // And, for comparison, the first 100 training images.
        Path real = dir.resolve("real-bars.png");
        int shown = Math.min(100, trainSize);
        SampleGrid.write(Arrays.copyOf(train.images(), shown * SIDE * SIDE), shown, 10, real);
        out.println("  generated samples: " + samples.toAbsolutePath());
        out.println("  real images:       " + real.toAbsolutePath());
        return new Result(losses, result.accuracy(), testSize, samples, real);
    }

    public static void main(String[] args) throws IOException {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("ssgan-lesson11-");
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        run(System.out, dir, 1000, 50, 500, iterations, 50, 11);
    }
}
