package ssgan.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import ssgan.app.model.Models;
import ssgan.app.train.Architecture;
import ssgan.app.train.Checkpoint;
import ssgan.app.train.TrainConfig;
import ssgan.engine.device.Device;
import ssgan.engine.device.DeviceUnavailableException;
import ssgan.engine.device.Devices;
import ssgan.engine.tensor.Rng;

class CommandLineTest {
    private record Result(int code, String err) {}

    private static Result run(String... args) {
        CommandLine cl = SsganCommand.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        int code = cl.execute(args);
        return new Result(code, err.toString());
    }

    @Test
    void labelsMustBeAPositiveMultipleOfTen() {
        Result r = run("train", "--labels", "25", "--out", "target/never");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--labels must be a positive multiple of 10"), r.err());
        assertFalse(r.err().contains("Exception"), "no stack trace for a user mistake: " + r.err());
        assertEquals(2, run("train", "--labels", "0").code());
        assertEquals(2, run("train", "--labels", "70000").code());
    }

    @Test
    void cudaWithoutADriverSaysWhyInOneLine(@TempDir Path tmp) throws Exception {
        try {
            Device gpu = Devices.open("cuda");
            Assumptions.abort("a cuda device opened here (" + gpu.name() + "), so --device cuda runs and the no-driver line cannot be checked");
        } catch (DeviceUnavailableException expected) {
            // no driver (or no GPU): the case this test is for
        }
        for (Architecture arch : Architecture.values()) { // both run on cuda: both say the same
            String checkpoint = untrainedCheckpoint(tmp, arch).toString();
            String[][] commands = {{"train", "--arch", arch.name().toLowerCase(), "--out", "target/never"}, {"evaluate", "--checkpoint", checkpoint},
                    {"sample", "--checkpoint", checkpoint, "--out", "target/never.png"}};
            for (String[] args : commands) {
                Result r = run(withCuda(args));
                assertEquals(2, r.code(), args[0] + ": " + r.err());
                assertTrue(r.err().startsWith("error: --device cuda: "), r.err());
                assertTrue(r.err().contains("use --device cpu"), r.err());
                assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
            }
        }
        assertEquals(2, run("train", "--device", "tpu").code());
    }

    @Test
    void autoSaysInOneLineWhichDeviceAndWhy() {
        DeviceOption option = new DeviceOption();
        option.choice = DeviceOption.Choice.AUTO;
        PrintStream before = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        Device dcgan, mlp;
        try {
            dcgan = option.resolve(Architecture.DCGAN);
            mlp = option.resolve(Architecture.MLP);
        } finally {
            System.setOut(before);
        }
        List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(2, lines.size(), lines.toString());
        Device[] devices = {dcgan, mlp};
        String[] names = {"dcgan", "mlp"};
        for (int i = 0; i < 2; i++) {
            if (devices[i].isCpu()) {
                assertTrue(lines.get(i).startsWith("device: cpu (cuda: "), lines.get(i));
            } else {
                assertEquals("device: " + devices[i].name() + " (a cuda device opened, and " + names[i] + " runs there)", lines.get(i));
            }
        }
    }

    private static String[] withCuda(String[] args) {
        String[] withDevice = Arrays.copyOf(args, args.length + 2);
        withDevice[args.length] = "--device";
        withDevice[args.length + 1] = "cuda";
        return withDevice;
    }

    /** A checkpoint of untrained models: evaluate and sample load it before they ask for the device. */
    private static Path untrainedCheckpoint(Path folder, Architecture arch) throws Exception {
        Path file = folder.resolve(arch.name().toLowerCase() + ".safetensors");
        Rng rng = new Rng(1);
        Checkpoint.save(file, Models.discriminator(arch, Models.defaultFeatureLayer(arch), rng), Models.generator(arch, rng), null,
                Map.of("arch", arch.name().toLowerCase()));
        return file;
    }

