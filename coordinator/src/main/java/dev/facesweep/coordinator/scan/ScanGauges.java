package dev.facesweep.coordinator.scan;

import dev.facesweep.coordinator.metrics.CoordinatorMetric;
import dev.facesweep.coordinator.metrics.CoordinatorMetric.Tag;
import dev.facesweep.coordinator.plan.Thresholds;
import dev.facesweep.coordinator.store.ImageRecord;
import dev.facesweep.coordinator.store.ScanCounts;
import dev.facesweep.coordinator.store.ScanInfo;
import dev.facesweep.coordinator.store.ScanState;
import dev.facesweep.coordinator.store.ScanStore;
import dev.facesweep.coordinator.store.StoreException;
import dev.facesweep.scoring.PromptSet;
import dev.facesweep.scoring.PromptSetException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-scan gauges ({@link CoordinatorMetric#SCAN_IMAGES} and the rest of the {@code SCAN_*} metrics), read from
 * the store like {@code facesweep status}: so the scan process and {@code facesweep serve} show the same numbers, and
 * a dashboard works for a scan run anywhere against the same store.
 *
 * <h2>How it works</h2>
 * {@link #refresh()} reads the selected scans' counts, per-worker counts and recent rate ({@link ScanStatus}) and
 * replaces the gauges' rows (series of scans no longer selected disappear). The flagged count needs every image's
 * scores, so it is recomputed only when the scan's completed count changed and at most once per
 * {@code flaggedEvery} (always on {@link #refresh(boolean) refresh(true)}). {@link #start} refreshes on a daemon
 * thread; a store error is logged and the last values stay.
 *
 * <p>Things to note: every read here scans the scan's rows, so its cost grows with the scan. To keep a
 * million-image scan from spending a core on its own gauges, the next refresh waits at least
 * {@value #COST_FACTOR} times as long as the last one took, and the flagged count at least {@value #COST_FACTOR}
 * times as long as its last count took: the gauges never take more than about a tenth of one core, and update
 * less often on very large scans.
 */
public final class ScanGauges implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ScanGauges.class);

    /** Which scans get gauges. */
    @FunctionalInterface
    public interface Selection {
        List<ScanInfo> select(ScanStore store, Instant now);
    }

    /** Just one scan (the scan process's own). */
    public static Selection only(String scanId) {
        return (store, now) -> store.scan(scanId).map(List::of).orElse(List.of());
    }

    /** Every unfinished scan, and the scans finished less than {@code finishedWithin} ago. */
    public static Selection recent(Duration finishedWithin) {
        return (store, now) -> store.scans().stream()
                .filter(s -> s.state() != ScanState.FINISHED || s.finishedAt() == null
                        || !s.finishedAt().isBefore(now.minus(finishedWithin)))
                .toList();
    }

    /** The image states of {@link CoordinatorMetric#SCAN_IMAGES}, as tag values. */
    static final List<String> STATES = List.of("staged", "in_flight", "scored", "reused", "failed");

    /** How many times its own duration a refresh (or a flagged count) waits before the next one, at least. */
    static final int COST_FACTOR = 10;

    private record Flagged(long completed, Instant at, long count, Duration cost) {
    }

    private final ScanStore store;
    private final Clock clock;
    private final Selection selection;
    private final Duration flaggedEvery;
    private final Map<CoordinatorMetric, MultiGauge> gauges = new EnumMap<>(CoordinatorMetric.class);
    private final Map<String, Flagged> flagged = new HashMap<>();
    private final Object lifecycle = new Object();
    private ScheduledExecutorService refresher;
    private boolean failing;

    public ScanGauges(MeterRegistry registry, ScanStore store, Clock clock, Selection selection,
            Duration flaggedEvery) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.selection = Objects.requireNonNull(selection, "selection");
        this.flaggedEvery = Objects.requireNonNull(flaggedEvery, "flaggedEvery");
        for (CoordinatorMetric metric : List.of(CoordinatorMetric.SCAN_IMAGES, CoordinatorMetric.SCAN_REMAINING,
                CoordinatorMetric.SCAN_FLAGGED, CoordinatorMetric.SCAN_ETA, CoordinatorMetric.SCAN_RATE,
                CoordinatorMetric.SCAN_PARKED, CoordinatorMetric.SCAN_RUNNING, CoordinatorMetric.SCAN_WORKER_IMAGES)) {
            gauges.put(metric, MultiGauge.builder(metric.metricName()).description(metric.description())
                    .baseUnit(metric.baseUnit()).register(registry));
        }
    }

    /** Refreshes now, then every {@code every} on a daemon thread until {@link #close()}. */
    public ScanGauges start(Duration every) {
        refresh();
        synchronized (lifecycle) {
            if (refresher != null) {
                throw new IllegalStateException("already started");
            }
            refresher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "facesweep-scan-gauges");
                t.setDaemon(true);
                return t;
            });
            refresher.schedule(() -> refreshAndReschedule(every), every.toMillis(), TimeUnit.MILLISECONDS);
        }
        return this;
    }

    private void refreshAndReschedule(Duration every) {
        long start = System.nanoTime();
        refresh();
        long delay = Math.max(every.toNanos(), (System.nanoTime() - start) * COST_FACTOR);
        synchronized (lifecycle) {
            if (refresher != null) {
                refresher.schedule(() -> refreshAndReschedule(every), delay, TimeUnit.NANOSECONDS);
            }
        }
    }

    /** Reads the store and updates every gauge (the flagged count only when due). */
    public void refresh() {
        refresh(false);
    }

    /**
     * @param recountFlagged recount flagged images now (e.g. once a scan ends)
     */
    public synchronized void refresh(boolean recountFlagged) {
        Map<CoordinatorMetric, List<MultiGauge.Row<?>>> rows = new EnumMap<>(CoordinatorMetric.class);
        gauges.keySet().forEach(m -> rows.put(m, new ArrayList<>()));
        Instant now = clock.instant();
        List<String> shown = new ArrayList<>();
        try {
            for (ScanInfo scan : selection.select(store, now)) {
                rows(scan, now, recountFlagged, rows);
                shown.add(scan.id());
            }
        } catch (StoreException e) {
            if (!failing) {
                log.warn("scan metrics not refreshed: {}", e.getMessage());
            }
            failing = true;
            return;
        }
        failing = false;
        flagged.keySet().retainAll(shown);
        rows.forEach((metric, list) -> gauges.get(metric).register(list, true));
    }

    private void rows(ScanInfo scan, Instant now, boolean recountFlagged,
            Map<CoordinatorMetric, List<MultiGauge.Row<?>>> rows) {
        ScanStatus status = ScanStatus.of(store, scan, now);
        ScanCounts c = status.counts();
        boolean finished = scan.state() == ScanState.FINISHED;
        Tags tags = Tags.of(Tag.SCAN.key(), scan.id());
        long[] byState = {c.staged(), c.inFlight(), c.scored(), c.reused(), c.failed()};
        for (int i = 0; i < STATES.size(); i++) {
            rows.get(CoordinatorMetric.SCAN_IMAGES).add(MultiGauge.Row.of(tags.and(Tag.STATE.key(), STATES.get(i)),
                    byState[i]));
        }
        rows.get(CoordinatorMetric.SCAN_REMAINING).add(MultiGauge.Row.of(tags, c.remaining()));
        rows.get(CoordinatorMetric.SCAN_FLAGGED).add(MultiGauge.Row.of(tags, flagged(scan, c, now, recountFlagged)));
        double eta = c.remaining() == 0 ? 0
                : status.etaSeconds().isPresent() ? status.etaSeconds().getAsLong() : Double.NaN;
        rows.get(CoordinatorMetric.SCAN_ETA).add(MultiGauge.Row.of(tags, eta));
        rows.get(CoordinatorMetric.SCAN_RATE).add(MultiGauge.Row.of(tags,
                finished ? 0 : status.imagesPerSecond().orElse(0)));
        rows.get(CoordinatorMetric.SCAN_PARKED).add(MultiGauge.Row.of(tags, c.parkedBatches()));
        rows.get(CoordinatorMetric.SCAN_RUNNING).add(MultiGauge.Row.of(tags, finished ? 0 : 1));
        for (ScanStatus.Worker w : status.workers()) {
            Tags worker = tags.and(Tag.WORKER.key(), w.workerId());
            rows.get(CoordinatorMetric.SCAN_WORKER_IMAGES).add(MultiGauge.Row.of(worker.and(Tag.OUTCOME.key(),
                    "scored"), w.scored()));
            rows.get(CoordinatorMetric.SCAN_WORKER_IMAGES).add(MultiGauge.Row.of(worker.and(Tag.OUTCOME.key(),
                    "failed"), w.failed()));
        }
    }

    private long flagged(ScanInfo scan, ScanCounts counts, Instant now, boolean recount) {
        Flagged last = flagged.get(scan.id());
        boolean due = last == null || recount || (last.completed() != counts.completed()
                && !now.isBefore(last.at().plus(longer(flaggedEvery, last.cost().multipliedBy(COST_FACTOR)))));
        if (!due) {
            return last.count();
        }
        long start = System.nanoTime();
        long count = countFlagged(store, scan);
        flagged.put(scan.id(), new Flagged(counts.completed(), now, count,
                Duration.ofNanos(System.nanoTime() - start)));
        return count;
    }

    private static Duration longer(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /**
     * Scored or reused images of {@code scan} with at least one attribute at or above its threshold: the prompt set's
     * own threshold for that attribute, else {@link Thresholds#DEFAULT_IMAGE} (the brief's image rule).
     */
    static long countFlagged(ScanStore store, ScanInfo scan) {
        Map<String, Double> thresholds;
        try {
            thresholds = PromptSet.parse(scan.promptSetJson(), "prompt set of scan " + scan.id())
                    .thresholds(Thresholds.DEFAULT_IMAGE);
        } catch (PromptSetException e) {
            thresholds = Map.of();
        }
        Map<String, Double> limits = thresholds;
        long[] count = {0};
        store.forEachImage(scan.id(), (ImageRecord image) -> {
            for (Map.Entry<String, Double> score : image.scores().entrySet()) {
                if (score.getValue() >= limits.getOrDefault(score.getKey(), Thresholds.DEFAULT_IMAGE)) {
                    count[0]++;
                    return;
                }
            }
        });
        return count[0];
    }

    @Override
    public void close() {
        ScheduledExecutorService refresher;
        synchronized (lifecycle) {
            refresher = this.refresher;
            this.refresher = null;
        }
        if (refresher != null) {
            refresher.shutdownNow();
            try {
                refresher.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
