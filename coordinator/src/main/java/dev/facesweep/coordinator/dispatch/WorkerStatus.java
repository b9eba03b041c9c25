package dev.facesweep.coordinator.dispatch;

import java.time.Instant;

/**
 * A worker as its heartbeats describe it.
 *
 * @param provider execution provider in use; differs from {@code configuredProvider} on a silent fallback
 * @param imagesPerSecond the worker's own recent rate
 * @param lastSeen when its last heartbeat arrived (coordinator clock)
 * @param live whether that was recent enough to count the worker as alive
 */
public record WorkerStatus(String workerId, String host, String provider, String configuredProvider, String device,
        String modelId, double imagesPerSecond, int batchSize, int inFlight, Instant lastSeen, boolean live) {
}