    @Test
    void unknownArchitectureIsAOneLineUsageError() {
        Result r = run("train", "--arch", "resnet");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown architecture 'resnet'"), r.err());
        assertFalse(r.err().contains("Usage"), "not the whole usage: " + r.err());
        assertEquals(List.of("error: Invalid value for option '--arch': unknown architecture 'resnet'; choose mlp or dcgan",
                "Run 'ssgan train --help' for every option."), r.err().lines().toList());
    }

    @Test
    void misspeltOptionsAndCommandsGetAGuessAndThePointerToHelp() {
        Result option = run("train", "--label-shfit", "1");
        assertEquals(2, option.code());
        List<String> lines = option.err().lines().toList();
        assertTrue(lines.get(0).startsWith("error: Unknown option") && lines.get(0).contains("'--label-shfit'"), option.err());
        assertTrue(option.err().contains("--label-shift"), "picocli's guess: " + option.err());
        assertEquals("Run 'ssgan train --help' for every option.", lines.get(lines.size() - 1));
        assertTrue(lines.size() <= 4, option.err());

        Result command = run("trian");
        assertEquals(2, command.code());
        assertTrue(command.err().contains("ssgan train"), "picocli's guess: " + command.err());
        assertTrue(command.err().endsWith("Run 'ssgan --help' for every option." + System.lineSeparator()), command.err());
    }

    @Test
    void malformedNumbersAndUnknownOptionsAreRejected() {
        assertEquals(2, run("train", "--iterations", "many").code());
        assertEquals(2, run("train", "--epochs", "100").code(), "--epochs is now --iterations");
        assertEquals(2, run("train", "--no-such-option").code());
        assertEquals(2, run("train", "--target-accuracy", "99").code(), "accuracy is a fraction");
        assertEquals(2, run("train", "--feature-layer", "9").code());
        Result guard = run("train", "--collapse-guard", "0.5");
        assertEquals(2, guard.code());
        assertTrue(guard.err().contains("--collapse-guard must be 0 (off) or above 1"), guard.err());
    }

