package dev.facesweep.worker.amqp;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Images per second over a sliding window: images finished within the last {@code window}, divided by the window
 * (or by the time since the first batch finished, while the worker is younger than the window). Thread-safe.
 */
final class Throughput {

    private record Sample(long atMillis, int images) {
    }

    private final Clock clock;
    private final long windowMillis;
    private final Deque<Sample> samples = new ArrayDeque<>();
    private long startMillis = -1;

    Throughput(Clock clock, Duration window) {
        this.clock = clock;
        this.windowMillis = window.toMillis();
    }

    /** Marks the moment work started (the first batch received); later samples are measured from here. */
    synchronized void started() {
        if (startMillis < 0) {
            startMillis = clock.millis();
        }
    }

    synchronized void record(int images) {
        long now = clock.millis();
        started();
        samples.addLast(new Sample(now, images));
        evict(now);
    }

    synchronized double imagesPerSecond() {
        long now = clock.millis();
        evict(now);
        if (samples.isEmpty() || startMillis < 0) {
            return 0;
        }
        long span = Math.min(windowMillis, Math.max(1, now - startMillis));
        long images = samples.stream().mapToLong(Sample::images).sum();
        return images * 1000.0 / span;
    }

    private void evict(long now) {
        while (!samples.isEmpty() && samples.peekFirst().atMillis() <= now - windowMillis) {
            samples.removeFirst();
        }
    }
}
