package dev.facesweep.coordinator.scan;

import dev.facesweep.coordinator.dispatch.WorkerStatus;
import dev.facesweep.coordinator.metrics.CoordinatorMetric;
import dev.facesweep.coordinator.metrics.CoordinatorMetric.Tag;
import dev.facesweep.coordinator.store.RecordSummary;
import dev.facesweep.coordinator.store.ScanCounts;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;

/**
 * The scan process's own meters, fed by the scan loop's {@link ScanMonitor} calls (then passed on to the console):
 * results received, duplicates ignored, rejected results, batches published and re-dispatched (counters, registered
 * at 0 when the scan opens), and the fleet as its heartbeats describe it (rate, liveness, batches held per worker).
 */
final class ScanMetrics implements ScanMonitor {

    private final ScanMonitor console;
    private final Counter received;
    private final Counter duplicates;
    private final Counter rejected;
    private final Counter published;
    private final Counter redispatched;
    private final MultiGauge workerRate;
    private final MultiGauge workerLive;
    private final MultiGauge workerInFlight;

    ScanMetrics(MeterRegistry registry, String scanId, ScanMonitor console) {
        this.console = console;
        Tags scan = Tags.of(Tag.SCAN.key(), scanId);
        received = counter(registry, CoordinatorMetric.RESULTS_RECEIVED, scan);
        duplicates = counter(registry, CoordinatorMetric.DUPLICATES_IGNORED, scan);
        rejected = counter(registry, CoordinatorMetric.RESULTS_REJECTED, scan);
        published = counter(registry, CoordinatorMetric.BATCHES_PUBLISHED, scan);
        redispatched = counter(registry, CoordinatorMetric.BATCHES_REDISPATCHED, scan);
        workerRate = gauge(registry, CoordinatorMetric.FLEET_WORKER_RATE);
        workerLive = gauge(registry, CoordinatorMetric.FLEET_WORKER_LIVE);
        workerInFlight = gauge(registry, CoordinatorMetric.FLEET_WORKER_IN_FLIGHT);
    }

    private static Counter counter(MeterRegistry registry, CoordinatorMetric metric, Tags tags) {
        return Counter.builder(metric.metricName()).description(metric.description()).tags(tags).register(registry);
    }

    private static MultiGauge gauge(MeterRegistry registry, CoordinatorMetric metric) {
        return MultiGauge.builder(metric.metricName()).description(metric.description()).register(registry);
    }

    @Override
    public void note(String line) {
        console.note(line);
    }

    @Override
    public void progress(ScanCounts counts, List<WorkerStatus> workers) {
        List<MultiGauge.Row<?>> rate = new ArrayList<>();
        List<MultiGauge.Row<?>> live = new ArrayList<>();
        List<MultiGauge.Row<?>> inFlight = new ArrayList<>();
        for (WorkerStatus w : workers) {
            Tags worker = Tags.of(Tag.WORKER.key(), w.workerId());
            rate.add(MultiGauge.Row.of(worker.and(Tag.HOST.key(), w.host()).and(Tag.PROVIDER.key(), w.provider())
                    .and(Tag.CONFIGURED_PROVIDER.key(), w.configuredProvider()).and(Tag.DEVICE.key(), w.device())
                    .and(Tag.MODEL.key(), w.modelId()), w.live() ? w.imagesPerSecond() : 0));
            live.add(MultiGauge.Row.of(worker, w.live() ? 1 : 0));
            inFlight.add(MultiGauge.Row.of(worker, w.live() ? w.inFlight() : 0));
        }
        workerRate.register(rate, true);
        workerLive.register(live, true);
        workerInFlight.register(inFlight, true);
        console.progress(counts, workers);
    }

    @Override
    public void batchesPublished(int batches) {
        published.increment(batches);
        console.batchesPublished(batches);
    }

    @Override
    public void batchRedispatched() {
        redispatched.increment();
        console.batchRedispatched();
    }

    @Override
    public void resultRecorded(RecordSummary summary) {
        received.increment();
        duplicates.increment(summary.duplicates());
        console.resultRecorded(summary);
    }

    @Override
    public void resultRejected() {
        rejected.increment();
        console.resultRejected();
    }
}
