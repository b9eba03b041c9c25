package dev.facesweep.worker.app;

import java.time.Duration;

/**
 * Every metric the worker registers, named once (Micrometer dot notation and base units; Prometheus shows
 * {@code facesweep_worker_images_total}, {@code facesweep_worker_batch_duration_seconds_bucket}, ...). Every meter
 * also carries the {@link Tag#WORKER} tag (the worker id), so dashboards can join them with what the coordinator
 * reports per worker. docs/metrics.md lists them all.
 */
enum WorkerMetric {

    /** Counter of answered images, tag {@link Tag#OUTCOME} = {@code scored} | {@code failed}. */
    IMAGES("facesweep.worker.images", null, "Images answered, by outcome"),
    /**
     * Timer (histogram, {@link #BATCH_BUCKETS}) of batch stages, tag {@link Tag#STAGE} = decode | preprocess |
     * infer | publish.
     */
    BATCH_DURATION("facesweep.worker.batch.duration", "seconds", "Wall time per batch and stage"),
    /** Counter of batches republished for another attempt. */
    BATCHES_RETRIED("facesweep.worker.batches.retried", null, "Batches given another attempt"),
    /** Counter of messages moved to the parking queue. */
    BATCHES_PARKED("facesweep.worker.batches.parked", null,
            "Messages parked (malformed, wrong model, out of attempts)"),
    /** Gauge of batches received and not yet answered (the one being worked on plus prefetched ones). */
    IN_FLIGHT("facesweep.worker.batches.in.flight", null, "Batches received and not yet answered"),
    /** Gauge: seconds since the oldest batch not yet answered arrived; 0 when the worker holds none. */
    OLDEST_BATCH_AGE("facesweep.worker.oldest.batch.age", "seconds",
            "Age of the oldest batch received and not yet answered (0 when none)"),
    /** Gauge: epoch seconds of the last answered batch (0 before the first). */
    LAST_BATCH("facesweep.worker.last.batch.timestamp", "seconds",
            "When the last batch was answered (epoch seconds, 0 before the first)"),
    /**
     * Info gauge (always 1) with tags {@link Tag#PROVIDER} (in use), {@link Tag#CONFIGURED_PROVIDER},
     * {@link Tag#DEVICE}, {@link Tag#MODEL}: provider differing from configured_provider is a fallback.
     */
    PROVIDER_INFO("facesweep.worker.provider.info", null, "Execution provider in use vs configured (always 1)"),
    /** Gauge: share of the image model's graph nodes on the accelerator (only when measured at start-up). */
    ACCELERATOR_NODES("facesweep.worker.accelerator.node.fraction", null,
            "Share of the image model's graph nodes on the accelerator");

    /**
     * Histogram buckets of {@link #BATCH_DURATION}: from 10 ms (a tiny model's stage) to 60 s (a ViT-L-14 batch on a
     * CPU box); slower stages count in +Inf only.
     */
    static final Duration[] BATCH_BUCKETS = {
        Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(30),
        Duration.ofSeconds(60)};

    /** Tag keys, named once. */
    enum Tag {
        WORKER("worker"), OUTCOME("outcome"), STAGE("stage"), PROVIDER("provider"),
        CONFIGURED_PROVIDER("configured_provider"), DEVICE("device"), MODEL("model");

        private final String key;

        Tag(String key) {
            this.key = key;
        }

        String key() {
            return key;
        }
    }

    private final String metricName;
    private final String baseUnit;
    private final String description;

    WorkerMetric(String metricName, String baseUnit, String description) {
        this.metricName = metricName;
        this.baseUnit = baseUnit;
        this.description = description;
    }

    String metricName() {
        return metricName;
    }

    /** Micrometer base unit (appended to the Prometheus name), or null. */
    String baseUnit() {
        return baseUnit;
    }

    String description() {
        return description;
    }
}
