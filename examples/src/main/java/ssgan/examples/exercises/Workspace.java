package ssgan.examples.exercises;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Strips and restores exercises in the source files under a root, keeping every solution it takes out.
 *
 * <p>Stripping replaces the body between an exercise's two marker lines by one {@code throw} line and
 * keeps the body, byte for byte, in {@code .exercises/solutions/NAME.txt} (git ignores the folder). The
 * solution is written, and read back, before the source file changes; a region that is already stripped
 * is left alone, so a saved solution is never overwritten by a stub. Restoring puts the saved body back
 * (or, if that file is gone, the body the file has in git's {@code HEAD}); whatever the region held
 * instead of the stub, a student's attempt, is kept first in {@code .exercises/attempts/}. Files are
 * replaced by writing a temporary file beside them and renaming it.
 */
public final class Workspace {
    /** Written by {@code export} into a student copy, which holds no solutions. */
    public static final String STUDENT_COPY = ".exercises/STUDENT-COPY.txt";

    private final Path root;
    private final Path store;

    public Workspace(Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.store = this.root.resolve(".exercises");
    }

    public Path solutionFile(String name) {
        return store.resolve("solutions").resolve(name + ".txt");
    }

    /** Whether the exercise's region holds its stub now. */
    public boolean isStripped(Exercise e) {
        String text = Catalog.read(root.resolve(e.file()));
        return Exercise.isStub(e.name(), region(e, text).body(text));
    }

    /** Replaces the exercise's body by its stub; returns what happened, in one line. */
    public String strip(Exercise e) {
        Path file = root.resolve(e.file());
        String text = Catalog.read(file);
        Exercise.Region r = region(e, text);
        String body = r.body(text);
        if (Exercise.isStub(e.name(), body)) {
            String kept = Files.isRegularFile(solutionFile(e.name())) ? "its solution is in " + relative(solutionFile(e.name()))
                    : "no solution saved here; restore would take the one in git's HEAD";
            return e.name() + ": already stripped (" + kept + ")";
        }
        write(solutionFile(e.name()), body);
        if (!Catalog.read(solutionFile(e.name())).equals(body)) {
            throw new IllegalStateException(e.name() + ": the solution saved in " + solutionFile(e.name()) + " does not read back the same; nothing stripped");
        }
        write(file, r.replaceBody(text, e.stub(r.indent())));
        return e.name() + ": stripped from " + e.file() + " (solution kept in " + relative(solutionFile(e.name())) + ")";
    }

    /** Puts the solution back; returns what happened, in one line. */
    public String restore(Exercise e) {
        Path file = root.resolve(e.file());
        String text = Catalog.read(file);
        Exercise.Region r = region(e, text);
        String body = r.body(text);
        String solution = solution(e);
        if (body.equals(solution)) return e.name() + ": already in place";
        String note = "";
        if (!Exercise.isStub(e.name(), body)) {
            Path attempt = store.resolve("attempts").resolve(e.name() + "-"
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")) + ".txt");
            write(attempt, body);
            note = "; what the region held is kept in " + relative(attempt);
        }
        write(file, r.replaceBody(text, solution));
        return e.name() + ": restored in " + e.file() + note;
    }

    /** The saved solution, else the body in git's HEAD; never a stub. */
    String solution(Exercise e) {
        Path saved = solutionFile(e.name());
        if (Files.isRegularFile(saved)) {
            String s = Catalog.read(saved);
            if (Exercise.isStub(e.name(), s)) throw new IllegalStateException(saved + " holds a stub, not a solution");
            return s;
        }
        if (Files.exists(root.resolve(STUDENT_COPY))) {
            throw new IllegalStateException(e.name() + ": this is a student copy made by export; it holds no solutions");
        }
        String head = gitShow(e.file());
        if (head != null) {
            List<String> problems = new ArrayList<>();
            for (Exercise.Region r : Exercise.regions(head, e.file(), problems)) {
                if (r.name().equals(e.name()) && !Exercise.isStub(e.name(), r.body(head))) return r.body(head);
            }
        }
        throw new IllegalStateException(e.name() + ": no solution saved in " + relative(saved) + ", and git's HEAD has none either");
    }

    private Exercise.Region region(Exercise e, String text) {
        List<String> problems = new ArrayList<>();
        for (Exercise.Region r : Exercise.regions(text, e.file(), problems)) {
            if (r.name().equals(e.name())) return r;
        }
        throw new IllegalStateException(e.file() + " has no region exercise-" + e.name() + " any more");
    }

    /** The file as committed in HEAD, or null (no git, not a repository, not committed). */
    private String gitShow(String file) {
        try {
            Process p = new ProcessBuilder("git", "-C", root.toString(), "show", "HEAD:" + file)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            byte[] out;
            try (InputStream in = p.getInputStream()) {
                out = in.readAllBytes();
            }
            return p.waitFor() == 0 ? new String(out, StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private String relative(Path p) {
        return Catalog.relative(root, p);
    }

    /** Writes {@code text} to a temporary file beside {@code target}, then renames it over the target. */
    static void write(Path target, String text) {
        try {
            Files.createDirectories(target.getParent());
            if (!Files.exists(target)) {   // nothing to lose: write it in place, with the default permissions
                Files.writeString(target, text, StandardCharsets.UTF_8);
                return;
            }
            Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
            try {
                Files.writeString(tmp, text, StandardCharsets.UTF_8);
                try {
                    Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(target));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: the new file keeps the default permissions
                }
                try {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }
}
