package dev.facesweep.coordinator.store;

/** Life cycle of a scan. */
public enum ScanState {
    /** Staging or scoring is under way (or was interrupted and can be resumed). */
    RUNNING,
    /** Every image reached a final state and the coordinator closed the scan. */
    FINISHED;

    String db() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    static ScanState fromDb(String value) {
        return valueOf(value.toUpperCase(java.util.Locale.ROOT));
    }
}
