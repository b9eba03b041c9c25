package dev.facesweep.coordinator.metrics;

/**
 * Every metric the coordinator registers, named once: Micrometer dot notation in base units; Prometheus shows
 * {@code facesweep_scan_images}, {@code facesweep_scan_eta_seconds}, {@code facesweep_scan_results_received_total},
 * ... The per-scan gauges are read from the store, so {@code facesweep scan} (while it runs) and
 * {@code facesweep serve} (for every recent scan of its store) expose the same series; dashboards take
 * {@code max by (scan)} to merge them.
 */
public enum CoordinatorMetric {

    /** Gauge: images of a scan by state (tags {@link Tag#SCAN}, {@link Tag#STATE}); their sum is every staged path. */
    SCAN_IMAGES("facesweep.scan.images", null,
            "Images of a scan by state: staged (waiting for a batch), in_flight, scored, reused, failed"),
    /** Gauge: images not yet final (staged plus in flight). */
    SCAN_REMAINING("facesweep.scan.remaining.images", null, "Images of a scan not yet scored, reused or failed"),
    /** Gauge: scored or reused images with an attribute at or above its threshold (the prompt set's, else 0.7). */
    SCAN_FLAGGED("facesweep.scan.flagged.images", null,
            "Scored or reused images with an attribute at or above its threshold"),
    /** Gauge: remaining images at the last minute's rate; NaN while unknown, 0 when done. */
    SCAN_ETA("facesweep.scan.eta", "seconds", "Estimated time to finish the scan at the last minute's rate"),
    /** Gauge: images answered per second over the last minute, from the store's batch completion times. */
    SCAN_RATE("facesweep.scan.images.per.second", null, "Images answered per second over the last minute"),
    /** Gauge: batches given up on (their images count as failed). */
    SCAN_PARKED("facesweep.scan.parked.batches", null, "Batches of the scan parked after their last attempt"),
    /** Gauge: 1 while the scan runs, 0 once finished. */
    SCAN_RUNNING("facesweep.scan.running", null, "1 while the scan is unfinished, 0 once it finished"),
    /** Gauge: images each worker answered for the scan (tags {@link Tag#WORKER}, {@link Tag#OUTCOME}). */
    SCAN_WORKER_IMAGES("facesweep.scan.worker.images", null, "Images of the scan answered by each worker, by outcome"),

    /** Counter (scan process): result messages recorded, duplicates and late answers included. */
    RESULTS_RECEIVED("facesweep.scan.results.received", null, "Result messages recorded by this scan process"),
    /** Counter (scan process): result entries that changed nothing (duplicate or late deliveries). */
    DUPLICATES_IGNORED("facesweep.scan.duplicates.ignored", null,
            "Result entries ignored as duplicates or late answers"),
    /** Counter (scan process): result messages dropped (malformed, other model or prompt set, unknown batch). */
    RESULTS_REJECTED("facesweep.scan.results.rejected", null,
            "Result messages dropped: malformed, another model or prompt set, unknown batch"),
    /** Counter (scan process): batch messages published, first publications and resumed ones. */
    BATCHES_PUBLISHED("facesweep.scan.batches.published", null, "Batch messages published"),
    /** Counter (scan process): long-outstanding batches published again near the end. */
    BATCHES_REDISPATCHED("facesweep.scan.batches.redispatched", null,
            "Long-outstanding batches published again for an idle worker"),

    /**
     * Gauge (scan process, from heartbeats): a worker's own images per second over its last minute (tags
     * {@link Tag#WORKER}, {@link Tag#HOST}, {@link Tag#PROVIDER}, {@link Tag#CONFIGURED_PROVIDER}, {@link Tag#DEVICE},
     * {@link Tag#MODEL}); works for workers Prometheus cannot reach.
     */
    FLEET_WORKER_RATE("facesweep.fleet.worker.images.per.second", null,
            "Images per second a worker reports in its heartbeats"),
    /** Gauge (scan process, from heartbeats): 1 while the worker's heartbeats arrive, 0 once they stopped. */
    FLEET_WORKER_LIVE("facesweep.fleet.worker.live", null, "1 while the worker's heartbeats arrive, else 0"),
    /** Gauge (scan process, from heartbeats): batches the worker holds. */
    FLEET_WORKER_IN_FLIGHT("facesweep.fleet.worker.batches.in.flight", null,
            "Batches a worker holds, from its heartbeats"),

    /** Counter: journaled apply operations by type and result ({@link ApplyMetrics}). */
    APPLY_OPERATIONS("facesweep.apply.operations", null, "Journaled apply operations by type and result");

    /** Tag keys, named once. */
    public enum Tag {
        SCAN("scan"), STATE("state"), WORKER("worker"), OUTCOME("outcome"), HOST("host"), PROVIDER("provider"),
        CONFIGURED_PROVIDER("configured_provider"), DEVICE("device"), MODEL("model"), TYPE("type"), RESULT("result");

        private final String key;

        Tag(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    private final String metricName;
    private final String baseUnit;
    private final String description;

    CoordinatorMetric(String metricName, String baseUnit, String description) {
        this.metricName = metricName;
        this.baseUnit = baseUnit;
        this.description = description;
    }

    /** The Micrometer name, e.g. {@code facesweep.scan.eta}. */
    public String metricName() {
        return metricName;
    }

    /** The Micrometer base unit (Prometheus appends it to the name), or null. */
    public String baseUnit() {
        return baseUnit;
    }

    public String description() {
        return description;
    }
}
