package ssgan.app.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The folder a training writes into, and the rules that keep one run from destroying another: a folder
 * that holds a run is only continued ({@code --resume}) or explicitly replaced ({@code --overwrite}), and
 * only one process at a time may use a folder. The claim is an operating-system file lock, which dies
 * with its process, so a {@code kill -9} never leaves a folder locked.
 */
final class RunFolder {
    /** Where runs go when no --out is given: {@code runs/ssgan-1}, {@code runs/ssgan-2}, ... */
    static final Path DEFAULT_PARENT = Path.of("runs");
    private static final String PREFIX = "ssgan-";
    private static final Pattern NUMBERED = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)");
    private static final String LOCK = ".lock";
    /** What train writes; --overwrite removes exactly these (never anything else in the folder). */
    private static final List<String> RUN_FILES = List.of("metrics.csv", "summary.json", "accuracy.png", "losses.png",
            "best.safetensors", "last.safetensors", "last.state.safetensors", "previous.safetensors", "previous.state.safetensors");

    private RunFolder() {}

    /** The default --out: a new numbered folder for a new run, the latest one for --resume. */
    static Path numbered(Path parent, boolean resume) {
        int latest = 0;
        if (Files.isDirectory(parent)) {
            try (Stream<Path> children = Files.list(parent)) {
                for (Path p : (Iterable<Path>) children::iterator) {
                    Matcher m = NUMBERED.matcher(p.getFileName().toString());
                    if (m.matches() && Files.isDirectory(p) && m.group(1).length() < 9) latest = Math.max(latest, Integer.parseInt(m.group(1)));
                }
            } catch (IOException e) {
                throw new UserException("cannot list " + parent.toAbsolutePath() + " (" + e.getMessage() + "); choose a folder with --out");
            }
        }
        if (resume && latest == 0) {
            throw new UserException("--resume: there is no run in " + parent.toAbsolutePath() + " to continue; name one with --out");
        }
        return parent.resolve(PREFIX + (resume ? latest : latest + 1));
    }

    /** True when the folder holds a run's files. */
    static boolean holdsRun(Path dir) {
        return Files.exists(dir.resolve("summary.json")) || Files.exists(dir.resolve("last.safetensors"))
                || Files.exists(dir.resolve("previous.safetensors"));
    }

    /**
     * Makes {@code dir} ready and takes it for this process: it must be writable, free, and hold no run
     * unless the run is to be resumed or replaced. The lock lasts until this process ends.
     */
    static Path claim(Path dir, boolean resume, boolean overwrite) {
        if (resume && !Files.isDirectory(dir)) {   // checked before creating it, so a mistyped path leaves no empty folder
            throw new UserException("--resume: " + dir + " does not exist, so there is no run to continue; check the path, or start without --resume");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException | SecurityException e) {
            throw new UserException("cannot write to the output folder " + dir.toAbsolutePath() + " (" + e.getMessage() + "); choose another with --out");
        }
        lock(dir);
        if (resume && !holdsRun(dir)) {
            throw new UserException("--resume: " + dir + " holds no run to continue (no last.safetensors); start without --resume");
        }
        if (!resume && holdsRun(dir)) {
            if (!overwrite) {
                throw new UserException(dir + " already holds a run; continue it with --resume, choose another --out, "
                        + "or replace it with --overwrite");
            }
            clear(dir);
        }
        return dir;
    }

    /** Locks {@code dir/.lock} for the rest of this process's life (the channel stays open on purpose). */
    private static void lock(Path dir) {
        Path file = dir.resolve(LOCK);
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException sameProcess) {
                lock = null;
            }
            if (lock == null) {
                String holder = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
                channel.close();
                throw new UserException(dir + " is in use by another ssgan process" + (holder.isEmpty() ? "" : " (process " + holder + ")")
                        + "; wait for it to finish or choose another --out");
            }
            channel.truncate(0);
            channel.write(java.nio.ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
        } catch (IOException | SecurityException e) {
            throw new UserException("cannot write to the output folder " + dir.toAbsolutePath() + " (" + e.getMessage() + "); choose another with --out");
        }
    }

    /** Removes the files of an earlier run (and its samples folder's PNGs), nothing else. */
    private static void clear(Path dir) {
        try {
            for (String name : RUN_FILES) Files.deleteIfExists(dir.resolve(name));
            Path samples = dir.resolve("samples");
            if (Files.isDirectory(samples)) {
                try (Stream<Path> files = Files.list(samples)) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        if (f.getFileName().toString().matches("iter-\\d+\\.png")) Files.delete(f);
                    }
                }
            }
        } catch (IOException e) {
            throw new UserException("--overwrite: cannot remove the earlier run in " + dir + " (" + e.getMessage() + ")");
        }
    }
}
