package ssgan.examples.exercises;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every exercise of a repository: the exercise regions of the main sources of each module
 * ({@code MODULE/src/main/java}) and the tests tagged for them ({@code MODULE/src/test/java}), in reading
 * order (by the tour's stop, then by file). {@link #problems} lists what is wrong with the markers or
 * the tags; an empty list means every exercise can be stripped, compiled and tested.
 */
public final class Catalog {
    private static final Pattern TAG = Pattern.compile("@Tag\\(\"exercise-([a-z0-9-]+)\"\\)");
    private static final Pattern DECLARATION = Pattern.compile("\\b(?:class\\s+(\\w+)|void\\s+(\\w+)\\s*\\()");

    private final Path root;
    private final List<Exercise> exercises;
    private final List<String> problems;

    private Catalog(Path root, List<Exercise> exercises, List<String> problems) {
        this.root = root;
        this.exercises = List.copyOf(exercises);
        this.problems = List.copyOf(problems);
    }

    public Path root() {
        return root;
    }

    public List<Exercise> exercises() {
        return exercises;
    }

    public List<String> problems() {
        return problems;
    }

    /** The exercise of that name, or null. */
    public Exercise find(String name) {
        return exercises.stream().filter(e -> e.name().equals(name)).findFirst().orElse(null);
    }

    /**
     * The repository root above {@code start} (or {@code start} itself): the first folder up that holds
     * {@code pom.xml}, {@code engine/} and {@code examples/}.
     */
    public static Path findRoot(Path start) {
        for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("pom.xml")) && Files.isDirectory(p.resolve("engine")) && Files.isDirectory(p.resolve("examples"))) {
                return p;
            }
        }
        throw new IllegalArgumentException("no ssgan repository at or above " + start.toAbsolutePath()
                + " (a folder with pom.xml, engine/ and examples/); run from inside it or give --root DIR");
    }

    public static Catalog scan(Path root) {
        List<String> problems = new ArrayList<>();
        Map<String, List<String>> testsByName = new TreeMap<>();
        Map<String, String> testModuleByName = new LinkedHashMap<>();
        List<Exercise> found = new ArrayList<>();
        for (Path module : modules(root)) {
            String moduleName = module.getFileName().toString();
            for (Path file : javaFiles(module.resolve("src/main/java"))) {
                String rel = relative(root, file);
                String text = read(file);
                for (Exercise.Region r : Exercise.regions(text, rel, problems)) {
                    if (!r.endsItsBlock()) {
                        problems.add(rel + ":" + r.line() + ": exercise " + r.name()
                                + " must end its block (the next line of code a '}'), so that a throw can replace it");
                    }
                    if (r.body(text).isBlank()) problems.add(rel + ":" + r.line() + ": exercise " + r.name() + " has an empty body");
                    String doc = r.reading().split("\\s+")[0].replaceAll("#.*", "");
                    if (!Files.exists(root.resolve(doc))) {
                        problems.add(rel + ":" + r.line() + ": exercise " + r.name() + " says to read " + doc + ", which does not exist");
                    }
                    found.add(new Exercise(r.name(), r.reading(), r.description(), rel, r.line(), List.of()));
                }
            }
            Path testRoot = module.resolve("src/test/java");
            for (Path file : javaFiles(testRoot)) {
                String text = read(file);
                String className = relative(testRoot, file).replace(".java", "").replace('/', '.');
                Matcher m = TAG.matcher(text);
                while (m.find()) {
                    Matcher d = DECLARATION.matcher(text);
                    String where = d.find(m.end()) && d.group(2) != null ? className + "#" + d.group(2) : className;
                    testsByName.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(where);
                    String previous = testModuleByName.putIfAbsent(m.group(1), moduleName);
                    if (previous != null && !previous.equals(moduleName)) {
                        problems.add("exercise-" + m.group(1) + " tags tests in both " + previous + " and " + moduleName);
                    }
                }
            }
        }
        List<Exercise> exercises = new ArrayList<>();
        Map<String, Exercise> byName = new LinkedHashMap<>();
        for (Exercise e : found) {
            List<String> tests = testsByName.getOrDefault(e.name(), List.of());
            Exercise withTests = new Exercise(e.name(), e.reading(), e.description(), e.file(), e.line(), List.copyOf(tests));
            if (byName.put(e.name(), withTests) != null) problems.add(e.file() + ":" + e.line() + ": a second exercise named " + e.name());
            exercises.add(withTests);
            if (tests.isEmpty()) {
                problems.add(e.file() + ":" + e.line() + ": no test carries @Tag(\"" + e.tag() + "\")");
            } else if (!testModuleByName.get(e.name()).equals(e.module())) {
                problems.add(e.file() + ":" + e.line() + ": the tests of " + e.name() + " are in " + testModuleByName.get(e.name())
                        + ", not in " + e.module() + " where its command runs them");
            }
        }
        for (String name : testsByName.keySet()) {
            if (!byName.containsKey(name)) problems.add("@Tag(\"exercise-" + name + "\") on " + testsByName.get(name) + " names no exercise");
        }
        exercises.sort(Comparator.comparingInt((Exercise e) -> e.chapter() < 0 ? Integer.MAX_VALUE : e.chapter())
                .thenComparing(Exercise::file).thenComparingInt(Exercise::line));
        return new Catalog(root, exercises, problems);
    }

    /** The folders directly under the root that hold Java sources (engine, nn, ssgan-app, ...). */
    private static List<Path> modules(Path root) {
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> Files.isDirectory(p.resolve("src"))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> javaFiles(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".java") && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
