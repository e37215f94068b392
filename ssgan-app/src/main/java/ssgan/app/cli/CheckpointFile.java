package ssgan.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import ssgan.app.train.Checkpoint;

/** Loads a checkpoint named on the command line, with errors a user can act on. */
final class CheckpointFile {
    private CheckpointFile() {}

    static Checkpoint.Loaded load(Path file) {
        if (Files.isDirectory(file)) {
            throw new UserException("checkpoint " + file + " is a folder; give a file in it, such as " + file.resolve("best.safetensors"));
        }
        if (!Files.isRegularFile(file)) {
            throw new UserException("checkpoint " + file + " does not exist; train writes best.safetensors and last.safetensors into its --out folder");
        }
        try {
            return Checkpoint.load(file);
        } catch (IOException | RuntimeException e) {
            throw new UserException("cannot load checkpoint " + file + ": " + e.getMessage(), e);
        }
    }
}
