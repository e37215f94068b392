package ssgan.examples.exercises;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exercises can be done, and their tests tell a right answer from a wrong one. For every exercise:
 * the solution in the code passes its tagged tests; stripped (its body replaced by the stub that throws)
 * the stripped file still compiles and its tests fail, reaching the stub; one to three plausible wrong
 * answers each ({@link #WRONG_ANSWERS}) fail them too; and in the order of the list each exercise's tests
 * pass with every later one stripped, as in a student copy. Each variant is a changed copy of the
 * source file compiled and tested in this JVM ({@link InProcessTests}); no source file is written. Also:
 * strip and restore give every file back byte for byte, and export writes a student copy without
 * solutions.
 */
class ExercisesCheckTest {
    /**
     * A wrong answer: what it gets wrong, and pairs of a text in the solution (found exactly once) and what a
     * student might write instead; or a single text, the whole body a student might write.
     */
    record WrongAnswer(String exercise, String what, String... findReplace) {}

    static final List<WrongAnswer> WRONG_ANSWERS = List.of(
            new WrongAnswer("accumulate-grad", "= for +=: a second gradient replaces the first",
                    "grad[i] += g[i]", "grad[i] = g[i]"),
            new WrongAnswer("topological-order", "no visited set: a tensor shared by two ops is listed twice",
                    "in.node() != null && visited.put(in, Boolean.TRUE) == null", "in.node() != null"),
            new WrongAnswer("topological-order", "pre-order: each tensor listed before its inputs",
                    "visited.put(root, Boolean.TRUE);", "visited.put(root, Boolean.TRUE);\n        order.add(root);",
                    "stack.push(in);", "stack.push(in);\n                    order.add(in);",
                    "stack.pop();\n                order.add(t);", "stack.pop();"),
            new WrongAnswer("topological-order", "a recursive walk: a deep graph overflows the call stack", String.join("\n",
                    "        java.util.function.Consumer<Tensor>[] visit = new java.util.function.Consumer[1];",
                    "        visit[0] = t -> {",
                    "            for (Tensor in : t.node().inputs()) {",
                    "                if (in.node() != null && visited.put(in, Boolean.TRUE) == null) visit[0].accept(in);",
                    "            }",
                    "            order.add(t);",
                    "        };",
                    "        visit[0].accept(root);",
                    "        return order;",
                    "")),
            new WrongAnswer("sigmoid-backward", "x·(1 − x): the formula applied to the input instead of the output",
                    "return y * (1f - y);", "return x * (1f - x);"),
            new WrongAnswer("pow-backward", "p·x^p: the exponent not lowered",
                    "p - 1.0", "p"),
            new WrongAnswer("leaky-relu-backward", "an off-by-one in the tail: the first element after the vectors is skipped",
                    "super.leakyReluBackward(x, slope, g, gradIn, i, to, accumulate);", "super.leakyReluBackward(x, slope, g, gradIn, i + 1, to, accumulate);"),
            new WrongAnswer("leaky-relu-backward", "accumulate ignored in the vector loop",
                    "if (accumulate) d = d.add(FloatVector.fromArray(S, gradIn, i));", ""),
            new WrongAnswer("log-sum-exp", "no shift by the maximum: exp overflows, or underflows to log 0",
                    "- m);", ");", "m + (float) StrictMath.log(s)", "(float) StrictMath.log(s)"),
            new WrongAnswer("mean-backward", "a missing 1/N: the mean's gradient is the sum's",
                    "Elementwise.scale(g, scale, gs, g.length);", "System.arraycopy(g, 0, gs, 0, g.length);"),
            new WrongAnswer("cross-entropy-backward", "a missing 1/N: the gradient of the summed loss",
                    "g[0] / n", "g[0]"),
            new WrongAnswer("cross-entropy-backward", "label smoothing forgotten: the target is the plain one-hot",
                    "Elementwise.binaryScalar(BinaryOp.SUB, p, uniform, p, p.length, false);", ""),
            new WrongAnswer("concat-backward", "the block's start counted in rows, not elements (× inner missing)",
                    "offsets[i] * inner", "offsets[i]"),
            new WrongAnswer("index-select-backward", "= for +=: a row picked twice gets one gradient",
                    "gradIn[d + i] += g[s + i]", "gradIn[d + i] = g[s + i]"),
            new WrongAnswer("permute", "the output walked with the input's strides unpermuted",
                    "stride[d] = inStrides[perm[d]];", "stride[d] = inStrides[d];"),
            new WrongAnswer("broadcast-backward", "assigned instead of accumulated when the shapes agree",
                    "target.gradBuffer(), outShape, true);", "target.gradBuffer(), outShape, false);"),
            new WrongAnswer("im2col-offsets", "an off-by-one at the bottom edge: row H counted as inside",
                    "iy < g.height()", "iy <= g.height()"),
            new WrongAnswer("im2col-offsets", "the left padding forgotten",
                    "ox * g.strideW() - g.padLeft() + kx", "ox * g.strideW() + kx"),
            new WrongAnswer("bilinear-backward", "= for +=: pixels shared by several outputs keep only the last",
                    "dx[r0 + c0] += wy0", "dx[r0 + c0] = wy0"),
            new WrongAnswer("adam-coefficients", "no bias correction",
                    "(float) (lr / bc1), (float) (1 / bc2)", "lr, 1f"),
            new WrongAnswer("adam-coefficients", "the step count off by one in the corrections",
                    "StrictMath.pow(options.beta1(), t)", "StrictMath.pow(options.beta1(), t + 1)",
                    "StrictMath.pow(options.beta2(), t)", "StrictMath.pow(options.beta2(), t + 1)"),
            new WrongAnswer("feature-matching", "the real side not detached: D's features are trained toward G's",
                    "featuresReal.detach()", "featuresReal"),
            new WrongAnswer("feature-matching", "each image matched to its own partner instead of the batch means",
                    "return Losses.mse(mean(featuresFake, false, 0), target);", "return Losses.mse(featuresFake, featuresReal.detach());"));

    @TempDir
    static Path work;
    private static Path root;
    private static Catalog catalog;
    private static InProcessTests tests;

    @BeforeAll
    static void scan() {
        root = Catalog.findRoot(Path.of(""));
        assumeFalse(Files.exists(root.resolve(Workspace.STUDENT_COPY)), "a student copy: its exercises are the student's to write");
        catalog = Catalog.scan(root);
        tests = new InProcessTests(root, work);
    }

    /** The module's tagged test classes, compiled once. */
    private static Path testClasses(String module) {
        Set<String> classes = new LinkedHashSet<>();
        for (Exercise e : catalog.exercises()) {
            if (e.module().equals(module)) classes.addAll(e.testClasses());
        }
        return tests.testClasses(module, classes);
    }

    @Test
    void theMarkersAndTagsAreWellFormedAndNoExerciseIsLeftStripped() {
        assertEquals(List.of(), catalog.problems());
        assertTrue(catalog.exercises().size() >= 12, "only " + catalog.exercises().size() + " exercises");
        Workspace workspace = new Workspace(root);
        for (Exercise e : catalog.exercises()) {
            assertFalse(workspace.isStripped(e), e.name() + " is stripped in " + e.file()
                    + ": put the solution back with 'Exercises restore " + e.name() + "' (see docs/EXERCISES.md)");
        }
        Set<String> named = new LinkedHashSet<>();
        for (WrongAnswer w : WRONG_ANSWERS) {
            assertTrue(catalog.find(w.exercise()) != null, "a wrong answer for no exercise: " + w.exercise());
            named.add(w.exercise());
        }
        for (Exercise e : catalog.exercises()) {
            assertTrue(named.contains(e.name()), e.name() + " has no wrong answer in WRONG_ANSWERS: add a plausible one that its tests catch");
        }
    }

    @Test
    void solutionsPassWhileStubsAndWrongAnswersFail() {
        long start = System.nanoTime();
        List<String> failures = new ArrayList<>();
        List<String> report = new ArrayList<>();
        Map<String, List<Exercise>> byModule = new LinkedHashMap<>();
        for (Exercise e : catalog.exercises()) byModule.computeIfAbsent(e.module(), m -> new ArrayList<>()).add(e);

        for (Map.Entry<String, List<Exercise>> entry : byModule.entrySet()) {
            List<Exercise> exercises = entry.getValue();
            Set<String> classes = new LinkedHashSet<>();
            for (Exercise e : exercises) classes.addAll(e.testClasses());
            Path testClasses = testClasses(entry.getKey());

            // The solutions as the files hold them now, all of the module's in one class folder and one run.
            Map<String, String> sources = new LinkedHashMap<>();
            for (Exercise e : exercises) sources.put(e.file(), read(e.file()));
            long t0 = System.nanoTime();
            Path solutions = tests.compileVariant(sources, "the solutions of " + entry.getKey());
            Map<String, InProcessTests.Outcome> outcomes = tests.run(List.of(solutions, testClasses), classes,
                    exercises.stream().map(Exercise::tag).toList());
            int passed = 0;
            for (Exercise e : exercises) {
                InProcessTests.Outcome o = outcomes.get(e.tag());
                passed += o.passed;
                if (o.anyFailed() || o.passed == 0) {
                    failures.add(e.name() + ", the solution: " + o.passed + " tests passed, " + o.failures.size() + " failed; " + o.firstFailure());
                }
            }
            report.add(String.format("%-24s %-62s %6d ms", entry.getKey(), "the solutions pass: " + passed + " tests", ms(t0)));

            for (Exercise e : exercises) {
                String text = sources.get(e.file());
                Exercise.Region region = region(e, text);
                String body = region.body(text);
                t0 = System.nanoTime();
                InProcessTests.Outcome stripped = variant(tests, e, region.replaceBody(text, e.stub(region.indent())), testClasses, "stripped");
                if (!stripped.anyFailed()) {
                    failures.add(e.name() + ", stripped: its " + stripped.passed + " tagged tests still pass");
                } else if (!stripped.failedWith("exercise " + e.name() + ":")) {
                    failures.add(e.name() + ", stripped: the tests fail, but none reaches the stub: " + stripped.firstFailure());
                }
                report.add(String.format("%-24s %-62s %6d ms", e.name(), "stripped: " + stripped.failures.size() + " failed", ms(t0)));
                for (WrongAnswer w : WRONG_ANSWERS) {
                    if (!w.exercise().equals(e.name())) continue;
                    String wrong = w.findReplace().length == 1 ? w.findReplace()[0] : body;
                    for (int k = 0; k + 1 < w.findReplace().length; k += 2) {
                        String find = w.findReplace()[k];
                        int at = wrong.indexOf(find);
                        if (at < 0 || wrong.indexOf(find, at + 1) >= 0) {
                            failures.add(e.name() + ", wrong answer '" + w.what() + "': '" + find + "' is not in the solution exactly once");
                            wrong = null;
                            break;
                        }
                        wrong = wrong.substring(0, at) + w.findReplace()[k + 1] + wrong.substring(at + find.length());
                    }
                    if (wrong == null) continue;
                    t0 = System.nanoTime();
                    InProcessTests.Outcome o = variant(tests, e, region.replaceBody(text, wrong), testClasses, w.what());
                    if (!o.anyFailed()) failures.add(e.name() + ", wrong answer '" + w.what() + "': its " + o.passed + " tagged tests pass");
                    report.add(String.format("%-24s %-62s %6d ms", "", truncate(w.what(), 50) + ": " + o.failures.size() + " failed", ms(t0)));
                }
            }
        }
        report.add(String.format("%-24s %-62s %6d ms", "in all", "", ms(start)));
        System.out.println("ExercisesCheckTest: each exercise's tagged tests, in this JVM\n  " + String.join("\n  ", report));
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /**
     * A student copy has every exercise stripped, and a student writes them in the order 'list' shows. So
     * each exercise's tests must pass with it and those before it written, and every later one stripped:
     * they may use what earlier exercises wrote, never what later ones will.
     */
    @Test
    void eachExercisesTestsPassWithEveryLaterOneStripped() {
        long start = System.nanoTime();
        List<Exercise> order = catalog.exercises();
        List<String> failures = new ArrayList<>();
        for (int k = 0; k < order.size(); k++) {
            Exercise e = order.get(k);
            Map<String, String> sources = new LinkedHashMap<>();
            for (Exercise later : order.subList(k + 1, order.size())) {
                String text = sources.computeIfAbsent(later.file(), ExercisesCheckTest::read);
                Exercise.Region r = region(later, text);
                sources.put(later.file(), r.replaceBody(text, later.stub(r.indent())));
            }
            List<Path> first = new ArrayList<>();
            if (!sources.isEmpty()) first.add(tests.compileVariant(sources, "the sources with the exercises after " + e.name() + " stripped"));
            first.add(testClasses(e.module()));
            InProcessTests.Outcome o = tests.run(first, e.testClasses(), List.of(e.tag())).get(e.tag());
            if (o.anyFailed() || o.passed == 0) {
                failures.add((k + 1) + ". " + e.name() + ": with the " + (order.size() - k - 1) + " exercises after it stripped, "
                        + o.failures.size() + " of its tests fail: " + o.firstFailure());
            }
        }
        System.out.println("ExercisesCheckTest: " + order.size() + " exercises in their order, each with the later ones stripped: " + ms(start) + " ms");
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    private static InProcessTests.Outcome variant(InProcessTests tests, Exercise e, String text, Path testClasses, String what) {
        Path classes = tests.compileVariant(Map.of(e.file(), text), e.file() + " (" + e.name() + ", " + what + ")");
        return tests.run(List.of(classes, testClasses), e.testClasses(), List.of(e.tag())).get(e.tag());
    }

    @Test
    void stripAndRestoreGiveEveryFileBackByteForByte(@TempDir Path copy) throws IOException {
        Set<String> files = new LinkedHashSet<>();
        for (Exercise e : catalog.exercises()) files.add(e.file());
        Map<String, byte[]> original = new LinkedHashMap<>();
        for (String f : files) {
            original.put(f, Files.readAllBytes(root.resolve(f)));
            Files.createDirectories(copy.resolve(f).getParent());
            Files.write(copy.resolve(f), original.get(f));
        }
        Workspace workspace = new Workspace(copy);
        for (Exercise e : catalog.exercises()) assertTrue(workspace.strip(e).contains("stripped from"), e.name());
        for (Exercise e : catalog.exercises()) {
            assertTrue(workspace.isStripped(e), e.name());
            assertTrue(workspace.strip(e).contains("already stripped"), "a second strip must not touch the saved solution: " + e.name());
            assertTrue(Files.isRegularFile(workspace.solutionFile(e.name())), e.name());
        }
        // An attempt written in place of a stub is kept when the solution goes back.
        Exercise first = catalog.exercises().get(0);
        Path firstFile = copy.resolve(first.file());
        String text = Files.readString(firstFile);
        Exercise.Region r = region(first, text);
        Files.writeString(firstFile, r.replaceBody(text, r.indent() + "// my attempt\n"));
        for (Exercise e : catalog.exercises()) assertTrue(workspace.restore(e).contains("restored"), e.name());
        for (String f : files) assertArrayEquals(original.get(f), Files.readAllBytes(copy.resolve(f)), f + " differs after strip and restore");
        try (var attempts = Files.list(copy.resolve(".exercises/attempts"))) {
            List<Path> kept = attempts.toList();
            assertEquals(1, kept.size());
            assertEquals("        // my attempt\n".strip(), Files.readString(kept.get(0)).strip());
        }
        for (Exercise e : catalog.exercises()) assertEquals(e.name() + ": already in place", workspace.restore(e));
    }

    @Test
    void exportWritesAStudentCopyWithEveryExerciseStrippedAndNoSolution(@TempDir Path parent) throws IOException {
        assumeTrue(Files.isDirectory(root.resolve(".git")) || Files.isRegularFile(root.resolve(".git")), "export copies git's files: not a clone");
        Path copy = parent.resolve("student");
        StudentCopy.export(catalog, copy);
        assertTrue(Files.isRegularFile(copy.resolve(Workspace.STUDENT_COPY)));
        assertFalse(Files.exists(copy.resolve(".exercises/solutions")));
        Catalog copied = Catalog.scan(copy);
        assertEquals(List.of(), copied.problems());
        assertEquals(catalog.exercises().size(), copied.exercises().size());
        Workspace workspace = new Workspace(copy);
        for (Exercise e : copied.exercises()) assertTrue(workspace.isStripped(e), e.name() + " is not stripped in the copy");
        assertThrows(IllegalStateException.class, () -> workspace.restore(copied.exercises().get(0)), "a student copy holds no solutions");
        // A doc fence that copies a region holding an exercise shows the stub, not the answer.
        String tour = Files.readString(copy.resolve("docs/TOUR.md"));
        assertTrue(tour.contains("exercise topological-order: write this"), "the tour's copy of topologicalOrder still shows the solution");
        assertFalse(tour.contains("stack.push(root);"), "the tour's copy of topologicalOrder still shows the solution");
        assertThrows(IllegalArgumentException.class, () -> StudentCopy.export(catalog, copy), "a folder that is not empty");
        assertThrows(IllegalArgumentException.class, () -> StudentCopy.export(catalog, root.resolve("target/student")), "inside the repository");
    }

    private static Exercise.Region region(Exercise e, String text) {
        for (Exercise.Region r : Exercise.regions(text, e.file(), new ArrayList<>())) {
            if (r.name().equals(e.name())) return r;
        }
        throw new AssertionError(e.file() + " has no region exercise-" + e.name());
    }

    private static String read(String file) {
        return Catalog.read(root.resolve(file));
    }

    private static long ms(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    private static String truncate(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }
}
