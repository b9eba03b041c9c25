package dev.facesweep.coordinator.store;

/**
 * What one worker did for a scan: images it scored and images it reported as failed, and the batches whose
 * result it delivered first.
 */
public record WorkerCounts(String workerId, long scored, long failed, long batches) {
}