    @Test
    void labelShiftAndConsistencyAreCheckedAndConsistencyIsOffForTheNoiselessDcgan() {
        assertEquals(2, run("train", "--label-shift", "-1").code());
        assertEquals(2, run("train", "--label-shift", "14").code(), "a shift past half the image leaves no digit");
        assertEquals(2, run("train", "--consistency", "-1").code());
        Result dcgan = run("train", "--arch", "dcgan", "--consistency", "1");
        assertEquals(2, dcgan.code());
        assertTrue(dcgan.err().contains("needs the mlp discriminator"), dcgan.err());
        assertEquals(1f, parse("train", "--arch", "dcgan", "--consistency", "1", "--teacher", "average").consistencyWeight(),
                "a mean teacher with shifts works without noise");
        assertEquals(2, run("train", "--arch", "dcgan", "--consistency", "1", "--teacher", "average", "--label-shift", "0").code());
        TrainConfig blended = parse("train", "--arch", "dcgan", "--consistency", "1", "--teacher", "blend", "--label-shift", "0");
        assertEquals(TrainConfig.Teacher.BLEND, blended.teacher(), "blends differ from the images: no noise or shifts needed");
        assertEquals(TrainConfig.Teacher.BLEND, parse("train", "--teacher", "blend", "--permutation-invariant").teacher(),
                "a blend moves no pixel: it is permutation-invariant");
        TrainConfig noisy = parse("train", "--arch", "dcgan", "--dcgan-noise", "--consistency", "1", "--label-shift", "0");
        assertTrue(noisy.dcganNoise() && noisy.consistencyWeight() == 1f, "with noise layers the pair works, shifts or not");
        Result mlpNoise = run("train", "--dcgan-noise");
        assertEquals(2, mlpNoise.code());
        assertTrue(mlpNoise.err().contains("--dcgan-noise is for --arch dcgan"), mlpNoise.err());

        assertEquals(TrainCommand.DEFAULT_CONSISTENCY, parse("train").consistencyWeight());
        assertEquals(0f, parse("train", "--arch", "dcgan").consistencyWeight(), "dcgan: off unless asked, and asking is refused");
        assertEquals(0.5f, parse("train", "--consistency", "0.5").consistencyWeight());
        assertEquals(2, parse("train").labelShift(), "the default");
        assertEquals(0, parse("train", "--label-shift", "0").labelShift());
        assertEquals(TrainCommand.DEFAULT_LABEL_ROTATE, parse("train").labelRotate(), "the mlp's default");
        assertEquals(TrainCommand.DEFAULT_LABEL_SCALE, parse("train").labelScale(), "the mlp's default");
        assertEquals(0f, parse("train", "--arch", "dcgan").labelRotate(), "not measured for the dcgan: off");
        assertEquals(0f, parse("train", "--arch", "dcgan").labelScale(), "not measured for the dcgan: off");
        assertEquals(5f, parse("train", "--label-rotate", "5").labelRotate());
        assertEquals(0f, parse("train", "--label-scale", "0").labelScale());
        for (String[] bad : new String[][] {{"--label-rotate", "-1"}, {"--label-rotate", "181"}, {"--label-rotate", "NaN"},
                {"--label-scale", "1"}, {"--label-scale", "-0.1"}, {"--label-shear", "-0.1"}, {"--label-shear", "1.5"},
                {"--pseudo-labels", "-1"}, {"--pseudo-labels", "NaN"}, {"--fake-batch", "1"}, {"--fake-batch", "-5"}}) {
            Result r = run("train", bad[0], bad[1]);
            assertEquals(2, r.code(), String.join(" ", bad));
            assertTrue(r.err().contains(bad[0] + " must be"), r.err());
        }
        assertEquals(0f, parse("train").labelShear(), "off unless asked");
        assertEquals(0.3f, parse("train", "--label-shear", "0.3").labelShear());
        assertEquals(0f, parse("train").pseudoLabels(), "off unless asked");
        assertEquals(1f, parse("train", "--pseudo-labels", "1", "--teacher", "pair").pseudoLabels());
        for (String[] alone : new String[][] {{"--consistency", "0"}, {"--teacher", "average"}}) {
            Result r = run("train", "--pseudo-labels", "1", alone[0], alone[1]);
            assertEquals(2, r.code(), String.join(" ", alone));
            assertTrue(r.err().contains("--pseudo-labels rides on the consistency term's second pass"), r.err());
        }
        assertEquals(0f, parse("train", "--consistency", "0").consistencyWeight(), "the paper's method: both off");
        assertTrue(parse("train").reuseFeatures(), "the mlp's default in the shift-augmented setting");
        assertFalse(parse("train", "--no-reuse-features").reuseFeatures(), "the paper's fresh pass, when asked");
        assertFalse(parse("train", "--permutation-invariant").reuseFeatures(), "not measured with VAT: off");
        assertFalse(parse("train", "--arch", "dcgan").reuseFeatures(), "not measured for the dcgan: off");
        assertTrue(parse("train", "--arch", "dcgan", "--reuse-features").reuseFeatures());
        assertTrue(parse("train", "--permutation-invariant", "--reuse-features").reuseFeatures());
        int throughout = TrainConfig.NOISY_THROUGHOUT;
        assertEquals(6000, parse("train").teacherNoiseUntil(), "the mlp's mean teacher: noisy for 6,000 iterations by default");
        assertEquals("6000", parse("train").describe().get("teacher_noise_until"));
        assertEquals(throughout, parse("train", "--permutation-invariant", "--teacher", "average").teacherNoiseUntil(), "not measured there");
        assertEquals(0, parse("train", "--no-teacher-noise").teacherNoiseUntil(), "noise-free, when asked");
        assertEquals(throughout, parse("train", "--teacher-noise").teacherNoiseUntil());
        assertEquals(6000, parse("train", "--teacher-noise-until", "6000").teacherNoiseUntil());
        assertEquals("6000", parse("train", "--teacher-noise-until", "6000").describe().get("teacher_noise_until"));
        assertEquals(throughout, parse("train", "--teacher-noise-until", "end").teacherNoiseUntil());
        assertTrue(parse("train", "--teacher-noise-until", "6000").teacherNoiseAt(5999));
        assertFalse(parse("train", "--teacher-noise-until", "6000").teacherNoiseAt(6000), "noise-free from that iteration on");
        assertEquals(0, parse("train", "--permutation-invariant", "--teacher", "average", "--no-teacher-noise").teacherNoiseUntil());
        assertEquals(throughout, parse("train", "--arch", "dcgan", "--teacher", "average").teacherNoiseUntil(), "the dcgan's batch norm: noisy");
        assertEquals(null, parse("train", "--teacher", "pair").describe().get("teacher_noise_until"), "only the mean teacher has one");
        for (String[] wrong : new String[][] {{"train", "--teacher", "pair", "--teacher-noise"}, {"train", "--permutation-invariant", "--no-teacher-noise"},
                {"train", "--arch", "dcgan", "--teacher", "average", "--no-teacher-noise"},
                {"train", "--arch", "dcgan", "--teacher", "average", "--teacher-noise-until", "100"},
                {"train", "--teacher", "pair", "--teacher-noise-until", "100"},
                {"train", "--no-teacher-noise", "--teacher-noise-until", "100"},
                {"train", "--teacher-noise-until", "-1"}, {"train", "--teacher-noise-until", "soon"}}) {
            Result r = run(wrong);
            assertEquals(2, r.code(), String.join(" ", wrong));
            assertTrue(r.err().contains("teacher-noise"), r.err());
            assertFalse(r.err().contains("Exception"), r.err());
        }
        // The generator's Adam: Bad GAN's for the mlp in both settings, the discriminator's for the dcgan.
        assertEquals(0.001f, parse("train").generatorLr(), "a third of the default --lr");
        assertEquals(0f, parse("train").generatorBeta1(), "no momentum");
        assertEquals(0.002f, parse("train", "--lr", "0.006").generatorLr(), 1e-9f, "a third of the --lr given");
        assertEquals(0.001f, parse("train", "--permutation-invariant").generatorLr(), "the same in the paper's setting");
        assertEquals(0f, parse("train", "--permutation-invariant").generatorBeta1());
        assertEquals(0.003f, parse("train", "--arch", "dcgan").generatorLr(), "not measured for the dcgan: the discriminator's");
        assertEquals(0.5f, parse("train", "--arch", "dcgan").generatorBeta1());
        assertEquals(0.003f, parse("train", "--generator-lr", "0.003", "--generator-beta1", "0.5").generatorLr(), "the paper's, when asked");
        assertEquals(0.5f, parse("train", "--generator-lr", "0.003", "--generator-beta1", "0.5").generatorBeta1());
        assertEquals("0.001", parse("train").describe().get("generator_lr"));
        assertEquals("0.0", parse("train").describe().get("generator_beta1"));
        for (String[] wrong : new String[][] {{"train", "--generator-lr", "0"}, {"train", "--generator-lr", "-1"},
                {"train", "--generator-beta1", "1"}, {"train", "--generator-beta1", "-0.1"}}) {
            Result r = run(wrong);
            assertEquals(2, r.code(), String.join(" ", wrong));
            assertTrue(r.err().contains(wrong[1] + " must be"), r.err());
            assertFalse(r.err().contains("Exception"), r.err());
        }
        assertEquals("100", parse("train").describe().get("fake_batch"), "as many as the batch, unless asked");
        assertEquals("50", parse("train", "--fake-batch", "50").describe().get("fake_batch"));
    }

