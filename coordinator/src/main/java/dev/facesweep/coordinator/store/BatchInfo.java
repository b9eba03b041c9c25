package dev.facesweep.coordinator.store;

import java.time.Instant;

/**
 * A batch as the store knows it.
 *
 * @param attempts how many times it was published
 * @param workerId the worker whose result was recorded first, null before
 * @param dispatchedAt last publish time, null while pending
 * @param error why it was parked
 */
public record BatchInfo(String id, String scanId, BatchState state, int attempts, int imageCount, String workerId,
        Instant createdAt, Instant dispatchedAt, Instant completedAt, String error) {
}
