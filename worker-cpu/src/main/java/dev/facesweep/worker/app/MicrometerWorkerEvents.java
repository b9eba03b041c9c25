package dev.facesweep.worker.app;

import dev.facesweep.worker.amqp.BatchStage;
import dev.facesweep.worker.amqp.WorkerEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The transport's events as Micrometer meters, all registered up front (so they show as 0 before work). Batch stage
 * timers publish the fixed {@link WorkerMetric#BATCH_BUCKETS} as a Prometheus histogram.
 */
final class MicrometerWorkerEvents implements WorkerEvents {

    private final Counter scored;
    private final Counter failed;
    private final Counter retried;
    private final Counter parked;
    private final Map<BatchStage, Timer> stages = new EnumMap<>(BatchStage.class);
    private final AtomicLong lastBatchMillis = new AtomicLong();

    MicrometerWorkerEvents(MeterRegistry registry) {
        scored = images(registry, "scored");
        failed = images(registry, "failed");
        retried = Counter.builder(WorkerMetric.BATCHES_RETRIED.metricName())
                .description(WorkerMetric.BATCHES_RETRIED.description()).register(registry);
        parked = Counter.builder(WorkerMetric.BATCHES_PARKED.metricName())
                .description(WorkerMetric.BATCHES_PARKED.description()).register(registry);
        for (BatchStage stage : BatchStage.values()) {
            stages.put(stage, Timer.builder(WorkerMetric.BATCH_DURATION.metricName())
                    .description(WorkerMetric.BATCH_DURATION.description())
                    .tag(WorkerMetric.Tag.STAGE.key(), stage.tag())
                    .serviceLevelObjectives(WorkerMetric.BATCH_BUCKETS)
                    .register(registry));
        }
        Gauge.builder(WorkerMetric.LAST_BATCH.metricName(), lastBatchMillis, v -> v.get() / 1000.0)
                .description(WorkerMetric.LAST_BATCH.description()).baseUnit(WorkerMetric.LAST_BATCH.baseUnit())
                .register(registry);
    }

    private static Counter images(MeterRegistry registry, String outcome) {
        return Counter.builder(WorkerMetric.IMAGES.metricName()).description(WorkerMetric.IMAGES.description())
                .tag(WorkerMetric.Tag.OUTCOME.key(), outcome).register(registry);
    }

    @Override
    public void imagesScored(int ok, int bad) {
        scored.increment(ok);
        failed.increment(bad);
    }

    @Override
    public void stage(BatchStage stage, Duration time) {
        stages.get(stage).record(time);
    }

    @Override
    public void batchRetried() {
        retried.increment();
    }

    @Override
    public void batchParked() {
        parked.increment();
    }

    @Override
    public void batchDone(long epochMillis) {
        lastBatchMillis.set(epochMillis);
    }
}
