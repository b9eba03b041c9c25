package dev.facesweep.coordinator.store;

import java.util.List;

/**
 * What {@link ScanStore#parkBatch} did with a batch the workers gave up on.
 *
 * @param failed images failed with the reason (a one-image batch, or the last image of one)
 * @param retries when the batch held several images: one pending batch per image, to be published; none of its
 *     images failed yet
 */
public record ParkOutcome(int failed, List<ClaimedBatch> retries) {

    public ParkOutcome {
        retries = List.copyOf(retries);
    }

    static final ParkOutcome NOTHING = new ParkOutcome(0, List.of());

    /** Whether the batch was split into one-image batches rather than given up on. */
    public boolean split() {
        return !retries.isEmpty();
    }
}
