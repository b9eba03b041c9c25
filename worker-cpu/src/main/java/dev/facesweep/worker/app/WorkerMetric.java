package dev.facesweep.worker.app;

/**
 * Every metric the worker registers, named once (Micrometer dot notation; Prometheus shows
 * {@code facesweep_worker_images_total}, {@code facesweep_worker_batch_duration_seconds_bucket}, ...).
 */
enum WorkerMetric {

    /** Counter of answered images, tag {@link Tag#OUTCOME} = {@code scored} | {@code failed}. */
    IMAGES("facesweep.worker.images", "Images answered, by outcome"),
    /** Timer (histogram) of batch stages, tag {@link Tag#STAGE} = decode | preprocess | infer | publish. */
    BATCH_DURATION("facesweep.worker.batch.duration", "Wall time per batch and stage"),
    /** Counter of batches republished for another attempt. */
    BATCHES_RETRIED("facesweep.worker.batches.retried", "Batches given another attempt"),
    /** Counter of messages moved to the parking queue. */
    BATCHES_PARKED("facesweep.worker.batches.parked", "Messages parked (malformed, wrong model, out of attempts)"),
    /** Gauge of batches received and not yet answered. */
    IN_FLIGHT("facesweep.worker.batches.in.flight", "Batches received and not yet answered"),
    /** Gauge: epoch seconds of the last answered batch. */
    LAST_BATCH("facesweep.worker.last.batch.timestamp", "When the last batch was answered (epoch seconds)"),
    /**
     * Info gauge (always 1) with tags {@link Tag#PROVIDER} (in use), {@link Tag#CONFIGURED}, {@link Tag#DEVICE},
     * {@link Tag#MODEL}: provider differing from configured is a fallback.
     */
    PROVIDER_INFO("facesweep.worker.provider.info", "Execution provider in use vs configured"),
    /** Gauge: share of the image model's graph nodes on the accelerator (when measured at start-up). */
    ACCELERATOR_NODES("facesweep.worker.accelerator.node.fraction", "Share of graph nodes on the accelerator");

    /** Tag keys, named once. */
    enum Tag {
        OUTCOME("outcome"), STAGE("stage"), PROVIDER("provider"), CONFIGURED("configured"), DEVICE("device"),
        MODEL("model");

        private final String key;

        Tag(String key) {
            this.key = key;
        }

        String key() {
            return key;
        }
    }

    private final String metricName;
    private final String description;

    WorkerMetric(String metricName, String description) {
        this.metricName = metricName;
        this.description = description;
    }

    String metricName() {
        return metricName;
    }

    String description() {
        return description;
    }
}
