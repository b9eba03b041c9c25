package dev.facesweep.coordinator.store;

/**
 * Image and batch counts of one scan.
 *
 * @param total every staged path (all states)
 * @param staged waiting for a batch
 * @param inFlight in a pending or in-flight batch ({@link ImageState#DISPATCHED})
 * @param pendingBatches claimed but not yet published
 * @param inFlightBatches published, no result yet
 * @param parkedBatches given up on; their images count as failed
 */
public record ScanCounts(long total, long staged, long inFlight, long scored, long reused, long failed,
        long pendingBatches, long inFlightBatches, long doneBatches, long parkedBatches) {

    /** Images not yet in a final state. */
    public long remaining() {
        return staged + inFlight;
    }

    /** Images in a final state (scored, reused or failed). */
    public long completed() {
        return scored + reused + failed;
    }
}
