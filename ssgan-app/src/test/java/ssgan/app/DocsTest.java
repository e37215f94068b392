package ssgan.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import ssgan.app.cli.SsganCommand;
import ssgan.app.cli.TrainCommandAccess;

/**
 * The README and docs/ cannot drift from the code: every command line they show is parsed by the real
 * command line (a renamed option fails the build), every relative link and anchor resolves, and every
 * class named in backticks exists. A document that records commands of an older build says so with the
 * marker {@code <!-- older-cli -->}; its command lines are then not parsed (its links still are). The Java
 * code they show is checked by {@link DocsJavaFenceTest}.
 */
class DocsTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    private static final Pattern INLINE_CODE = Pattern.compile("`([^`]+)`");
    private static final Pattern CLASS_NAME = Pattern.compile("[A-Z][a-z]+(?:[A-Z][a-z0-9]*)*(?:#[a-z][A-Za-z0-9]*)?");
    private static final Set<String> COMMANDS = Set.of("train", "evaluate", "sample", "report");

    /** README.md and every Markdown file under docs/: the documents these checks (and {@link DocsJavaFenceTest}) read. */
    static List<Path> documents() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> s = Files.walk(ROOT.resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        return docs;
    }

    @Test
    void everyCommandLineShownIsAcceptedByTheRealCommandLine() throws IOException {
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (Path doc : documents()) {
            List<String> lines = Files.readAllLines(doc);
            if (String.join("\n", lines).contains("<!-- older-cli -->")) continue;
            boolean inBash = false;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.startsWith("```")) {
                    inBash = !inBash && line.trim().equals("```bash");
                    continue;
                }
                List<String> commands = new ArrayList<>();
                if (inBash && line.contains("ssgan-app.jar ")) commands.add(line.substring(line.indexOf("ssgan-app.jar ") + 14));
                if (!inBash) {
                    Matcher m = INLINE_CODE.matcher(line);
                    while (m.find()) {
                        String code = m.group(1).trim();
                        if (code.contains("ssgan-app.jar ")) code = code.substring(code.indexOf("ssgan-app.jar ") + 14);
                        if (COMMANDS.contains(code.split(" ")[0]) && code.contains(" --")) commands.add(code);
                    }
                }
                for (String command : commands) {
                    checked++;
                    String problem = parse(command);
                    if (problem != null) failures.add(ROOT.relativize(doc) + ":" + (i + 1) + ": `" + command.trim() + "`: " + problem);
                }
            }
        }
        assertTrue(checked >= 5, "only " + checked + " command lines found: the check would prove nothing");
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /** Parses one command line (the words after the jar) as the app would, without running it; null when accepted. */
    private static String parse(String command) {
        String shell = command.split("\\s(#|&&?|\\||>|;)")[0].replaceAll("\\$\\{?\\w+\\}?", "1").trim();
        String[] args = shell.split("\\s+");
        try {
            CommandLine.ParseResult parsed = SsganCommand.commandLine().parseArgs(args);
            if (parsed.subcommand() != null && parsed.subcommand().commandSpec().name().equals("train")
                    && !parsed.subcommand().isUsageHelpRequested()) {
                TrainCommandAccess.validate(parsed.subcommand());
            }
            return null;
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }

    @Test
    void everyRelativeLinkAndAnchorResolves() throws IOException {
        List<String> failures = new ArrayList<>();
        for (Path doc : documents()) {
            String text = Files.readString(doc);
            Matcher m = LINK.matcher(text);
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("^[a-z]+:.*")) continue;  // http:, https:, mailto:
                String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
                String anchor = target.contains("#") ? target.substring(target.indexOf('#') + 1) : null;
                Path resolved = file.isEmpty() ? doc : doc.getParent().resolve(file).normalize();
                if (!Files.exists(resolved)) {
                    failures.add(ROOT.relativize(doc) + ": link to " + target + ": no such file");
                } else if (anchor != null && !anchors(resolved).contains(anchor)) {
                    failures.add(ROOT.relativize(doc) + ": link to " + target + ": no heading with that anchor");
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /** GitHub's anchors: each heading lower-cased, punctuation dropped, spaces turned into hyphens. */
    private static Set<String> anchors(Path markdown) throws IOException {
        Set<String> out = new HashSet<>();
        for (String line : Files.readAllLines(markdown)) {
            if (!line.startsWith("#")) continue;
            String heading = line.replaceFirst("^#+\\s*", "").toLowerCase(Locale.ROOT);
            out.add(heading.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
        }
        return out;
    }

    /** A public class of a JDK module by its simple name (FloatVector, ForkJoinPool, ...). */
    private static boolean inJdk(String simpleName) {
        for (Module module : ModuleLayer.boot().modules()) {
            for (String pkg : module.getPackages()) {
                try {
                    Class.forName(pkg + "." + simpleName, false, ClassLoader.getPlatformClassLoader());
                    return true;
                } catch (ClassNotFoundException | LinkageError e) {
                    // not in this package
                }
            }
        }
        return false;
    }

    /** Whether some JDK class of that simple name has a public method or field of that name. */
    private static boolean jdkMember(String simpleName, String member) {
        for (Module module : ModuleLayer.boot().modules()) {
            for (String pkg : module.getPackages()) {
                try {
                    Class<?> c = Class.forName(pkg + "." + simpleName, false, ClassLoader.getPlatformClassLoader());
                    for (var m : c.getMethods()) if (m.getName().equals(member)) return true;
                    for (var f : c.getFields()) if (f.getName().equals(member)) return true;
                } catch (ClassNotFoundException | LinkageError e) {
                    // not in this package
                }
            }
        }
        return false;
    }

    /**
     * Whether a source file of that class declares or uses {@code member} as a method, field, record
     * component or constant: a renamed member leaves its old name in no such place.
     */
    private static boolean sourceMember(List<Path> files, String member) throws IOException {
        Pattern use = Pattern.compile("\\b" + Pattern.quote(member) + "\\b\\s*[(;=,)]");
        for (Path f : files) {
            if (use.matcher(Files.readString(f)).find()) return true;
        }
        return false;
    }

    @Test
    void everyClassNamedInBackticksExists() throws IOException {
        // Every type declared in the project, nested ones too (BatchNormKernels' Coefficients), by simple name.
        Map<String, List<Path>> sources = new HashMap<>();
        Pattern declaration = Pattern.compile("\\b(?:class|interface|record|enum)\\s+([A-Z]\\w*)");
        List<Path> files;
        try (Stream<Path> s = Files.walk(ROOT)) {
            files = s.filter(p -> p.toString().endsWith(".java") && !p.toString().contains("/target/")).toList();
        }
        for (Path p : files) {
            sources.computeIfAbsent(p.getFileName().toString().replace(".java", ""), k -> new ArrayList<>()).add(p);
            Matcher d = declaration.matcher(Files.readString(p));
            while (d.find()) sources.computeIfAbsent(d.group(1), k -> new ArrayList<>()).add(p);
        }
        List<String> failures = new ArrayList<>();
        int checked = 0, members = 0;
        for (Path doc : documents()) {
            List<String> lines = Files.readAllLines(doc);
            boolean inFence = false;
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).startsWith("```")) inFence = !inFence;
                if (inFence) continue;
                Matcher m = INLINE_CODE.matcher(lines.get(i));
                while (m.find()) {
                    String code = m.group(1);
                    if (!CLASS_NAME.matcher(code).matches()) continue;
                    String cls = code.contains("#") ? code.substring(0, code.indexOf('#')) : code;
                    String member = code.contains("#") ? code.substring(code.indexOf('#') + 1) : null;
                    checked++;
                    if (member != null) members++;
                    if (!sources.containsKey(cls) && !inJdk(cls)) {
                        failures.add(ROOT.relativize(doc) + ":" + (i + 1) + ": `" + code + "` names no class of the project or the JDK");
                    } else if (member != null && !(sources.containsKey(cls) ? sourceMember(sources.get(cls), member) : jdkMember(cls, member))) {
                        failures.add(ROOT.relativize(doc) + ":" + (i + 1) + ": `" + code + "`: " + cls + " has no member " + member);
                    }
                }
            }
        }
        assertTrue(checked >= 10, "only " + checked + " class names found");
        assertTrue(members >= 5, "only " + members + " Class#member names found");
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }
}
