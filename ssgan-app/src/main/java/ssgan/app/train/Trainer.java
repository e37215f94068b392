package ssgan.app.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import ssgan.app.model.Discriminator;
import ssgan.app.model.Generator;
import ssgan.app.model.Models;
import ssgan.app.report.MetricsCsv;
import ssgan.app.report.Plots;
import ssgan.app.report.Progress;
import ssgan.app.report.SampleGrid;
import ssgan.app.report.Summary;
import ssgan.engine.autograd.GradMode;
import ssgan.engine.device.Device;
import ssgan.engine.tensor.Rng;
import ssgan.engine.tensor.Storage;
import ssgan.engine.tensor.Tensor;
import ssgan.nn.Module;
import ssgan.nn.data.DataLoader;
import ssgan.nn.data.Dataset;
import ssgan.nn.data.HoldOut;
import ssgan.nn.data.Mnist;
import ssgan.nn.data.RandomWarp;
import ssgan.nn.data.RandomShift;
import ssgan.nn.data.SemiSupervisedSplit;
import ssgan.nn.io.SafeTensors;
import ssgan.nn.io.TrainingState;
import ssgan.nn.layers.BatchNorm;
import ssgan.nn.layers.GaussianNoise;
import ssgan.nn.layers.WeightNorm;
import ssgan.nn.optim.Adam;
import ssgan.nn.optim.LrSchedule;

/**
 * Runs a whole training: builds the models and data, repeats {@link SsganStep}, and at every evaluation
 * measures validation and test accuracy, writes metrics, plots, samples and checkpoints.
 *
 * <p>Decisions are made on the validation set, a part of the training images held out of training
 * ({@link HoldOut}): which model is {@code best.safetensors}, and when {@code --target-accuracy} stops
 * the run. The test set is measured and logged only. With {@code --validation 0} there is no
 * validation set and those decisions fall back to the test set, as they did before it existed. Everything random comes from
 * seeded generators whose states are checkpointed, so {@code --resume} continues exactly. When the
 * {@link CollapseGuard} sees the generator collapse, the run goes back to an earlier checkpoint.
 */
public final class Trainer {
    /** How a run ended. */
    public enum Outcome { COMPLETED, TARGET_REACHED, TIME_LIMIT, INTERRUPTED, DIVERGED, COLLAPSED }

    private static final int SAMPLES = 100;
    private static final String LAST = "last.safetensors";
    private static final String LAST_STATE = "last.state.safetensors";
    private static final String PREVIOUS = "previous.safetensors";
    private static final String PREVIOUS_STATE = "previous.state.safetensors";
    private static final double[] MILESTONES = {0.95, 0.98, 0.99};
    /** Iterations over which the consistency weight rises linearly from 0 to --consistency: early predictions are noise. */
    static final int CONSISTENCY_RAMP = 3000;
    /** Real training images on which a batch-norm discriminator's statistics are re-estimated before each evaluation. */
    static final int STATISTICS_IMAGES = 1000;
    /**
     * After this many rollbacks in one run, a collapse stops it: the settings, not bad luck, are at fault.
     * Measured: from the checkpoint before one collapse (mlp, seed 1, two threads, iteration 5,400), three
     * of four new noise draws collapsed again, each costing about 1,100 iterations; the fourth trained on.
     */
    static final int MAX_ROLLBACKS = 10;

    private final TrainConfig config;
    private final Device device;
    private final Mnist.Splits data;
    private final HoldOut holdOut;
    private final Progress progress;
    private final Path out;

    private final Discriminator disc;
    private final Generator gen;
    private final Adam discOptimizer;
    private final Adam genOptimizer;
    private final ParameterAverage average;
    private final Rng noiseRng;
    private final Dataset labelledSet;   // the labelled images and their labels
    private final DataLoader labelled;
    private final DataLoader unlabelled;
    private final DataLoader unlabelled2;
    private final RandomShift labelShift;   // null when --label-shift is 0
    private final RandomWarp labelWarp;     // null when --label-rotate, -scale, -shear and -bend are all 0
    private final RandomShift studentShift; // null unless the consistency pass sees shifted images
    private final Interpolation interpolation;   // null unless the consistency pass sees blends
    private final AdversarialView adversarial;   // null unless the consistency pass sees adversarial moves
    private final RandomShift pseudoShift;  // the pseudo-labels' view of the unlabelled images: null when
    private final RandomWarp pseudoWarp;    // --pseudo-labels is 0 or the labelled images are not moved so
    private final SsganStep step;
    private final LrSchedule schedule, generatorSchedule;
    private final Tensor fixedNoise;
    private final CollapseGuard guard;
    private List<Tensor> statisticsBatches;   // real images for a batch-norm discriminator's statistics, made at the first evaluation
    private DeviceImages trainImages;   // on a device: the training images, kept there; null on the cpu
    private DeviceImages labelledImages;   // on a device: the labelled images, kept there; null on the cpu

