package dev.facesweep.coordinator.scan;

import dev.facesweep.coordinator.store.BatchInfo;
import dev.facesweep.coordinator.store.BatchState;
import dev.facesweep.coordinator.store.ScanCounts;
import dev.facesweep.coordinator.store.ScanInfo;
import dev.facesweep.coordinator.store.ScanState;
import dev.facesweep.coordinator.store.ScanStore;
import dev.facesweep.coordinator.store.WorkerCounts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * A scan's progress as the store shows it, so it works for a scan running in another process: counts, per worker
 * what it scored, and throughput over the last {@link #WINDOW} (over the whole run once finished), from the
 * completion times of answered batches.
 *
 * @param imagesPerSecond recent throughput, empty when nothing was answered in the window
 * @param etaSeconds remaining images at that rate, empty when unknown or finished
 */
record ScanStatus(ScanInfo scan, ScanCounts counts, List<Worker> workers, OptionalDouble imagesPerSecond,
        OptionalLong etaSeconds) {

    static final Duration WINDOW = Duration.ofSeconds(60);

    /** What one worker did for the scan, with its recent rate. */
    record Worker(String workerId, long scored, long failed, long batches, double imagesPerSecond) {
    }

    static ScanStatus of(ScanStore store, ScanInfo scan, Instant now) {
        ScanCounts counts = store.counts(scan.id());
        List<BatchInfo> done = store.batches(scan.id(), BatchState.DONE);
        boolean finished = scan.state() == ScanState.FINISHED && scan.finishedAt() != null;
        Instant end = finished ? scan.finishedAt() : now;
        Instant first = done.stream().map(b -> b.dispatchedAt() != null ? b.dispatchedAt() : b.createdAt())
                .min(Instant::compareTo).orElse(end);
        Instant start = finished ? first : later(first, end.minus(WINDOW));
        double seconds = Math.max(1e-3, Duration.between(start, end).toMillis() / 1000.0);
        Map<String, Long> imagesByWorker = new HashMap<>();
        long images = 0;
        for (BatchInfo b : done) {
            if (b.completedAt() != null && !b.completedAt().isBefore(start) && !b.completedAt().isAfter(end)) {
                images += b.imageCount();
                if (b.workerId() != null) {
                    imagesByWorker.merge(b.workerId(), (long) b.imageCount(), Long::sum);
                }
            }
        }
        List<Worker> workers = new ArrayList<>();
        for (WorkerCounts w : store.countsByWorker(scan.id())) {
            workers.add(new Worker(w.workerId(), w.scored(), w.failed(), w.batches(),
                    imagesByWorker.getOrDefault(w.workerId(), 0L) / seconds));
        }
        OptionalDouble rate = images == 0 ? OptionalDouble.empty() : OptionalDouble.of(images / seconds);
        OptionalLong eta = rate.isEmpty() || counts.remaining() == 0 ? OptionalLong.empty()
                : OptionalLong.of((long) Math.ceil(counts.remaining() / rate.getAsDouble()));
        return new ScanStatus(scan, counts, workers, rate, eta);
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
