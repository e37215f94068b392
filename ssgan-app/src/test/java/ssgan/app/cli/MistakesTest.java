package ssgan.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ssgan.app.model.Models;
import ssgan.app.train.Architecture;
import ssgan.app.train.Checkpoint;
import ssgan.engine.tensor.Rng;

/**
 * Every option of every command, given a value a user might mistype, ends in one line that says what is
 * wrong and exit code 2: never a stack trace, never a training started. The table is the specification.
 */
class MistakesTest {
    /** Option and the bad values to try for it (each alone on a train command line). */
    private static final Map<String, List<String>> TRAIN = Map.ofEntries(
            Map.entry("--labels", List.of("0", "-10", "25", "70000", "ten", "1e3")),
            Map.entry("--seed", List.of("one", "1.5", "")),
            Map.entry("--iterations", List.of("0", "-1", "many", "NaN", "3000000000")),
            Map.entry("--batch-size", List.of("0", "1", "-5", "60001", "x")),
            Map.entry("--lr", List.of("0", "-0.1", "NaN", "Infinity", "fast")),
            Map.entry("--decay", List.of("-0.1", "1.5", "NaN", "half")),
            Map.entry("--validation", List.of("-1", "50001", "NaN", "ten")),
            Map.entry("--threads", List.of("0", "-2", "many")),
            Map.entry("--eval-every", List.of("0", "-600", "x")),
            Map.entry("--feature-layer", List.of("0", "6", "-1", "x")),
            Map.entry("--label-smoothing", List.of("-0.1", "1", "NaN")),
            Map.entry("--unsupervised-weight", List.of("-1", "NaN", "Infinity")),
            Map.entry("--weight-decay", List.of("-1", "NaN", "Infinity")),
            Map.entry("--ema", List.of("-0.1", "1.5", "NaN")),
            Map.entry("--max-minutes", List.of("-1", "NaN", "Infinity", "soon")),
            Map.entry("--target-accuracy", List.of("99", "-0.5", "NaN")),
            Map.entry("--collapse-guard", List.of("0.5", "1", "-1", "NaN")),
            Map.entry("--label-shift", List.of("-1", "14", "x")),
            Map.entry("--consistency", List.of("-1", "NaN", "Infinity", "x")),
            Map.entry("--teacher", List.of("student", "")),
            Map.entry("--arch", List.of("resnet", "")));

    private record Result(int code, String err, String stray) {}

    private static Result run(String... args) {
        PrintStream savedErr = System.err;
        ByteArrayOutputStream stray = new ByteArrayOutputStream();
        System.setErr(new PrintStream(stray, true));
        try {
            var cl = SsganCommand.commandLine();
            StringWriter err = new StringWriter();
            cl.setErr(new PrintWriter(err));
            cl.setOut(new PrintWriter(new StringWriter()));
            return new Result(cl.execute(args), err.toString(), stray.toString());
        } finally {
            System.setErr(savedErr);
        }
    }

    private static void expectOneLineError(List<String> failures, String... args) {
        Result r = run(args);
        String command = String.join(" ", args);
        String firstLine = r.err().lines().findFirst().orElse("");
        if (r.code() != 2) failures.add(command + ": exit " + r.code() + " " + r.err());
        else if (r.err().contains("\tat ") || r.stray().contains("\tat ")) failures.add(command + ": stack trace " + r.err() + r.stray());
        else if (firstLine.isBlank()) failures.add(command + ": no message");
    }

    @Test
    void everyBadTrainOptionIsOneLineAndExitTwo(@TempDir Path tmp) {
        List<String> failures = new ArrayList<>();
        int cases = 0;
        for (var e : TRAIN.entrySet()) {
            for (String bad : e.getValue()) {
                expectOneLineError(failures, "train", e.getKey(), bad, "--out", tmp.resolve("never").toString());
                cases++;
            }
        }
        assertTrue(cases > 60);
        assertFalse(Files.exists(tmp.resolve("never").resolve("metrics.csv")), "no training started");
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void badPathsAndCheckpointsAreOneLineAndExitTwo(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "not a folder");
        Path garbage = Files.writeString(tmp.resolve("garbage.safetensors"), "not a checkpoint at all");
        Path truncated = tmp.resolve("truncated.safetensors");
        Path good = tmp.resolve("mlp.safetensors");
        Checkpoint.save(good, Models.discriminator(Architecture.MLP, 5, new Rng(1)), Models.generator(Architecture.MLP, new Rng(2)),
                null, Map.of("arch", "mlp"));
        byte[] whole = Files.readAllBytes(good);
        Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length / 2));
        Path unknownArch = tmp.resolve("unknown.safetensors");
        Checkpoint.save(unknownArch, Models.discriminator(Architecture.MLP, 5, new Rng(1)), Models.generator(Architecture.MLP, new Rng(2)),
                null, Map.of("arch", "resnet"));
        Path wrongArch = tmp.resolve("dcgan-labelled-mlp.safetensors");
        Checkpoint.save(wrongArch, Models.discriminator(Architecture.MLP, 5, new Rng(1)), Models.generator(Architecture.MLP, new Rng(2)),
                null, Map.of("arch", "dcgan"));

        List<String> failures = new ArrayList<>();
        expectOneLineError(failures, "train", "--out", file.resolve("sub").toString());
        expectOneLineError(failures, "train", "--out", file.toString());
        expectOneLineError(failures, "train", "--data", file.toString(), "--out", tmp.resolve("r").toString());
        expectOneLineError(failures, "train", "--data", tmp.resolve("no-such-folder").toString(), "--out", tmp.resolve("r2").toString());
        for (Path bad : List.of(tmp.resolve("missing.safetensors"), file, garbage, truncated, unknownArch, wrongArch, tmp)) {
            expectOneLineError(failures, "evaluate", "--checkpoint", bad.toString());
            expectOneLineError(failures, "sample", "--checkpoint", bad.toString(), "--out", tmp.resolve("g.png").toString());
        }
        expectOneLineError(failures, "evaluate", "--checkpoint", good.toString(), "--shift-average", "-1");
        expectOneLineError(failures, "evaluate", "--checkpoint", good.toString(), "--errors", tmp.resolve("no-such-folder/errors.csv").toString());
        Path heldOut = tmp.resolve("held-out-5000.safetensors");
        Checkpoint.save(heldOut, Models.discriminator(Architecture.MLP, 5, new Rng(3)), Models.generator(Architecture.MLP, new Rng(4)),
                null, Map.of("arch", "mlp", "validation", "5000"));
        expectOneLineError(failures, "evaluate", "--checkpoint", good.toString(), "--checkpoint", heldOut.toString());
        expectOneLineError(failures, "evaluate", "--checkpoint", good.toString(), "--checkpoint", garbage.toString());
        expectOneLineError(failures, "sample", "--checkpoint", good.toString(), "--count", "0");
        expectOneLineError(failures, "sample", "--checkpoint", good.toString(), "--count", "many");
        expectOneLineError(failures, "sample", "--checkpoint", good.toString(), "--out", file.resolve("g.png").toString());
        expectOneLineError(failures, "report", tmp.resolve("no-run").toString());
        expectOneLineError(failures, "report", garbage.toString());
        expectOneLineError(failures, "report");
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }
}
