package ssgan.examples.exercises;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Exercises in the real code: small regions of the engine, the nn library and the app that a student
 * writes, each checked by the tests tagged for it (see docs/EXERCISES.md).
 * <pre>
 *   java -cp examples/target/examples.jar ssgan.examples.exercises.Exercises list
 *   ... Exercises strip sigmoid-backward          # or: strip --chapter 3, strip all
 *   ... Exercises restore sigmoid-backward        # or: restore --chapter 3, restore all
 *   ... Exercises export ../ssgan-student         # a copy of the repository with every exercise stripped
 * </pre>
 * {@code --root DIR} names the repository; by default it is found from the working directory up.
 */
public final class Exercises {
    private Exercises() {}

    private static final String USAGE = String.join("\n",
            "usage: Exercises [--root DIR] COMMAND",
            "  list                       every exercise: its file, what to read, its tests and the command that runs them",
            "  strip NAME... | --chapter N | all",
            "                             replace each solution by a stub that throws and says what to do;",
            "                             the solution is kept in .exercises/solutions/ (git ignores it)",
            "  restore NAME... | --chapter N | all",
            "                             put the solutions back (an attempt found in the region is kept in .exercises/attempts/)",
            "  export DIR                 write a student copy of the repository (git's files) with every exercise stripped",
            "--chapter N picks the exercises that say to read stop N of docs/TOUR.md (any other text: the exercises whose",
            "reading names it).");

    public static void main(String[] args) {
        try {
            System.exit(run(args));
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            System.err.println("exercises: " + e.getMessage());
            System.exit(1);
        }
    }

    /** Runs one command; returns the exit code. */
    static int run(String[] argv) throws java.io.IOException {
        List<String> args = new ArrayList<>(List.of(argv));
        Path root = null;
        int r = args.indexOf("--root");
        if (r >= 0) {
            if (r + 1 >= args.size()) throw new IllegalArgumentException("--root needs a folder\n" + USAGE);
            root = Path.of(args.get(r + 1));
            args.subList(r, r + 2).clear();
        }
        if (args.isEmpty() || args.get(0).equals("help") || args.get(0).equals("--help") || args.get(0).equals("-h")) {
            System.out.println(USAGE);
            return 0;
        }
        Catalog catalog = Catalog.scan(root == null ? Catalog.findRoot(Path.of("")) : Catalog.findRoot(root));
        Workspace workspace = new Workspace(catalog.root());
        String command = args.get(0);
        List<String> rest = args.subList(1, args.size());
        switch (command) {
            case "list" -> {
                list(catalog, workspace);
                return catalog.problems().isEmpty() ? 0 : 1;
            }
            case "strip", "restore" -> {
                requireNoProblems(catalog);
                List<Exercise> chosen = choose(catalog, rest, command);
                for (Exercise e : chosen) System.out.println(command.equals("strip") ? workspace.strip(e) : workspace.restore(e));
                if (command.equals("strip")) {
                    System.out.println();
                    System.out.println("Now write " + (chosen.size() == 1 ? "it" : "them") + "; each stub says which tests check it. "
                            + "'restore' puts the solutions back.");
                }
                return 0;
            }
            case "export" -> {
                if (rest.size() != 1) throw new IllegalArgumentException("export needs one folder\n" + USAGE);
                requireNoProblems(catalog);
                int files = StudentCopy.export(catalog, Path.of(rest.get(0)));
                System.out.println("wrote " + files + " files to " + rest.get(0) + ", with all " + catalog.exercises().size()
                        + " exercises stripped; 'Exercises list' there shows what to write and how to test it");
                return 0;
            }
            default -> throw new IllegalArgumentException("unknown command '" + command + "'\n" + USAGE);
        }
    }

    private static void list(Catalog catalog, Workspace workspace) {
        int stripped = 0;
        StringBuilder out = new StringBuilder();
        int n = 0;
        for (Exercise e : catalog.exercises()) {
            boolean isStripped = workspace.isStripped(e);
            if (isStripped) stripped++;
            out.append(String.format("%2d  %-24s %s%s%n", ++n, e.name(), e.file(), isStripped ? "   [stripped]" : ""));
            out.append("    ").append(e.description()).append('\n');
            out.append("    read:  ").append(e.reading()).append('\n');
            out.append("    tests: ").append(String.join(", ", e.tests().stream().map(t -> t.replaceAll("^.*\\.", "")).toList())).append('\n');
            out.append("    run:   ").append(e.testCommand()).append("\n\n");
        }
        System.out.println(catalog.exercises().size() + " exercises, " + stripped + " stripped (see docs/EXERCISES.md):\n");
        System.out.print(out);
        if (!catalog.problems().isEmpty()) {
            System.out.println("Problems with the markers or tags:");
            for (String p : catalog.problems()) System.out.println("  " + p);
        }
    }

    private static void requireNoProblems(Catalog catalog) {
        if (!catalog.problems().isEmpty()) {
            throw new IllegalStateException("the exercise markers or tags need fixing first:\n  " + String.join("\n  ", catalog.problems()));
        }
    }

    /** The exercises named, or those of a chapter, or all; in reading order. */
    static List<Exercise> choose(Catalog catalog, List<String> names, String command) {
        if (names.isEmpty()) throw new IllegalArgumentException(command + " needs exercise names, --chapter N or all\n" + USAGE);
        if (names.equals(List.of("all"))) return catalog.exercises();
        if (names.get(0).equals("--chapter")) {
            if (names.size() != 2) throw new IllegalArgumentException(command + " --chapter needs one chapter, e.g. --chapter 3");
            String chapter = names.get(1).replace("§", "");
            List<Exercise> chosen = catalog.exercises().stream()
                    .filter(e -> chapter.matches("\\d+") ? e.chapter() == Integer.parseInt(chapter) : e.reading().contains(chapter))
                    .toList();
            if (chosen.isEmpty()) throw new IllegalArgumentException("no exercise says to read chapter " + names.get(1));
            return chosen;
        }
        Set<Exercise> chosen = new LinkedHashSet<>();
        for (String name : names) {
            Exercise e = catalog.find(name);
            if (e == null) {
                throw new IllegalArgumentException("no exercise '" + name + "'; 'list' shows them: "
                        + String.join(", ", catalog.exercises().stream().map(Exercise::name).toList()));
            }
            chosen.add(e);
        }
        return List.copyOf(chosen);
    }
}
