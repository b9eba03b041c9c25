package dev.facesweep.coordinator.metrics;

import java.util.Locale;

/**
 * What apply reports for metrics, one call per journaled operation once its outcome is known; framework-free (the
 * Micrometer adapter is {@link MicrometerApplyMetrics}). Implementations must be thread-safe and must not block.
 */
@FunctionalInterface
public interface ApplyMetrics {

    /** Reports nothing (the command line, tests). */
    ApplyMetrics NONE = (type, result) -> {
    };

    /** How an operation ended. */
    enum Result {
        /** Done and its post-condition checked. */
        DONE,
        /** Failed; the apply went on (a resume retries it). */
        FAILED,
        /** Undone by a revert. */
        REVERTED;

        /** Lower-case tag value. */
        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param type the operation type's JSON name, e.g. {@code move} or {@code rewrite_fsz}
     * @param result how it ended
     */
    void operation(String type, Result result);
}
