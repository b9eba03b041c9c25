package dev.facesweep.coordinator.store;

/**
 * What recording one result message did.
 *
 * @param status how the batch itself was taken
 * @param scored images newly scored by this message
 * @param failed images newly failed by this message (per-image errors)
 * @param duplicates entries that changed nothing: the image was already scored, reused or failed (a duplicate
 *     delivery, or a late answer to a batch that was re-dispatched)
 * @param missing images of the batch the message did not mention; they are failed
 * @param detail one line for UNKNOWN_BATCH and MISMATCH, otherwise empty
 */
public record RecordSummary(String batchId, Status status, int scored, int failed, int duplicates, int missing,
        String detail) {

    public enum Status {
        /** The batch was pending or in flight; it is now done. */
        RECORDED,
        /** The batch was already done or parked: a duplicate or late message. Only not-yet-scored images moved. */
        LATE,
        /** No such batch in the store; nothing changed. */
        UNKNOWN_BATCH,
        /** The worker used another model or prompt set than the scan's; nothing changed. */
        MISMATCH
    }

    /** True when the message added nothing at all. */
    public boolean changedNothing() {
        return scored == 0 && failed == 0 && missing == 0 && status != Status.RECORDED;
    }
}
