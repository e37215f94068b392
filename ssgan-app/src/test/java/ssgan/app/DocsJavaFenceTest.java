package ssgan.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java code in the README and docs/ cannot drift from the code either. Every {@code ```java} fence is
 * one of two kinds, named by an HTML comment on the line just above it (invisible on GitHub):
 * <ul>
 *   <li>{@code <!-- code: engine/src/main/java/ssgan/engine/ops/Arithmetic.java#add -->}: a copy of the
 *       region {@code add} of that file (the path is from the repository root): the lines between
 *       {@code // region add} and the {@code // endregion} that closes it, less their common indentation
 *       and less the marker lines of regions inside it. A fence that differs from its region fails with a
 *       line diff. {@code mvn -B -o -q -pl ssgan-app test -Dtest='Docs*' -Ddocs.rewrite=true} copies every
 *       region into its fences instead (and says which it rewrote).</li>
 *   <li>{@code <!-- compile -->}: a snippet that is compiled, with javac, against the test class path
 *       (engine, nn and the app): its leading {@code import} lines head a source file, and the rest becomes
 *       the body of a method that may throw anything. It must compile; it is not run.</li>
 * </ul>
 * A fence with neither comment fails, a marker with no fence under it fails, and so does a build in which
 * no fence of a kind was checked (the check would then prove nothing). Region markers in the sources are
 * only comments: {@code // region NAME} (anything after the name is a note) and {@code // endregion}.
 */
class DocsJavaFenceTest {
    private static final String REWRITE_PROPERTY = "docs.rewrite";
    private static final Pattern CODE_MARKER = Pattern.compile("<!--\\s*code:\\s*([^\\s#]+)#([\\w-]+)\\s*-->");
    private static final Pattern COMPILE_MARKER = Pattern.compile("<!--\\s*compile\\s*-->");
    private static final Pattern ANY_MARKER = Pattern.compile("<!--\\s*(code:|compile\\b).*");
    private static final Pattern REGION_START = Pattern.compile("\\s*//\\s*region\\s+([\\w-]+)(\\s.*)?");
    private static final Pattern REGION_END = Pattern.compile("\\s*//\\s*endregion(\\s.*)?");
    /** Unchanged lines shown around each change of a diff. */
    private static final int CONTEXT = 2;

    /**
     * One {@code ```java} fence of a document: the index of its opening line, its body, and what the line
     * above it asks for ({@code file} and {@code region} for a copy, {@code compile} for a snippet).
     */
    record Fence(String doc, int open, List<String> body, String file, String region, boolean compile) {
        /** The 1-based line of the document that holds body line {@code k} (0-based). */
        int docLine(int k) {
            return open + 2 + k;
        }

        String where() {
            return doc + ":" + (open + 1);
        }
    }

    /** The fences of one document, and what is wrong with its markers. */
    record Parsed(List<Fence> fences, List<String> problems) {}

    // ---- the checks -------------------------------------------------------------------------------

    @Test
    void everyJavaFenceSaysHowItIsChecked() throws IOException {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Path doc : DocsTest.documents()) {
            Parsed parsed = parse(name(doc), Files.readAllLines(doc));
            problems.addAll(parsed.problems());
            checked += parsed.fences().size();
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assertTrue(checked > 0, "no ```java fence in README.md or docs/: the check would prove nothing");
    }

    @Test
    void everyCopiedFenceMatchesItsRegion() throws IOException {
        boolean rewrite = Boolean.getBoolean(REWRITE_PROPERTY);
        List<String> failures = new ArrayList<>();
        Map<String, Map<String, List<String>>> regionsByFile = new HashMap<>();
        int copies = 0;
        for (Path doc : DocsTest.documents()) {
            List<String> lines = Files.readAllLines(doc);
            List<Fence> stale = new ArrayList<>();
            Map<Fence, List<String>> wanted = new HashMap<>();
            for (Fence fence : parse(name(doc), lines).fences()) {
                if (fence.compile()) continue;
                copies++;
                List<String> region;
                try {
                    region = regionsByFile.computeIfAbsent(fence.file(), DocsJavaFenceTest::regionsOf).get(fence.region());
                } catch (IllegalArgumentException e) {
                    failures.add(fence.where() + ": " + e.getMessage());
                    continue;
                }
                if (region == null) {
                    failures.add(fence.where() + ": " + fence.file() + " has no region '" + fence.region()
                            + "' (a '// region " + fence.region() + "' ... '// endregion' pair of comment lines)");
                    continue;
                }
                String diff = compare(fence.body(), region);
                if (diff == null) continue;
                if (rewrite) {
                    stale.add(fence);
                    wanted.put(fence, region);
                } else {
                    failures.add(fence.where() + ": the fence differs from " + fence.file() + "#" + fence.region()
                            + " (- in the document, + in the source); to copy the source into the docs, run\n"
                            + "  mvn -B -o -q -pl ssgan-app test -Dtest='Docs*' -D" + REWRITE_PROPERTY + "=true\n" + diff);
                }
            }
            if (!stale.isEmpty()) {
                for (int i = stale.size() - 1; i >= 0; i--) {   // from the end, so earlier fences keep their line numbers
                    Fence f = stale.get(i);
                    List<String> body = lines.subList(f.open() + 1, f.open() + 1 + f.body().size());
                    body.clear();
                    body.addAll(wanted.get(f));
                }
                Files.write(doc, lines);
                System.out.println("docs.rewrite: rewrote " + stale.size() + " fence(s) in " + name(doc));
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertTrue(copies > 0, "no fence marked <!-- code: FILE#REGION --> in README.md or docs/: the check would prove nothing");
    }

    @Test
    void everyCompiledFenceCompiles(@TempDir Path classes) throws IOException {
        List<Fence> snippets = new ArrayList<>();
        for (Path doc : DocsTest.documents()) {
            for (Fence fence : parse(name(doc), Files.readAllLines(doc)).fences()) {
                if (fence.compile()) snippets.add(fence);
            }
        }
        assertFalse(snippets.isEmpty(), "no fence marked <!-- compile --> in README.md or docs/: the check would prove nothing");
        List<String> errors = compile(snippets, classes);
        assertTrue(errors.isEmpty(), String.join("\n", errors));
    }

    /** The checks themselves: each kind of mistake is caught, on made-up documents and sources. */
    @Test
    void theChecksCatchEachKindOfMistake(@TempDir Path classes) {
        // Regions: nested markers are left out of the outer region, indentation is removed.
        List<String> source = List.of(
                "class A {",
                "    // region outer (a note)",
                "    int f() {",
                "        // region inner",
                "        return 1;",
                "        // endregion",
                "    }",
                "    // endregion",
                "}");
        Map<String, List<String>> regions = regions(source, "A.java");
        assertEquals(List.of("int f() {", "    return 1;", "}"), regions.get("outer"));
        assertEquals(List.of("return 1;"), regions.get("inner"));
        assertThrows(IllegalArgumentException.class, () -> regions(List.of("// region a", "x"), "A.java"), "unclosed region");
        assertThrows(IllegalArgumentException.class, () -> regions(List.of("// endregion"), "A.java"), "end without start");
        assertThrows(IllegalArgumentException.class,
                () -> regions(List.of("// region a", "// endregion", "// region a", "// endregion"), "A.java"), "a name used twice");

        // A changed line shows up as one line out and one line in, with the unchanged lines around it.
        String diff = compare(List.of("int f() {", "    return 2;", "}"), regions.get("outer"));
        assertNotNull(diff, "a changed line must be noticed");
        assertTrue(diff.contains("  -     return 2;") && diff.contains("  +     return 1;") && diff.contains("    int f() {"), diff);
        assertNull(compare(List.of("int f() {  ", "    return 1;", "}"), regions.get("outer")), "trailing blanks do not count");

        // Markers: a fence without one (any info string naming Java), and one without a fence, are reported.
        Parsed parsed = parse("doc.md", List.of(
                "```Java title", "int x;", "```",
                "<!-- compile -->", "text",
                "<!-- code: A.java#outer -->", "```java", "int f() {", "```"));
        assertEquals(1, parsed.fences().size());
        assertEquals("A.java", parsed.fences().get(0).file());
        assertEquals(2, parsed.problems().size(), String.join("\n", parsed.problems()));
        assertTrue(parsed.problems().get(0).startsWith("doc.md:1:"), parsed.problems().get(0));
        assertTrue(parsed.problems().get(1).startsWith("doc.md:4:"), parsed.problems().get(1));

        // A snippet that does not compile is reported at its line of the document.
        Parsed snippets = parse("doc.md", List.of(
                "<!-- compile -->", "```java", "import java.util.List;", "", "List<String> ok = List.of(\"a\");", "```",
                "<!-- compile -->", "```java", "int x = \"not a number\";", "```"));
        assertEquals(List.of(), snippets.problems());
        List<String> errors = compile(snippets.fences(), classes);
        assertEquals(1, errors.size(), String.join("\n", errors));
        assertTrue(errors.get(0).startsWith("doc.md:9:"), errors.get(0));
    }

    // ---- documents --------------------------------------------------------------------------------

    private static String name(Path doc) {
        return DocsTest.ROOT.relativize(doc).toString();
    }

    /** Finds the {@code ```java} fences of a document and the marker above each. */
    static Parsed parse(String doc, List<String> lines) {
        List<Fence> fences = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        boolean inFence = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("```")) {
                boolean opensJava = !inFence && isJavaFence(line);
                inFence = !inFence;
                if (!opensJava) continue;
                int close = i + 1;
                while (close < lines.size() && !lines.get(close).startsWith("```")) close++;
                if (close == lines.size()) {
                    problems.add(doc + ":" + (i + 1) + ": the ```java fence is never closed");
                    break;
                }
                List<String> body = List.copyOf(lines.subList(i + 1, close));
                String above = i > 0 ? lines.get(i - 1).trim() : "";
                Matcher code = CODE_MARKER.matcher(above);
                if (code.matches()) {
                    fences.add(new Fence(doc, i, body, code.group(1), code.group(2), false));
                } else if (COMPILE_MARKER.matcher(above).matches()) {
                    fences.add(new Fence(doc, i, body, null, null, true));
                } else {
                    problems.add(doc + ":" + (i + 1) + ": a ```java fence must say how it is checked, on the line above it: "
                            + "<!-- code: FILE#REGION --> (a copy of a region of a source file) or <!-- compile -->"
                            + (ANY_MARKER.matcher(above).matches() ? "; this marker is malformed: " + above : ""));
                }
                continue;
            }
            if (!inFence && ANY_MARKER.matcher(line.trim()).matches()
                    && (i + 1 == lines.size() || !isJavaFence(lines.get(i + 1)))) {
                problems.add(doc + ":" + (i + 1) + ": " + line.trim() + " must be followed directly by a ```java fence");
            }
        }
        return new Parsed(fences, problems);
    }

    /** An opening fence whose info string names Java ({@code ```java}, also {@code ```Java title}). */
    private static boolean isJavaFence(String line) {
        if (!line.startsWith("```")) return false;
        String info = line.substring(3).trim();
        return info.split("\\s+")[0].equalsIgnoreCase("java");
    }

    // ---- regions of source files ------------------------------------------------------------------

    /** The regions of a source file given by its path from the repository root. */
    private static Map<String, List<String>> regionsOf(String file) {
        Path path = DocsTest.ROOT.resolve(file).normalize();
        if (!path.startsWith(DocsTest.ROOT) || !Files.isRegularFile(path)) {
            throw new IllegalArgumentException("no such file: " + file + " (give the path from the repository root)");
        }
        try {
            return regions(Files.readAllLines(path), file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Every region of a source file by name: the lines between {@code // region NAME} and the
     * {@code // endregion} that closes it, without the markers of regions inside, trimmed as
     * {@link #normalize} does. Regions may nest; names are unique within a file.
     */
    static Map<String, List<String>> regions(List<String> source, String file) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i < source.size(); i++) {
            Matcher start = REGION_START.matcher(source.get(i));
            if (start.matches()) {
                String name = start.group(1);
                if (names.contains(name) || out.containsKey(name)) {
                    throw new IllegalArgumentException(file + ":" + (i + 1) + ": a second region named '" + name + "'");
                }
                names.add(name);
                starts.add(i);
            } else if (REGION_END.matcher(source.get(i)).matches()) {
                if (names.isEmpty()) throw new IllegalArgumentException(file + ":" + (i + 1) + ": '// endregion' with no region open");
                String name = names.remove(names.size() - 1);
                int from = starts.remove(starts.size() - 1) + 1;
                List<String> content = new ArrayList<>();
                for (String line : source.subList(from, i)) {
                    if (!REGION_START.matcher(line).matches() && !REGION_END.matcher(line).matches()) content.add(line);
                }
                out.put(name, normalize(content, true));
            }
        }
        if (!names.isEmpty()) {
            throw new IllegalArgumentException(file + ":" + (starts.get(0) + 1) + ": region '" + names.get(0) + "' is never closed by '// endregion'");
        }
        return out;
    }

    /**
     * Lines as they are compared: trailing blanks removed, blank lines at either end dropped, and (for a
     * region) the indentation common to all its non-blank lines removed.
     */
    private static List<String> normalize(List<String> lines, boolean dedent) {
        List<String> out = new ArrayList<>();
        for (String line : lines) out.add(line.stripTrailing());
        while (!out.isEmpty() && out.get(0).isEmpty()) out.remove(0);
        while (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) out.remove(out.size() - 1);
        if (!dedent) return out;
        int indent = Integer.MAX_VALUE;
        for (String line : out) {
            if (!line.isEmpty()) indent = Math.min(indent, line.length() - line.stripLeading().length());
        }
        List<String> dedented = new ArrayList<>();
        for (String line : out) dedented.add(line.isEmpty() ? line : line.substring(indent));
        return dedented;
    }

    /** Null when the fence's body shows the region; otherwise a line diff (- in the fence, + in the region). */
    static String compare(List<String> fence, List<String> region) {
        List<String> shown = normalize(fence, false);
        return shown.equals(region) ? null : diff(shown, region);
    }

    /** A line diff from a longest common subsequence, with {@link #CONTEXT} unchanged lines around each change. */
    private static String diff(List<String> a, List<String> b) {
        int n = a.size(), m = b.size();
        int[][] common = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                common[i][j] = a.get(i).equals(b.get(j)) ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
            }
        }
        List<String> lines = new ArrayList<>();
        List<Boolean> changed = new ArrayList<>();
        int i = 0, j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && a.get(i).equals(b.get(j))) {
                lines.add("    " + a.get(i++));
                changed.add(false);
                j++;
            } else if (i < n && (j == m || common[i + 1][j] >= common[i][j + 1])) {
                lines.add("  - " + a.get(i++));
                changed.add(true);
            } else {
                lines.add("  + " + b.get(j++));
                changed.add(true);
            }
        }
        StringBuilder out = new StringBuilder();
        boolean skipping = false;
        for (int k = 0; k < lines.size(); k++) {
            boolean near = false;
            for (int d = Math.max(0, k - CONTEXT); d <= Math.min(lines.size() - 1, k + CONTEXT) && !near; d++) near = changed.get(d);
            if (near) {
                out.append(lines.get(k)).append('\n');
                skipping = false;
            } else if (!skipping) {
                out.append("    ...\n");
                skipping = true;
            }
        }
        return out.toString();
    }

    // ---- compiled snippets ------------------------------------------------------------------------

    /**
     * Compiles each snippet as its own class (its leading imports and blank lines on top, the rest in a
     * method body) in one javac run; returns the errors, each at its line of the document.
     */
    static List<String> compile(List<Fence> snippets, Path classes) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "no Java compiler in this JVM: run the tests on a JDK");
        List<JavaFileObject> units = new ArrayList<>();
        Map<String, Fence> byClass = new HashMap<>();
        Map<String, Integer> headerLines = new HashMap<>();
        for (int s = 0; s < snippets.size(); s++) {
            Fence f = snippets.get(s);
            String cls = "DocSnippet" + s;
            int header = 0;
            while (header < f.body().size() && (f.body().get(header).isBlank() || f.body().get(header).startsWith("import "))) header++;
            StringBuilder code = new StringBuilder();
            for (String line : f.body().subList(0, header)) code.append(line).append('\n');
            code.append("final class ").append(cls).append(" { static void snippet() throws Exception {\n");
            for (String line : f.body().subList(header, f.body().size())) code.append(line).append('\n');
            code.append("} }\n");
            String text = code.toString();
            units.add(new SimpleJavaFileObject(URI.create("string:///" + cls + ".java"), JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return text;
                }
            });
            byClass.put(cls, f);
            headerLines.put(cls, header);
        }
        List<String> options = List.of("-classpath", System.getProperty("java.class.path"), "-d", classes.toString(),
                "-proc:none", "-Xlint:none", "--add-modules=jdk.incubator.vector");
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        boolean ok = javac.getTask(null, null, diagnostics, options, null, units).call();
        List<String> errors = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() != Diagnostic.Kind.ERROR) continue;
            String where = "javac";
            if (d.getSource() != null) {
                String cls = d.getSource().getName().replaceAll(".*/", "").replace(".java", "");
                Fence f = byClass.get(cls);
                int header = headerLines.get(cls);
                long line = d.getLineNumber();   // 1..header: the imports; header + 1: the wrapper; after: the body
                int k = (int) (line <= header ? line - 1 : Math.max(header, line - 2));
                where = f.doc() + ":" + f.docLine(Math.min(k, Math.max(0, f.body().size() - 1)));
            }
            errors.add(where + ": " + d.getMessage(null).replace('\n', ' '));
        }
        if (!ok && errors.isEmpty()) errors.add("javac failed without an error message");
        return errors;
    }
}