    @Test
    void budgetValidationAndThePermutationInvariantSetting() {
        TrainConfig defaults = parse("train");
        assertEquals(TrainCommand.DEFAULT_ITERATIONS, defaults.iterations());
        assertEquals(TrainCommand.DEFAULT_EVAL_EVERY, defaults.evalEvery());
        TrainConfig dcgan = parse("train", "--arch", "dcgan");
        assertEquals(TrainCommand.DEFAULT_DCGAN_ITERATIONS, dcgan.iterations(), "the dcgan has a budget of its own");
        assertEquals(TrainCommand.DEFAULT_DCGAN_EVAL_EVERY, dcgan.evalEvery());
        assertEquals(TrainCommand.DEFAULT_LABEL_SMOOTHING, defaults.labelSmoothing(), "chosen on validation for the mlp");
        assertEquals(0f, dcgan.labelSmoothing(), "not measured for the dcgan: off");
        assertEquals(0f, parse("train", "--label-smoothing", "0").labelSmoothing(), "given, it wins");
        assertEquals(0.2f, parse("train", "--arch", "dcgan", "--label-smoothing", "0.2").labelSmoothing());
        assertEquals(TrainCommand.DEFAULT_EMA, defaults.emaRate(), "chosen on validation for the mlp");
        assertEquals(TrainCommand.DEFAULT_EMA, parse("train", "--permutation-invariant").emaRate(), "measured in both settings");
        assertEquals(TrainCommand.DEFAULT_DCGAN_EMA, dcgan.emaRate(), "not measured for the dcgan: the earlier rate");
        assertEquals(0f, parse("train", "--ema", "0", "--teacher", "pair").emaRate(), "given, it wins (the default teacher needs the average)");
        assertEquals(0.01f, parse("train", "--arch", "dcgan", "--ema", "0.01").emaRate());
        assertEquals(500, parse("train", "--arch", "dcgan", "--iterations", "500").iterations(), "given, it wins");
        assertEquals(50, parse("train", "--eval-every", "50").evalEvery());
        assertEquals(2, run("train", "--eval-every", "0").code());
        assertEquals(10_000, defaults.validation());
        assertFalse(defaults.permutationInvariant());
        assertEquals(0, parse("train", "--validation", "0").validation(), "0 turns it off");
        assertEquals(2, run("train", "--validation", "-1").code());
        assertEquals(2, run("train", "--validation", "50001").code());
        assertEquals(2, run("train", "--iterations", "0").code());
        assertEquals(2, run("train", "--decay", "1.5").code());
        assertEquals(2, run("train", "--decay", "NaN").code());

        TrainConfig invariant = parse("train", "--permutation-invariant");
        assertTrue(invariant.permutationInvariant());
        assertEquals(0, invariant.labelShift(), "no shifts in the paper's setting");
        assertEquals(TrainCommand.DEFAULT_CONSISTENCY, invariant.consistencyWeight(), "noise is per pixel: allowed");
        assertEquals(TrainCommand.DEFAULT_LABEL_SMOOTHING, invariant.labelSmoothing(), "a loss on labels: allowed");
        assertEquals(TrainConfig.Teacher.ADVERSARIAL, invariant.teacher(), "the paper's setting: virtual adversarial training");
        assertEquals(TrainCommand.DEFAULT_ADVERSARIAL_EPSILON, invariant.adversarialEpsilon());
        assertEquals(TrainCommand.DEFAULT_PERMUTATION_INVARIANT_ITERATIONS, invariant.iterations(), "its own budget");
        // Both default budgets end within 15 minutes at the rates the default commands ran at on the Zen 5
        // machine, evaluations included (2026-12-07): 33.6 and 27.4 iterations per second (docs/results.md).
        assertTrue(TrainCommand.DEFAULT_ITERATIONS / 33.6 <= 15 * 60, "the default budget fits 15 minutes");
        assertTrue(invariant.iterations() / 27.4 <= 15 * 60, "the permutation-invariant budget fits 15 minutes");
        assertEquals(TrainConfig.Teacher.PAIR, parse("train", "--permutation-invariant", "--teacher", "pair").teacher(), "unless asked otherwise");
        assertEquals(TrainConfig.Teacher.AVERAGE, parse("train").teacher(), "the default setting: a mean teacher");
        assertEquals(TrainConfig.Teacher.PAIR, parse("train", "--arch", "dcgan").teacher(), "dcgan: the pair (its consistency is off)");
        assertEquals(0f, parse("train", "--arch", "dcgan", "--ema", "0").emaRate(), "no teacher needed without consistency");
        Result noAverage = run("train", "--ema", "0");
        assertEquals(2, noAverage.code());
        assertTrue(noAverage.err().contains("add --teacher pair"), noAverage.err());
        assertEquals(TrainCommand.DEFAULT_ITERATIONS, parse("train").iterations());
        Result shifted = run("train", "--permutation-invariant", "--label-shift", "2");
        assertEquals(2, shifted.code());
        assertTrue(shifted.err().contains("--permutation-invariant rules out"), shifted.err());
        assertEquals(0f, invariant.labelRotate(), "no turns in the paper's setting");
        assertEquals(0f, invariant.labelScale(), "no scalings in the paper's setting");
        Result turned = run("train", "--permutation-invariant", "--label-rotate", "10");
        assertEquals(2, turned.code());
        assertTrue(turned.err().contains("--permutation-invariant rules out"), turned.err());
        assertEquals(2, run("train", "--permutation-invariant", "--label-scale", "0.1").code());
        assertEquals(2, run("train", "--permutation-invariant", "--label-shear", "0.1").code());
        assertEquals(TrainConfig.Teacher.AVERAGE, parse("train", "--teacher", "average").teacher());
        assertEquals(2, run("train", "--teacher", "average", "--ema", "0").code(), "the teacher is the average");
        assertEquals(2, run("train", "--teacher", "student").code());
        assertEquals(TrainConfig.Teacher.SHIFTED, parse("train", "--teacher", "shifted").teacher());
        Result unshifted = run("train", "--teacher", "shifted", "--permutation-invariant");
        assertEquals(2, unshifted.code());
        assertTrue(unshifted.err().contains("needs --label-shift above 0"), unshifted.err());
        TrainConfig adversarial = parse("train", "--teacher", "adversarial", "--permutation-invariant", "--adversarial-epsilon", "1.5");
        assertEquals(TrainConfig.Teacher.ADVERSARIAL, adversarial.teacher(), "an adversarial move adds to each pixel: permutation-invariant");
        assertEquals(1.5f, adversarial.adversarialEpsilon());
        assertEquals("1.5", adversarial.describe().get("adversarial_epsilon"));
        assertEquals(null, parse("train").describe().get("adversarial_epsilon"), "recorded only where it is used");
        for (String epsilon : new String[] {"0", "-1", "NaN"}) {
            Result bad = run("train", "--teacher", "adversarial", "--adversarial-epsilon", epsilon);
            assertEquals(2, bad.code(), epsilon);
            assertTrue(bad.err().contains("--adversarial-epsilon must be a number above 0"), bad.err());
        }
        Result convAdversarial = run("train", "--teacher", "adversarial", "--arch", "dcgan", "--consistency", "1");
        assertEquals(2, convAdversarial.code());
        assertTrue(convAdversarial.err().contains("--teacher adversarial needs the mlp discriminator"), convAdversarial.err());
        Result conv = run("train", "--permutation-invariant", "--arch", "dcgan");
        assertEquals(2, conv.code());
        assertTrue(conv.err().contains("needs --arch mlp"), conv.err());
    }