    private long iteration;
    private long savedIteration = -1;  // the iteration of last.safetensors
    private int rollbacks;
    private double elapsedBefore;   // seconds spent in earlier runs of a resumed training
    private double elapsedSeconds;  // total so far, this run included
    private final Accuracies test = new Accuracies();
    private final Accuracies validation = new Accuracies();
    private double bestScore = -1;   // the selection accuracy of best.safetensors (validation, else test)
    private long selectedIteration = -1;
    private double selectedValidation = Double.NaN;
    private double selectedTest = Double.NaN;
    private SsganStep.Losses lastLosses = new SsganStep.Losses(Float.NaN, Float.NaN, Float.NaN);
    private LossLog losses;   // made with the models' device, in begin()

    private String command = "";

    private volatile boolean stopRequested;
    private final CountDownLatch stopped = new CountDownLatch(1);

    /** A run on the cpu. */
    public Trainer(TrainConfig config, Mnist.Splits data, Progress progress) {
        this(config, data, progress, Device.CPU);
    }

    /**
     * A run whose models train on {@code device}: they are built, initialised or restored on the host and
     * then moved there; batches, evaluation and the parameter average follow them, and checkpoints are
     * written from host copies, the same files whichever device wrote them.
     */
    public Trainer(TrainConfig config, Mnist.Splits data, Progress progress, Device device) {
        this(config, data, progress, new CollapseGuard(config.collapseFactor()), device);
    }

    /** With a given guard, so that tests can stage a collapse. */
    Trainer(TrainConfig config, Mnist.Splits data, Progress progress, CollapseGuard guard) {
        this(config, data, progress, guard, Device.CPU);
    }

    /** With a given guard, on {@code device}. */
    Trainer(TrainConfig config, Mnist.Splits data, Progress progress, CollapseGuard guard, Device device) {
        this.config = config;
        this.device = device;
        this.guard = guard;
        this.data = data;
        this.progress = progress;
        this.out = config.outDir();

        Rng root = new Rng(config.seed());
        disc = Models.discriminator(config.arch(), config.featureLayer(), config.dcganNoise(), root.split());
        gen = Models.generator(config.arch(), root.split());
        noiseRng = root.split();
        fixedNoise = gen.noise(SAMPLES, root.split());

        Adam.Options adam = Adam.Options.defaults()
                .withLr(config.lr())
                .withBetas(config.beta1(), 0.999f)
                .withEps(config.adamEpsilon(), Adam.Epsilon.INSIDE_SQRT)
                .withWeightDecay(config.weightDecay());
        discOptimizer = new Adam(disc.namedTrainableParameters(), adam);
        genOptimizer = new Adam(gen.namedTrainableParameters(),
                adam.withLr(config.generatorLr()).withBetas(config.generatorBeta1(), 0.999f).withWeightDecay(0f));
        average = config.emaRate() > 0 ? new ParameterAverage(disc.namedTrainableParameters(), config.emaRate()) : null;

        holdOut = HoldOut.split(data.train(), config.validation());
        int[] pool = holdOut.trainIndices();
        int most = SemiSupervisedSplit.largestBalanced(data.train(), pool);
        if (config.labels() > most) {
            throw new SetupException("--labels " + config.labels() + " needs " + config.labels() / 10 + " images of every digit, but the "
                    + pool.length + " training images" + (config.validation() > 0 ? " outside the validation set" : "")
                    + " hold fewer of some; use at most --labels " + most + (config.validation() > 0 ? ", or a smaller --validation" : ""));
        }
        SemiSupervisedSplit split = SemiSupervisedSplit.balanced(data.train(), pool, config.labels(), config.seed());
        DataLoader.Layout layout = DataLoader.Layout.NCHW;
        labelledSet = split.labelled();
        labelled = DataLoader.cycling(labelledSet, config.batchSize(), layout, root.nextLong());
        // As in the paper's code, every training image is also unlabelled data, the labelled ones included;
        // the validation images are not, so that they stay as unseen as the test images.
        unlabelled = DataLoader.epochs(data.train(), pool, config.batchSize(), layout, root.nextLong());
        unlabelled2 = DataLoader.epochs(data.train(), pool, config.batchSize(), layout, root.nextLong());
        step = new SsganStep(disc, gen, discOptimizer, genOptimizer, noiseRng, config.labelSmoothing(), config.unsupervisedWeight());
        // Drawn last, so that runs without it see the same random streams as before it existed.
        Rng shiftRng = root.split();
        labelShift = config.labelShift() > 0 ? new RandomShift(config.labelShift(), -1f, shiftRng) : null;
        Rng studentShiftRng = root.split();
        boolean meanTeacher = config.teacher() == TrainConfig.Teacher.AVERAGE && config.consistencyWeight() > 0;
        if (meanTeacher && average == null) throw new IllegalArgumentException("a mean teacher needs the parameter average (--ema > 0)");
        boolean shiftedPair = config.teacher() == TrainConfig.Teacher.SHIFTED && config.consistencyWeight() > 0;
        studentShift = (meanTeacher || shiftedPair) && config.labelShift() > 0 ? new RandomShift(config.labelShift(), -1f, studentShiftRng) : null;
        Rng rotationRng = root.split();   // after the shifts' streams: runs without turns draw what they drew before
        labelWarp = config.labelRotate() > 0 || config.labelScale() > 0 || config.labelShear() > 0 || config.labelBend() > 0
                ? new RandomWarp(config.labelRotate(), config.labelScale(), config.labelShear(), config.labelBend(), -1f, rotationRng) : null;
        Rng pseudoShiftRng = root.split(), pseudoWarpRng = root.split();
        boolean pseudo = config.pseudoLabels() > 0;
        pseudoShift = pseudo && labelShift != null ? new RandomShift(config.labelShift(), -1f, pseudoShiftRng) : null;
        pseudoWarp = pseudo && labelWarp != null
                ? new RandomWarp(config.labelRotate(), config.labelScale(), config.labelShear(), config.labelBend(), -1f, pseudoWarpRng) : null;
        if (pseudo) {
            step.usePseudoLabels(config.pseudoLabels(), images -> {
                Tensor shifted = pseudoShift == null ? images : pseudoShift.apply(images);
                return pseudoWarp == null ? shifted : pseudoWarp.apply(shifted);
            });
        }
        Rng blendRng = root.split();   // after the others: runs without blends draw what they drew before
        boolean blends = config.teacher() == TrainConfig.Teacher.BLEND && config.consistencyWeight() > 0;
        interpolation = blends ? new Interpolation(blendRng) : null;
        if (blends) step.useInterpolation(interpolation);
        Rng adversarialRng = root.split();   // after the others, for the same reason
        boolean vat = config.teacher() == TrainConfig.Teacher.ADVERSARIAL && config.consistencyWeight() > 0;
        adversarial = vat ? new AdversarialView(config.adversarialEpsilon(), adversarialRng) : null;
        if (vat) step.useAdversarialView(adversarial);
        step.reuseRealFeatures(config.reuseFeatures());
        step.setFakeBatch(config.fakeBatch());
        if (meanTeacher) step.useMeanTeacher(average, studentShift);
        if (shiftedPair) step.useShiftedPair(studentShift);
        schedule = schedule(config.lr());
        generatorSchedule = schedule(config.generatorLr());
    }

