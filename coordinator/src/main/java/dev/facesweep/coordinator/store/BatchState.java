package dev.facesweep.coordinator.store;

import java.util.Locale;

/**
 * State of a batch: pending -> in_flight -> done; parked after too many attempts (split instead, into one-image
 * batches, when it held more than one image).
 */
public enum BatchState {
    /** Claimed from the staged images, not yet published. */
    PENDING,
    /** Published at least once, waiting for its result. */
    IN_FLIGHT,
    /** A result was recorded. */
    DONE,
    /** Given up on (e.g. it crashed workers too often); its unscored images are failed. */
    PARKED,
    /**
     * Parked by the workers while it held more than one image: instead of failing them all, each of its unscored
     * images went out again in a batch of its own, so that only the image that makes workers fail is given up on.
     */
    SPLIT;

    String db() {
        return name().toLowerCase(Locale.ROOT);
    }

    static BatchState fromDb(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