    private static TrainConfig parse(String... args) {
        CommandLine cl = SsganCommand.commandLine();
        CommandLine.ParseResult parsed = cl.parseArgs(args);
        return ((TrainCommand) parsed.subcommand().commandSpec().userObject()).config();
    }

    @Test
    void unwritableOutputFailsBeforeTraining(@TempDir Path tmp) throws Exception {
        Path file = Files.createFile(tmp.resolve("a-file"));
        Result r = run("train", "--out", file.resolve("sub").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("cannot write to the output folder"), r.err());
    }

    @Test
    void resumingNothingAndClobberingARunAreOneLineErrors(@TempDir Path tmp) throws Exception {
        Result nothing = run("train", "--resume", "--out", Files.createDirectories(tmp.resolve("empty")).toString());
        assertEquals(2, nothing.code());
        assertTrue(nothing.err().contains("holds no run to continue"), nothing.err());
        assertFalse(nothing.err().contains("Exception"), nothing.err());
        Result missing = run("train", "--resume", "--out", tmp.resolve("typo/run").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("does not exist"), missing.err());
        assertFalse(Files.exists(tmp.resolve("typo")), "a resume into a missing folder creates nothing");

        Path used = Files.createDirectories(tmp.resolve("used"));
        Files.writeString(used.resolve("summary.json"), "{}");
        Result clobber = run("train", "--out", used.toString());
        assertEquals(2, clobber.code());
        assertTrue(clobber.err().contains("already holds a run"), clobber.err());
        assertEquals(2, run("train", "--resume", "--overwrite", "--out", used.toString()).code());
    }

