package ssgan.nn.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes files so that a crash never leaves a half-written file in place of a good one.
 *
 * <p>The recipe: write a temporary file in the same folder (a rename is only atomic within one file
 * system), force it to disk, then rename it over the target in one atomic step. Readers see either the
 * whole old file or the whole new one. If anything fails, the temporary file is deleted and the old
 * target is untouched.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** What to write into the temporary file's channel. */
    @FunctionalInterface
    public interface ChannelWriter {
        void writeTo(FileChannel channel) throws IOException;
    }

    /** Writes {@code target} atomically with the bytes {@code writer} puts into the channel. */
    public static void write(Path target, ChannelWriter writer) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path folder = absolute.getParent();
        Files.createDirectories(folder);
        Path tmp = Files.createTempFile(folder, "." + absolute.getFileName() + ".", ".tmp");
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                writer.writeTo(ch);
                ch.force(true); // the data must be on disk before the rename makes it visible
            }
            try {
                Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot write " + target + " atomically: the file system does not support atomic rename", e);
            }
            moved = true;
            syncFolder(folder);
        } finally {
            if (!moved) Files.deleteIfExists(tmp);
        }
    }

    /** Writes a UTF-8 text file atomically (JSON summaries, metadata). */
    public static void writeString(Path target, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        write(target, ch -> writeFully(ch, ByteBuffer.wrap(bytes)));
    }

    /** Writes every remaining byte of {@code buf} (a single channel write may write fewer). */
    public static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) ch.write(buf);
    }

    /**
     * Makes the rename itself durable by syncing the folder entry. Possible on Linux and macOS; other
     * systems refuse to open a folder as a channel, and there the rename is as durable as they allow.
     */
    private static void syncFolder(Path folder) {
        try (FileChannel dir = FileChannel.open(folder, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException notSupported) {
            // best effort only
        }
    }
}
