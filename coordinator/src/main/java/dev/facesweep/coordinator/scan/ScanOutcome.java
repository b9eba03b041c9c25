package dev.facesweep.coordinator.scan;

import dev.facesweep.coordinator.store.ScanCounts;

/**
 * How a scan run ended.
 *
 * @param scanId the scan
 * @param resumed whether an unfinished scan was continued
 * @param counts the final counts from the store
 * @param published batches published by this run (first dispatches, including the in-flight batches of a resumed
 *     scan)
 * @param redispatched batches published again because they were outstanding too long
 * @param duplicates result entries that changed nothing (duplicate or late deliveries)
 * @param rejected messages that could not be used (malformed, for another model or prompt set)
 */
public record ScanOutcome(String scanId, boolean resumed, ScanCounts counts, long published, long redispatched,
        long duplicates, long rejected) {

    /** True when every image was scored or reused: nothing failed and no batch was parked. */
    public boolean complete() {
        return counts.failed() == 0 && counts.parkedBatches() == 0 && counts.remaining() == 0;
    }
}