    @Test
    void unwritableSampleOutputIsAOneLineError(@TempDir Path tmp) throws Exception {
        Path checkpoint = tmp.resolve("model.safetensors");
        ssgan.app.train.Checkpoint.save(checkpoint, ssgan.app.model.Models.discriminator(Architecture.MLP, 5, new ssgan.engine.tensor.Rng(1)),
                ssgan.app.model.Models.generator(Architecture.MLP, new ssgan.engine.tensor.Rng(2)), null, java.util.Map.of("arch", "mlp"));
        assertEquals(0, run("sample", "--checkpoint", checkpoint.toString(), "--out", tmp.resolve("grid.png").toString()).code());
        Path file = Files.createFile(tmp.resolve("a-file"));
        for (Path bad : new Path[] {file.resolve("grid.png"), Path.of("/proc/grid.png"), tmp}) {
            // ImageIO used to print a stack trace of its own on System.err: watch that stream too.
            java.io.PrintStream savedErr = System.err;
            java.io.ByteArrayOutputStream stray = new java.io.ByteArrayOutputStream();
            System.setErr(new java.io.PrintStream(stray, true));
            Result r;
            try {
                r = run("sample", "--checkpoint", checkpoint.toString(), "--out", bad.toString());
            } finally {
                System.setErr(savedErr);
            }
            assertEquals(2, r.code(), bad.toString());
            assertTrue(r.err().startsWith("error: cannot write"), r.err());
            assertFalse(r.err().contains("\tat ") || stray.toString().contains("\tat "), "no stack trace: " + r.err() + stray);
        }
    }

