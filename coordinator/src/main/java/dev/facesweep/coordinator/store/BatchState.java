package dev.facesweep.coordinator.store;

import java.util.Locale;

/** State of a batch: pending -> in_flight -> done, or parked after too many attempts. */
public enum BatchState {
    /** Claimed from the staged images, not yet published. */
    PENDING,
    /** Published at least once, waiting for its result. */
    IN_FLIGHT,
    /** A result was recorded. */
    DONE,
    /** Given up on (e.g. it crashed workers too often); its unscored images are failed. */
    PARKED;

    String db() {
        return name().toLowerCase(Locale.ROOT);
    }

    static BatchState fromDb(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
