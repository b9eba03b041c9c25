package dev.facesweep.coordinator.apply;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One apply or revert at a time per state folder: an OS file lock on {@code applies/.lock}, released when the
 * process ends however it ends (so a killed apply never leaves a stale lock).
 */
final class StateLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private StateLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static StateLock acquire(Path state) {
        try {
            Path applies = ApplyDir.appliesDir(state);
            Files.createDirectories(applies);
            FileChannel ch = FileChannel.open(applies.resolve(".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                ch.close();
                throw new ApplyException("another apply or revert is running on " + state + ": wait for it to end");
            }
            return new StateLock(ch, lock);
        } catch (IOException e) {
            throw new ApplyException("cannot lock the state folder " + state + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // the lock goes with the channel anyway
        }
    }
}