    @Test
    void missingCheckpointIsAClearError() {
        Result r = run("evaluate", "--checkpoint", "no/such/file.safetensors");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("does not exist"), r.err());
        assertEquals(2, run("sample", "--checkpoint", "no/such/file.safetensors").code());
    }

    @Test
    void aRunFolderGivenAsCheckpointNamesTheFileToGive(@TempDir Path tmp) {
        Result r = run("evaluate", "--checkpoint", tmp.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("is a folder") && r.err().contains(tmp.resolve("best.safetensors").toString()), r.err());
    }

    @Test
    void helpAndVersionSucceed() {
        assertEquals(0, run("--help").code());
        assertEquals(0, run("--version").code());
        assertEquals(0, run("train", "--help").code());
    }

    /** Every command's help is printed as written: picocli warns on System.err about a description it cannot format (a bare %). */
    @Test
    void everyHelpFormatsWithoutWarnings() {
        java.io.PrintStream savedErr = System.err;
        java.io.ByteArrayOutputStream stray = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(stray, true));
        try {
            for (String command : SsganCommand.commandLine().getSubcommands().keySet()) {
                CommandLine cl = SsganCommand.commandLine();
                StringWriter out = new StringWriter();
                cl.setOut(new PrintWriter(out));
                cl.setErr(new PrintWriter(new StringWriter()));
                assertEquals(0, cl.execute(command, "--help"), command);
                assertFalse(out.toString().contains("%n"), command + " --help shows a raw format: " + out);
                if (command.equals("train")) assertTrue(out.toString().contains("95 % probability"), out.toString());
            }
        } finally {
            System.setErr(savedErr);
        }
        assertEquals("", stray.toString(), "picocli's warnings");
    }
}
