package ssgan.examples.exercises;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One exercise: a region of a real source file whose body a student writes, the tests tagged for it,
 * and what to read first. In the source it is two comment lines, a region nested in any other:
 * <pre>
 *   // region exercise-sigmoid-backward (read docs/TOUR.md §5): the derivative of the logistic function ...
 *   return y * (1f - y);
 *   // endregion exercise-sigmoid-backward
 * </pre>
 * The region lies inside one method body and ends its block (the next line of code is a closing brace),
 * so that the body can be replaced by one {@code throw} statement and the file still compiles. Its tests
 * carry {@code @Tag("exercise-NAME")}; they are in the module of the file.
 *
 * @param name        the name after {@code exercise-} (lower case, digits and hyphens)
 * @param reading     what to read first, e.g. {@code docs/TOUR.md §5}
 * @param description what the body does
 * @param file        the source file, relative to the repository root, with '/'
 * @param line        the 1-based line of the start marker
 * @param tests       the tagged tests, {@code package.Class#method}, or {@code package.Class} for a tagged class
 */
public record Exercise(String name, String reading, String description, String file, int line, List<String> tests) {
    /** A start marker of an exercise; anything that starts like one but does not match is a mistake. */
    static final Pattern START = Pattern.compile("^([ \\t]*)//\\s*region\\s+exercise-([a-z0-9]+(?:-[a-z0-9]+)*)\\s+\\(read ([^)\"\\\\]+)\\):\\s*(\\S.*?)\\s*$");
    static final Pattern LOOKS_LIKE_START = Pattern.compile("^\\s*//\\s*region\\s+exercise-.*$");
    /** Any region marker, as DocsJavaFenceTest reads them: exercise regions nest among the docs' regions. */
    static final Pattern ANY_START = Pattern.compile("^\\s*//\\s*region\\s+([\\w-]+)(\\s.*)?$");
    static final Pattern ANY_END = Pattern.compile("^\\s*//\\s*endregion(\\s.*)?$");
    private static final String STUB_START = "throw new UnsupportedOperationException(\"exercise ";

    /** The tagged test classes, by fully qualified name. */
    public List<String> testClasses() {
        return tests.stream().map(t -> t.contains("#") ? t.substring(0, t.indexOf('#')) : t).distinct().toList();
    }

    /** The JUnit tag of its tests. */
    public String tag() {
        return "exercise-" + name;
    }

    /** The Maven module that holds the file, and its tests. */
    public String module() {
        return file.substring(0, file.indexOf('/'));
    }

    /** The command that runs its tests: a module of its own in the engine, otherwise built with what it uses. */
    public String testCommand() {
        String modules = module().equals("engine") ? "-pl engine" : "-pl " + module() + " -am";
        return "mvn -B -o -q " + modules + " test -Dgroups=" + tag() + " -Dsurefire.failIfNoSpecifiedTests=false";
    }

    /** The stop of the tour (or section) it names, {@code §N}, or -1. */
    public int chapter() {
        Matcher m = Pattern.compile("§(\\d+)").matcher(reading);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** The line that replaces the body when stripped, indented like the markers. */
    public String stub(String indent) {
        return indent + STUB_START + name + ": write this; then run " + testCommand() + "; read " + reading + "\");\n";
    }

    /** Whether a body is the stub of exercise {@code name} (whatever command or reading it names). */
    public static boolean isStub(String name, String body) {
        String trimmed = body.strip();
        return trimmed.startsWith(STUB_START + name + ":") && trimmed.indexOf('\n') < 0;
    }

    // ---- regions in a source text -----------------------------------------------------------------

    /**
     * Where one exercise's body lies in a source text: from just after its start marker's line to the start
     * of its end marker's line, so that putting a body back between the two offsets restores the file byte
     * for byte.
     */
    public record Region(String name, String reading, String description, String indent, int line, int bodyStart, int bodyEnd,
                         boolean endsItsBlock) {
        public String body(String text) {
            return text.substring(bodyStart, bodyEnd);
        }

        public String replaceBody(String text, String body) {
            return text.substring(0, bodyStart) + body + text.substring(bodyEnd);
        }
    }

    /** The exercise regions of a source text, in order; mistakes in their markers go to {@code problems}. */
    public static List<Region> regions(String text, String file, List<String> problems) {
        List<Region> out = new ArrayList<>();
        List<String> openNames = new ArrayList<>();
        List<Matcher> openExercise = new ArrayList<>();   // null for a region that is not an exercise
        List<Integer> openBody = new ArrayList<>();
        List<Integer> openLine = new ArrayList<>();
        int offset = 0;
        int lineNo = 0;
        while (offset < text.length()) {
            int eol = text.indexOf('\n', offset);
            int next = eol < 0 ? text.length() : eol + 1;
            String line = text.substring(offset, eol < 0 ? text.length() : eol);
            lineNo++;
            Matcher any = ANY_START.matcher(line);
            if (any.matches()) {
                Matcher ex = START.matcher(line);
                boolean isExercise = ex.matches();
                if (!isExercise && LOOKS_LIKE_START.matcher(line).matches()) {
                    problems.add(file + ":" + lineNo + ": an exercise marker must read '// region exercise-NAME (read DOC): what to write'");
                }
                if (isExercise && openExercise.stream().anyMatch(m -> m != null)) {
                    problems.add(file + ":" + lineNo + ": exercise " + ex.group(2) + " is inside another exercise");
                }
                openNames.add(any.group(1));
                openExercise.add(isExercise ? ex : null);
                openBody.add(next);
                openLine.add(lineNo);
            } else if (ANY_END.matcher(line).matches()) {
                if (openNames.isEmpty()) {
                    problems.add(file + ":" + lineNo + ": '// endregion' with no region open");
                } else {
                    int last = openNames.size() - 1;
                    String name = openNames.remove(last);
                    Matcher ex = openExercise.remove(last);
                    int bodyStart = openBody.remove(last);
                    int startLine = openLine.remove(last);
                    String note = line.strip().substring("//".length()).strip().substring("endregion".length()).strip();
                    if (note.startsWith("exercise-") && !note.equals(name)) {
                        problems.add(file + ":" + lineNo + ": '// endregion " + note + "' closes region " + name + " (opened on line " + startLine + ")");
                    }
                    if (ex != null) {
                        if (!note.equals(name)) {
                            problems.add(file + ":" + lineNo + ": close exercise " + ex.group(2) + " with '// endregion " + name + "'");
                        }
                        out.add(new Region(ex.group(2), ex.group(3).strip(), ex.group(4), ex.group(1), startLine, bodyStart, offset,
                                nextCodeLineClosesBlock(text, next)));
                    }
                }
            }
            offset = next;
        }
        for (int i = 0; i < openNames.size(); i++) {
            problems.add(file + ":" + openLine.get(i) + ": region " + openNames.get(i) + " is never closed by '// endregion'");
        }
        return out;
    }

    /** Whether the first line after {@code from} that is neither blank nor a comment starts with '}'. */
    private static boolean nextCodeLineClosesBlock(String text, int from) {
        for (String line : text.substring(from).split("\n", -1)) {
            String s = line.strip();
            if (s.isEmpty() || s.startsWith("//")) continue;
            return s.startsWith("}");
        }
        return false;
    }
}
