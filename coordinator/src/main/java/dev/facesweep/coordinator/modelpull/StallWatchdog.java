package dev.facesweep.coordinator.modelpull;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Breaks off a download whose connection went silent: when {@link #touch()} has not been called for the idle
 * limit, it closes the response stream and interrupts the thread that created it (the JDK's response stream
 * only gives up a blocked read when it is both closed and interrupted). {@link #close()} clears that interrupt.
 */
final class StallWatchdog implements AutoCloseable {

    private final Thread worker = Thread.currentThread();
    private final Closeable stream;
    private final long limitNanos;
    private final ScheduledFuture<?> check;
    private volatile long lastActivity = System.nanoTime();
    private boolean closed;
    private boolean fired;

    StallWatchdog(ScheduledExecutorService timer, Duration limit, Closeable stream) {
        this.stream = stream;
        this.limitNanos = limit.toNanos();
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(10), limitNanos / 4);
        this.check = timer.scheduleAtFixedRate(this::check, period, period, TimeUnit.NANOSECONDS);
    }

    void touch() {
        lastActivity = System.nanoTime();
    }

    synchronized boolean fired() {
        return fired;
    }

    private synchronized void check() {
        if (!closed && !fired && System.nanoTime() - lastActivity > limitNanos) {
            fired = true;
            try {
                stream.close();
            } catch (IOException | RuntimeException e) {
                // the interrupt below still ends the read
            }
            worker.interrupt();
        }
    }

    @Override
    public void close() {
        check.cancel(false);
        synchronized (this) {
            closed = true;
            if (fired) {
                Thread.interrupted();
            }
        }
    }
}
