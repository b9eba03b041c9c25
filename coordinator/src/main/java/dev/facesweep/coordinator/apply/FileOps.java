package dev.facesweep.coordinator.apply;

import dev.facesweep.corpus.ContentHash;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** File primitives of apply and revert: hashing, durable writes and copies, no-overwrite moves. */
final class FileOps {

    private final ContentHash hash = new ContentHash();

    String sha256(Path file) throws IOException {
        return hash.sha256(file);
    }

    static boolean exists(Path p) {
        return Files.exists(p, LinkOption.NOFOLLOW_LINKS);
    }

    /** Writes bytes to a new file and forces them to disk. */
    static void writeDurably(Path file, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
    }

    /** Copies a file (replacing {@code to}) and forces the copy to disk. */
    static void copyDurably(Path from, Path to) throws IOException {
        try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
                FileChannel out = FileChannel.open(to, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
            long size = in.size();
            long done = 0;
            while (done < size) {
                done += in.transferTo(done, size - done, out);
            }
            out.force(true);
        }
    }

    /**
     * Keeps the original of a file that is about to be replaced by a rename: a hard link when the state folder is
     * on the same file system (no bytes copied; the rename gives the corpus path a new file, the link keeps the
     * old one), else a durable copy. Replaces an earlier backup at {@code backup}.
     */
    static void keepOriginal(Path original, Path backup) throws IOException {
        Files.deleteIfExists(backup);
        try {
            Files.createLink(backup, original);
        } catch (IOException | UnsupportedOperationException e) {
            copyDurably(original, backup);
        }
    }

    /**
     * Moves a file or folder to a path that must not exist; never overwrites. Within one file system this is a
     * rename; for a file across file systems, a durable copy and then removal of the source. The folder is not
     * forced to disk here (that would cost a sync per image): the next intent line's sync orders it on journaling
     * file systems, and a resume checks the files anyway.
     */
    static void moveNoOverwrite(Path from, Path to, boolean directory) throws IOException {
        if (exists(to)) {
            throw new FileAlreadyExistsException(to.toString(), null, "target exists, not overwritten");
        }
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            if (directory) {
                throw new IOException("cannot move folder " + from + " to " + to + " on another file system;"
                        + " keep the corpus on one file system", e);
            }
            copyDurably(from, to);
            Files.delete(from);
        }
    }

    /** Replaces {@code target} by {@code temp} with an atomic rename. */
    static void replace(Path temp, Path target) throws IOException {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(target.getParent());
    }

    /** Forces a folder's entries to disk where the platform allows it (Linux, macOS); ignored elsewhere. */
    static void syncDirectory(Path dir) {
        if (dir == null) {
            return;
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows cannot open a folder as a channel; NTFS journals renames itself.
        }
    }

    /** Whether a folder exists and has no entries. */
    static boolean isEmptyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (var entries = Files.newDirectoryStream(dir)) {
            return !entries.iterator().hasNext();
        }
    }
}