    /** The two optimisers, for tests of what the trainer gives them. */
    Adam discOptimizer() {
        return discOptimizer;
    }

    Adam genOptimizer() {
        return genOptimizer;
    }

    /** A rate constant from the start, falling linearly to 0 over the last --decay fraction of the iterations. */
    private LrSchedule schedule(float lr) {
        return config.decayStart() < config.iterations()
                ? LrSchedule.linearDecay(lr, config.decayStart(), config.iterations())
                : LrSchedule.constant(lr);
    }

    /** Settings that do not fit the data, found once it is loaded: a mistake the user can fix (the message says how). */
    public static final class SetupException extends IllegalArgumentException {
        SetupException(String message) {
            super(message);
        }
    }

    /** A run that cannot be resumed as asked: a mistake the user can fix (the message says how). */
    public static final class ResumeException extends IOException {
        ResumeException(String message) {
            super(message);
        }
    }


    /** The command line that started this run, for summary.json. */
    public void describeCommand(String commandLine) {
        this.command = commandLine;
    }

    public Discriminator discriminator() {
        return disc;
    }

    /** Asks the loop to stop after the current iteration and waits (bounded) until it has saved {@code last}. */
    public void requestStop() {
        stopRequested = true;
        try {
            stopped.await(120, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public Outcome run() throws IOException {
        try {
            return loop();
        } finally {
            stopped.countDown();
        }
    }

    private Outcome loop() throws IOException {
        Path last = out.resolve(LAST);
        begin();
        // The starting point, saved: a game that breaks before the first evaluation has somewhere to go back to.
        if (!config.resume()) saveLast(false);
        Files.createDirectories(out.resolve("samples"));
        int perEpoch = unlabelled.batchesPerEpoch();
        long total = config.iterations();
        long start = System.nanoTime();
        Outcome outcome = Outcome.COMPLETED;
        try (MetricsCsv csv = MetricsCsv.open(out.resolve("metrics.csv"), config.resume())) {
            // Rows written after the point we resumed from (a crash between a row and its checkpoint) come again.
            if (config.resume()) csv.dropAfter(iteration);
            if (holdOut.validation().size() == 0 && !config.resume()) {
                progress.log("no validation set (--validation 0): best.safetensors and --target-accuracy are chosen on the "
                        + "TEST set, so its accuracy is an optimistic estimate");
            }
            progress.start(total, iteration);
            while (iteration < total) {
                int epoch = (int) (iteration / perEpoch);
                trainIteration();
                iteration++;
                double elapsed = elapsedBefore + (System.nanoTime() - start) / 1e9;
                elapsedSeconds = elapsed;
                boolean evalNow = iteration % config.evalEvery() == 0 || iteration == total;
                boolean timeUp = config.maxMinutes() > 0 && elapsed >= config.maxMinutes() * 60;
                // The losses are checked in order before anything is saved or the loop is left: on the cpu
                // after every iteration, on a device whenever the log is full (see LossLog).
                if (losses.full() || evalNow || timeUp || stopRequested) {
                    LossCheck check = checkLosses(csv, last);
                    if (check == LossCheck.DIVERGED || check == LossCheck.COLLAPSED) {
                        outcome = check == LossCheck.DIVERGED ? Outcome.DIVERGED : Outcome.COLLAPSED;
                        break;
                    }
                    if (check == LossCheck.ROLLED_BACK) continue;
                }
                progress.step(iteration, epoch, lastLosses, selectionAccuracy());

                if (evalNow) {
                    guard.endInterval();
                    evaluateAndRecord(csv, epoch, elapsed);
                    if (config.targetAccuracy() > 0 && selectionAccuracy() >= config.targetAccuracy()) {
                        outcome = Outcome.TARGET_REACHED;
                        break;
                    }
                }
                if (timeUp) {
                    // The model the run ends with is the one its summary describes: evaluated, unless it just was.
                    if (!evalNow) evaluateAndRecord(csv, epoch, elapsed);
                    outcome = Outcome.TIME_LIMIT;
                    break;
                }
                if (stopRequested) {
                    outcome = Outcome.INTERRUPTED;
                    break;
                }
            }
            elapsedSeconds = elapsedBefore + (System.nanoTime() - start) / 1e9;
            progress.finish();
            if (outcome != Outcome.DIVERGED && outcome != Outcome.COLLAPSED) saveLast(true);
            writeSummary(outcome);
        }
        return outcome;
    }

    /** What the losses of the latest iterations say: train on, or what happened. */
    private enum LossCheck { FINE, DIVERGED, ROLLED_BACK, COLLAPSED }

    /**
     * Goes through the losses of the iterations since the last check, oldest first: a non-finite loss stops
     * the run, and the collapse guard sees each generator loss; when it finds a collapse, the run rolls back
     * (the iterations after it are dropped with the rest) or, after too many rollbacks, stops.
     */
    private LossCheck checkLosses(MetricsCsv csv, Path last) throws IOException {
        List<SsganStep.Losses> pending = losses.drain();
        long at = iteration - pending.size();   // the iteration before the first of them
        for (SsganStep.Losses l : pending) {
            at++;
            if (!l.finite()) {
                progress.log(String.format(Locale.ROOT,
                        "stopped: a loss became %s at iteration %d (supervised %s, unsupervised %s, generator %s); "
                                + "the last good checkpoint is %s", "non-finite", at, l.supervised(), l.unsupervised(),
                        l.generator(), last));
                iteration = at - 1;   // the run's record ends at the last iteration with finite losses
                return LossCheck.DIVERGED;
            }
            guard.observe(l.generator(), l.unsupervised());
            if (guard.collapsed()) {
                if (rollbacks >= MAX_ROLLBACKS) {
                    progress.log(String.format(Locale.ROOT, "stopped: the game broke again at iteration %d after %d rollbacks (%s); "
                            + "best.safetensors holds the best model. Try another --seed or a lower --lr.", at, rollbacks, guard.describe()));
                    iteration = at - 1;
                    return LossCheck.COLLAPSED;
                }
                rollBack(csv, at);
                return LossCheck.ROLLED_BACK;
            }
            lastLosses = l;
        }
        return LossCheck.FINE;
    }

    /** Where a run starts: resumed from its checkpoint, or initialised; either way with the models on the run's device. */
    void begin() throws IOException {
        if (config.resume()) {
            moveModelsToDevice();   // first, so that the optimisers' restored moments go where the parameters are
            resume();
        } else {
            initialise();           // on the host: the data-dependent initialisation reads the values there
            moveModelsToDevice();
        }
        if (!device.isCpu()) {
            trainImages = new DeviceImages(data.train(), device);
            labelledImages = new DeviceImages(labelledSet, device);
        }
        losses = LossLog.on(device);
    }

    /**
     * The step and the parameter average's update, as one batch of the device's work (on a GPU one CUDA
     * graph, see {@link Device#batch}).
     */
    void trainIteration() {
        device.batch(() -> {
            trainStep();
            updateAverage();
        });
    }

    /**
     * The models' work of the current iteration: its learning rate and consistency weight, its batches,
     * the step. Everything else in the loop is bookkeeping; {@code StepTimer} (in the tests) times this alone.
     */
    void trainStep() {
        float lr = schedule.lr((int) iteration);
        discOptimizer.setLr(lr);
        genOptimizer.setLr(generatorSchedule.lr((int) iteration));
        step.setConsistencyWeight(config.consistencyWeight() * Math.min(1f, (iteration + 1) / (float) CONSISTENCY_RAMP));
        step.setTeacherNoise(config.teacherNoiseAt(iteration));

        try (Storage.Scope scope = Storage.scope()) {
            if (device.isCpu()) {
                DataLoader.Batch lab = labelled.next();
                losses.add(step.runInScope(augmentLabelled(lab.images()), lab.labels().clone(), unlabelled.next().images(),
                        config.reuseFeatures() ? null : unlabelled2.next().images()));
            } else {
                // On a device every batch is gathered from the images kept there, and the labelled one shifted
                // and turned there too (by the offsets and maps the cpu draws): only row numbers, offsets, maps
                // and labels are copied.
                int[] rows = labelled.nextIndices();
                int[] labels = new int[rows.length];
                for (int i = 0; i < rows.length; i++) labels[i] = labelledSet.label(rows[i]);
                losses.add(step.runInScope(augmentLabelled(labelledImages.batch(rows)), labels, trainImages.batch(unlabelled.nextIndices()),
                        config.reuseFeatures() ? null : trainImages.batch(unlabelled2.nextIndices())));
            }
        }
    }

    /** The labelled batch moved by --label-shift, then warped by --label-rotate, -scale, -shear and -bend. */
    private Tensor augmentLabelled(Tensor images) {
        Tensor shifted = labelShift == null ? images : labelShift.apply(images);
        return labelWarp == null ? shifted : labelWarp.apply(shifted);
    }

    /** Whether the loop would read the losses now: the log is full (every iteration on the cpu). */
    boolean lossesDue() {
        return losses.full();
    }

    /** The losses of the steps since the last read, oldest first (on a device, the host waits for it here). */
    List<SsganStep.Losses> readLosses() {
        return losses.drain();
    }

    /** After a step with finite losses: the parameter average follows the new weights. */
    void updateAverage() {
        if (average != null) average.update(iteration + 1);
    }

    /** Data-dependent initialisation of the discriminator's weight-normalised layers on 500 training images, as in the paper. */
    private void initialise() {
        int[] first = Arrays.copyOf(holdOut.trainIndices(), Math.min(500, holdOut.trainSize()));
        Tensor batch = data.train().subset("init", first).imagesTensor();
        boolean anyWeightNorm = disc.namedModules().values().stream().anyMatch(m -> m instanceof WeightNorm.DataDependentInit);
        if (anyWeightNorm) WeightNorm.initialize(disc, batch);
        if (average != null) average.restart();   // at the initialised weights, not at the random ones
    }

    /** Moves the models and the parameter average to the run's device, before the optimisers' first step. */
    private void moveModelsToDevice() {
        if (device.isCpu()) return;
        disc.moveTo(device);
        gen.moveTo(device);
        if (average != null) average.moveTo(device);
    }

    private void evaluateAndRecord(MetricsCsv csv, int epoch, double elapsed) throws IOException {
        if (average != null) average.swapIn();
        Evaluator.Result testResult;
        Evaluator.Result validationResult = null;
        try {
            reestimateBatchStatistics();
            if (holdOut.validation().size() > 0) validationResult = Evaluator.evaluate(disc, holdOut.validation());
            testResult = Evaluator.evaluate(disc, data.test());
        } finally {
            if (average != null) average.swapOut();
        }
        test.record(testResult.accuracy(), elapsed);
        if (validationResult != null) validation.record(validationResult.accuracy(), elapsed);
        csv.append(new MetricsCsv.Row(iteration, epoch, elapsed, lastLosses.supervised(), lastLosses.unsupervised(),
                lastLosses.generator(), test.last, validation.last));
        String validationText = validationResult == null ? "" : String.format(Locale.ROOT, "  val acc %.2f%% (%d errors)",
                100 * validation.last, validationResult.errors());
        progress.log(String.format(Locale.ROOT, "iter %7d  epoch %3d  %7.1fs  loss sup %.4f unsup %.4f gen %.4f%s  test acc %.2f%% (%d errors)",
                iteration, epoch, elapsed, lastLosses.supervised(), lastLosses.unsupervised(), lastLosses.generator(),
                validationText, 100 * test.last, testResult.errors()));
        writeSamples(out.resolve("samples").resolve(String.format(Locale.ROOT, "iter-%07d.png", iteration)));
        Plots.draw(MetricsCsv.read(out.resolve("metrics.csv")), out);
        if (selectionAccuracy() > bestScore) {
            bestScore = selectionAccuracy();
            selectedIteration = iteration;
            selectedValidation = validation.last;
            selectedTest = test.last;
            Checkpoint.save(out.resolve("best.safetensors"), disc, gen, average, metadata());
        }
        saveLast(true);
        writeSummary(null);
    }

    /**
     * The evaluated discriminator's batch-norm statistics, re-estimated on the same real training images
     * each time (the first {@link #STATISTICS_IMAGES} of the pool, in training-size batches), so that
     * they fit the weights being evaluated and no generated image enters them. A discriminator without
     * batch norm (the mlp's) is left as it is.
     */
    private void reestimateBatchStatistics() {
        if (!disc.usesBatchStatistics()) return;
        if (statisticsBatches == null) {   // the same images every time: gathered once
            int[] pool = holdOut.trainIndices();
            int count = Math.min(STATISTICS_IMAGES, pool.length);
            statisticsBatches = new ArrayList<>();
            for (int start = 0; start < count; start += config.batchSize()) {
                int[] indices = Arrays.copyOfRange(pool, start, Math.min(start + config.batchSize(), count));
                statisticsBatches.add(data.train().subset("statistics", indices).imagesTensor());
            }
        }
        BatchNorm.reestimateStatistics(disc, statisticsBatches, batch -> {
            try (var results = Storage.scope()) {
                disc.classify(DeviceBatch.copy(batch, device));
            }
        });
    }

    /** The accuracy that decisions are made on: validation, or test when there is no validation set. */
    private double selectionAccuracy() {
        return holdOut.validation().size() > 0 ? validation.last : test.last;
    }

    /** The accuracy on one evaluation set: the latest, and when each milestone was first reached. */
    private static final class Accuracies {
        double last = Double.NaN;
        final Map<Double, Double> secondsToReach = new LinkedHashMap<>();

        void record(double accuracy, double elapsed) {
            last = accuracy;
            for (double m : MILESTONES) {
                if (accuracy >= m && !secondsToReach.containsKey(m)) secondsToReach.put(m, elapsed);
            }
        }

        void save(TrainingState state, String prefix) {
            state.putDouble(prefix + "last_accuracy", last);
            secondsToReach.forEach((m, s) -> state.putDouble(prefix + "reached_" + m, s));
        }

        /** The latest accuracy of a saved point (a rollback keeps the milestones: they happened). */
        void restoreLast(TrainingState state, String prefix) {
            last = state.getDouble(prefix + "last_accuracy");
        }

        void restoreMilestones(TrainingState state, String prefix) {
            secondsToReach.clear();
            for (double m : MILESTONES) {
                if (state.has(prefix + "reached_" + m)) secondsToReach.put(m, state.getDouble(prefix + "reached_" + m));
            }
        }
    }

    private void writeSamples(Path file) throws IOException {
        boolean wasTraining = gen.isTraining();
        gen.eval();
        try (var scope = GradMode.noGrad(); var results = Storage.scope()) {
            Tensor images = gen.forward(DeviceBatch.copy(fixedNoise, device));
            SampleGrid.write(images.to(Device.CPU).data(), SAMPLES, 10, file);
        } finally {
            gen.train(wasTraining);
        }
    }

    private Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>(config.describe());
        m.put("iteration", Long.toString(iteration));
        m.put("validation_accuracy", Double.toString(validation.last));
        m.put("test_accuracy", Double.toString(test.last));
        return m;
    }

    // ---- resume -----------------------------------------------------------------------------------

    /**
     * Saves {@code last}: the models, and beside them the optimisers, random streams, data positions and
     * guard, everything {@code --resume} needs. With {@code rotate}, the {@code last} being replaced
     * becomes {@code previous}, the point a collapse rolls back to.
     */
    private void saveLast(boolean rotate) throws IOException {
        if (rotate && savedIteration >= 0 && savedIteration != iteration) {
            Files.move(out.resolve(LAST), out.resolve(PREVIOUS), StandardCopyOption.REPLACE_EXISTING);
            Files.move(out.resolve(LAST_STATE), out.resolve(PREVIOUS_STATE), StandardCopyOption.REPLACE_EXISTING);
        }
        Checkpoint.save(out.resolve(LAST), disc, gen, average, metadata());
        TrainingState state = new TrainingState();
        discOptimizer.state().forEach((k, v) -> state.putTensor("optD." + k, v));
        genOptimizer.state().forEach((k, v) -> state.putTensor("optG." + k, v));
        state.putLong("iteration", iteration);
        state.putDouble("elapsed_seconds", elapsedSeconds);
        state.putDouble("best_score", bestScore);
        state.putLong("selected_iteration", selectedIteration);
        state.putDouble("selected_validation_accuracy", selectedValidation);
        state.putDouble("selected_test_accuracy", selectedTest);
        test.save(state, "");
        validation.save(state, "validation.");
        state.putLong("rng.noise", noiseRng.state());
        if (labelShift != null) state.putLong("rng.shift", labelShift.rng().state());
        if (labelWarp != null) state.putLong("rng.rotation", labelWarp.rng().state());
        if (studentShift != null) state.putLong("rng.student_shift", studentShift.rng().state());
        if (interpolation != null) state.putLong("rng.blend", interpolation.rng().state());
        if (adversarial != null) state.putLong("rng.adversarial", adversarial.rng().state());
        if (pseudoShift != null) state.putLong("rng.pseudo_shift", pseudoShift.rng().state());
        if (pseudoWarp != null) state.putLong("rng.pseudo_rotation", pseudoWarp.rng().state());
        noiseLayers(disc).forEach((name, layer) -> state.putLong("rng.disc." + name, layer.rng().state()));
        state.putAll(labelled.position().toMap("loader.labelled."));
        state.putAll(unlabelled.position().toMap("loader.unlabelled."));
        state.putAll(unlabelled2.position().toMap("loader.unlabelled2."));
        guard.save(state);
        state.putLong("guard.rollbacks", rollbacks);
        state.putAll(config.describe());
        state.save(out.resolve(LAST_STATE));
        savedIteration = iteration;
    }

    private void resume() throws IOException {
        SavedPoint point = newestWholePoint();
        if (point == null) {
            throw new ResumeException("--resume: no checkpoint to resume in " + out + " (expected " + LAST + " and " + LAST_STATE
                    + ", or " + PREVIOUS + " and " + PREVIOUS_STATE + ", saved at the same iteration); start it again with --overwrite");
        }
        Path modelFile = point.model();
        TrainingState state = restore(point.model(), point.state());
        elapsedBefore = state.getDouble("elapsed_seconds");
        elapsedSeconds = elapsedBefore;
        bestScore = state.getDouble("best_score");
        selectedIteration = state.getLong("selected_iteration");
        selectedValidation = state.getDouble("selected_validation_accuracy");
        selectedTest = state.getDouble("selected_test_accuracy");
        test.restoreMilestones(state, "");
        validation.restoreMilestones(state, "validation.");
        rollbacks = (int) state.getLong("guard.rollbacks", 0);
        if (!point.model().endsWith(LAST) || !point.state().endsWith(LAST_STATE)) {
            // Stopped while last was being replaced: write it whole again from the point we resumed.
            savedIteration = -1;
            saveLast(false);
        }
        dropPreviousUnlessWholeAndOlder();
        savedIteration = iteration;
        progress.log(String.format(Locale.ROOT, "resumed from %s at iteration %d", modelFile, iteration));
    }

    /** A model file and a state file saved at the same iteration. */
    private record SavedPoint(Path model, Path state, long iteration) {}

    /**
     * The newest iteration for which both a model and a state file were saved whole. A process killed
     * in the middle of {@link #saveLast} can leave {@code last} missing or from another iteration than
     * its state; matching the files by the iteration written inside them finds the point to go on from.
     */
    private SavedPoint newestWholePoint() {
        SavedPoint best = null;
        for (String model : new String[] {LAST, PREVIOUS}) {
            long m = savedIteration(out.resolve(model), false);
            for (String state : new String[] {LAST_STATE, PREVIOUS_STATE}) {
                long st = savedIteration(out.resolve(state), true);
                if (m >= 0 && m == st && (best == null || m > best.iteration())) best = new SavedPoint(out.resolve(model), out.resolve(state), m);
            }
        }
        return best;
    }

    /** The iteration a model or state file was saved at, or −1 when it is missing or unreadable (cut short). */
    private static long savedIteration(Path file, boolean isState) {
        if (!Files.exists(file)) return -1;
        try {
            return isState ? TrainingState.load(file).getLong("iteration")
                    : Long.parseLong(SafeTensors.load(file).metadata().getOrDefault("iteration", "-1"));
        } catch (IOException | RuntimeException damaged) {
            return -1;
        }
    }

    /** {@code previous} is where a collapse rolls back to: keep it only when it is a whole, earlier point. */
    private void dropPreviousUnlessWholeAndOlder() throws IOException {
        long m = savedIteration(out.resolve(PREVIOUS), false);
        long st = savedIteration(out.resolve(PREVIOUS_STATE), true);
        if (m < 0 || m != st || m >= iteration) {
            Files.deleteIfExists(out.resolve(PREVIOUS));
            Files.deleteIfExists(out.resolve(PREVIOUS_STATE));
        }
    }

    /**
     * The generator has collapsed: go back to {@code previous} (one evaluation before {@code last}, so from
     * before the collapse began), draw new generator noise from there, and drop the abandoned rows from
     * {@code metrics.csv}. The clock, the best model and the milestones keep what really happened.
     */
    private void rollBack(MetricsCsv csv, long at) throws IOException {
        String what = guard.describe();
        boolean hasPrevious = Files.exists(out.resolve(PREVIOUS)) && Files.exists(out.resolve(PREVIOUS_STATE));
        restore(out.resolve(hasPrevious ? PREVIOUS : LAST), out.resolve(hasPrevious ? PREVIOUS_STATE : LAST_STATE));
        rollbacks++;
        noiseRng.setState(new Rng(noiseRng.state() + rollbacks).nextLong());
        csv.dropAfter(iteration);
        saveLast(false);
        progress.log(String.format(Locale.ROOT, "iteration %d: %s; rolled back to iteration %d with new noise (rollback %d of at most %d)",
                at, what, iteration, rollbacks, MAX_ROLLBACKS));
    }

    /** Settings that only say how long, where or on what the run goes on: a resume may change them freely. */
    private static final Set<String> LOGISTICS = Set.of("iterations", "threads", "eval_every", "resume", "max_minutes", "target_accuracy");

    /**
     * The recipe settings whose value now differs from the saved run's, as {@code "name saved → now"}
     * (a setting the saved run predates reads "not recorded"). Default values change between versions,
     * so a run resumed without its options may otherwise change recipe silently.
     */
    static List<String> changedRecipe(Map<String, String> saved, Map<String, String> now) {
        List<String> changed = new ArrayList<>();
        now.forEach((name, value) -> {
            String before = saved.containsKey(name) ? saved.get(name)
                    : name.equals("teacher_noise_until") && saved.containsKey("teacher_noise")
                    ? (Boolean.parseBoolean(saved.get("teacher_noise")) ? "end" : "0")   // its name until 2026-12-07
                    : name.equals("generator_lr") ? saved.get("lr")                      // the discriminator's until 2026-12-07
                    : name.equals("generator_beta1") ? saved.get("beta1")
                    : null;
            if (!LOGISTICS.contains(name) && !value.equals(before)) changed.add(name + " " + (before == null ? "not recorded" : before) + " → " + value);
        });
        return changed;
    }

    /** Loads a saved point of the training: models, optimisers, random streams, data positions, guard. */
    private TrainingState restore(Path modelFile, Path stateFile) throws IOException {
        var loaded = SafeTensors.load(modelFile);
        String arch = loaded.metadata().get("arch");
        if (arch != null && !arch.equalsIgnoreCase(config.arch().name())) {
            throw new ResumeException("--resume: the checkpoint in " + out + " is a " + arch + " model, but --arch is " + config.arch().name().toLowerCase());
        }
        Checkpoint.restore(disc, loaded.tensors(), Checkpoint.DISC);
        Checkpoint.restore(gen, loaded.tensors(), Checkpoint.GEN);
        if (average != null) average.load(Checkpoint.part(loaded.tensors(), Checkpoint.DISC_EMA));
        TrainingState state = TrainingState.load(stateFile);
        if (!state.has("validation")) {
            throw new ResumeException("--resume: the run in " + out + " was saved by an earlier version, which counted in epochs and "
                    + "had no validation set; start a new run with another --out");
        }
        if (Integer.parseInt(state.values().get("validation")) != config.validation()) {
            throw new ResumeException("--resume: the run in " + out + " held out " + state.values().get("validation")
                    + " validation images, not " + config.validation() + "; resume with --validation " + state.values().get("validation"));
        }
        List<String> changed = changedRecipe(state.values(), config.describe());
        if (!changed.isEmpty()) {
            progress.log("--resume: these settings differ from the saved run's and apply from here on: " + String.join(", ", changed)
                    + " (give the run's own values to continue it unchanged)");
        }
        discOptimizer.loadState(Checkpoint.part(state.tensors(), "optD."));
        genOptimizer.loadState(Checkpoint.part(state.tensors(), "optG."));
        iteration = state.getLong("iteration");
        test.restoreLast(state, "");
        validation.restoreLast(state, "validation.");
        noiseRng.setState(state.getLong("rng.noise"));
        // A stream the saved run did not have (an option turned on, or a default changed, since) starts fresh.
        if (labelShift != null && state.has("rng.shift")) labelShift.rng().setState(state.getLong("rng.shift"));
        if (labelWarp != null && state.has("rng.rotation")) labelWarp.rng().setState(state.getLong("rng.rotation"));
        if (studentShift != null && state.has("rng.student_shift")) studentShift.rng().setState(state.getLong("rng.student_shift"));
        if (interpolation != null && state.has("rng.blend")) interpolation.rng().setState(state.getLong("rng.blend"));
        if (adversarial != null && state.has("rng.adversarial")) adversarial.rng().setState(state.getLong("rng.adversarial"));
        if (pseudoShift != null && state.has("rng.pseudo_shift")) pseudoShift.rng().setState(state.getLong("rng.pseudo_shift"));
        if (pseudoWarp != null && state.has("rng.pseudo_rotation")) pseudoWarp.rng().setState(state.getLong("rng.pseudo_rotation"));
        noiseLayers(disc).forEach((name, layer) -> layer.rng().setState(state.getLong("rng.disc." + name)));
        labelled.restore(DataLoader.Position.fromMap(state.values(), "loader.labelled."));
        unlabelled.restore(DataLoader.Position.fromMap(state.values(), "loader.unlabelled."));
        unlabelled2.restore(DataLoader.Position.fromMap(state.values(), "loader.unlabelled2."));
        guard.restore(state);
        return state;
    }

    private static Map<String, GaussianNoise> noiseLayers(Module m) {
        Map<String, GaussianNoise> out = new LinkedHashMap<>();
        m.namedModules().forEach((name, child) -> {
            if (child instanceof GaussianNoise g) out.put(name, g);
        });
        return out;
    }

    // ---- summary ----------------------------------------------------------------------------------

    private void writeSummary(Outcome outcome) throws IOException {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("command", command);
        s.put("commit", ssgan.app.Main.commit());
        s.put("date", LocalDate.now(ZoneOffset.UTC).toString());
        s.put("settings", new LinkedHashMap<>(config.describe()));
        s.put("seed", config.seed());
        s.put("status", outcome == null ? "running" : outcome.name().toLowerCase());
        s.put("iterations", iteration);
        s.put("elapsed_seconds", round(elapsedSeconds));
        s.put("selected_by", holdOut.validation().size() > 0 ? "validation" : "test");
        // The final model, as trained to the end.
        s.put("validation_accuracy", orNull(validation.last));
        s.put("test_accuracy", orNull(test.last));
        // best.safetensors: the evaluation with the highest validation accuracy (test accuracy without one).
        s.put("selected_iteration", selectedIteration < 0 ? null : selectedIteration);
        s.put("selected_validation_accuracy", orNull(selectedValidation));
        s.put("selected_test_accuracy", orNull(selectedTest));
        // The names of earlier versions: final_accuracy is test_accuracy; best_accuracy is now the test
        // accuracy of best.safetensors (which used to be chosen on the test set itself).
        s.put("final_accuracy", orNull(test.last));
        s.put("best_accuracy", orNull(selectedTest));
        for (double m : MILESTONES) {
            long percent = Math.round(m * 100);
            Double t = test.secondsToReach.get(m);
            Double v = validation.secondsToReach.get(m);
            s.put(String.format(Locale.ROOT, "seconds_to_%d", percent), t == null ? null : round(t));
            s.put(String.format(Locale.ROOT, "seconds_to_%d_validation", percent), v == null ? null : round(v));
        }
        s.put("iterations_per_second", elapsedSeconds > 0 ? round(iteration / elapsedSeconds) : null);
        s.put("collapse_rollbacks", rollbacks);
        Summary.write(out.resolve("summary.json"), s);
    }

    private static Double orNull(double v) {
        return Double.isNaN(v) ? null : v;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
