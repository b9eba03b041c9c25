package dev.facesweep.coordinator.scan;

import dev.facesweep.coordinator.store.AnsweredImages;
import dev.facesweep.coordinator.store.ScanCounts;
import dev.facesweep.coordinator.store.ScanInfo;
import dev.facesweep.coordinator.store.ScanState;
import dev.facesweep.coordinator.store.ScanStore;
import dev.facesweep.coordinator.store.WorkerCounts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
        boolean finished = scan.state() == ScanState.FINISHED && scan.finishedAt() != null;
        Instant end = finished ? scan.finishedAt() : now;
        Instant first = store.firstAnsweredDispatch(scan.id()).orElse(end);
        Instant start = finished ? first : later(first, end.minus(WINDOW));
        double seconds = Math.max(1e-3, Duration.between(start, end).toMillis() / 1000.0);
        AnsweredImages answered = store.answeredImages(scan.id(), start, end);
        List<Worker> workers = new ArrayList<>();
        for (WorkerCounts w : store.countsByWorker(scan.id())) {
            workers.add(new Worker(w.workerId(), w.scored(), w.failed(), w.batches(),
                    answered.byWorker().getOrDefault(w.workerId(), 0L) / seconds));
        }
        long images = answered.total();
        OptionalDouble rate = images == 0 ? OptionalDouble.empty() : OptionalDouble.of(images / seconds);
        OptionalLong eta = rate.isEmpty() || counts.remaining() == 0 ? OptionalLong.empty()
                : OptionalLong.of((long) Math.ceil(counts.remaining() / rate.getAsDouble()));
        return new ScanStatus(scan, counts, workers, rate, eta);
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
