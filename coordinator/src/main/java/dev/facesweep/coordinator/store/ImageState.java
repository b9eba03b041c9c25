package dev.facesweep.coordinator.store;

import java.util.Locale;

/**
 * State of one image path within a scan.
 *
 * <pre>
 * staged --claim--> dispatched --result--> scored
 *   |                   |  \--error / batch parked / missing from result--> failed --later success--> scored
 *   |                   |--batch released--> staged
 *   |                   \--batch split (parked with several images)--> dispatched, in a batch of its own
 *   \--stored result or embedding found--> reused
 * </pre>
 */
public enum ImageState {
    /** Hashed and waiting for a batch. */
    STAGED,
    /** In a batch sent to the workers. */
    DISPATCHED,
    /** Scored by a worker in this scan. */
    SCORED,
    /** Scores came from the store: an earlier scan's result, or a rescore from a stored embedding. */
    REUSED,
    /** Could not be scored (unreadable, not an image, its batch was parked); {@code error} says why. */
    FAILED;

    String db() {
        return name().toLowerCase(Locale.ROOT);
    }

    static ImageState fromDb(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
