package dev.facesweep.coordinator.scan;

import dev.facesweep.coordinator.dispatch.DispatchException;
import dev.facesweep.coordinator.dispatch.DispatchListener;
import dev.facesweep.coordinator.dispatch.Dispatcher;
import dev.facesweep.coordinator.dispatch.Outstanding;
import dev.facesweep.coordinator.dispatch.RedispatchPolicy;
import dev.facesweep.coordinator.dispatch.WorkerStatus;
import dev.facesweep.coordinator.results.PromptScoring;
import dev.facesweep.coordinator.results.RejectedResultException;
import dev.facesweep.coordinator.results.Rescorer;
import dev.facesweep.coordinator.results.ResultRecorder;
import dev.facesweep.coordinator.store.BatchInfo;
import dev.facesweep.coordinator.store.BatchState;
import dev.facesweep.coordinator.store.ClaimedBatch;
import dev.facesweep.coordinator.store.ParkOutcome;
import dev.facesweep.coordinator.store.RecordSummary;
import dev.facesweep.coordinator.store.ScanCounts;
import dev.facesweep.coordinator.store.ScanInfo;
import dev.facesweep.coordinator.store.ScanStore;
import dev.facesweep.coordinator.store.StageSummary;
import dev.facesweep.coordinator.store.StagedImage;
import dev.facesweep.protocol.BatchImage;
import dev.facesweep.protocol.BatchMessage;
import dev.facesweep.protocol.ResultMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one scan to completion: stages the corpus in chunks, scores what the store already knows (stored results,
 * stored embeddings), and keeps a bounded number of batches out with the {@link Dispatcher} until every image is
 * scored, reused or failed.
 *
 * <h2>How it works</h2>
 * One thread (the caller's) owns the loop: staging, claiming, publishing, re-dispatch and progress. Results come
 * in on the dispatcher's threads, are scored and stored there by the {@link ResultRecorder} (so the transport can
 * acknowledge them once they are committed), and reach the loop as events that free room for more batches.
 * <ul>
 *   <li><b>Staging ahead</b>: images are staged a chunk at a time, and only while fewer than about
 *       {@code 2 x capacity x batch size} staged images wait for a batch, so that memory, the store's reuse queries
 *       and the broker queue stay small however big the corpus is. After each chunk, stored results are reused
 *       and stored embeddings are rescored for the scan's prompt set, so no known image is ever dispatched.</li>
 *   <li><b>Bounded dispatch</b>: at most {@link Dispatcher#capacity()} batches are outstanding.</li>
 *   <li><b>Tail</b>: once the walk is done and nothing staged is left, batches outstanding longer than the
 *       {@link RedispatchPolicy} allows are published again (same batch id: the first result wins, the other
 *       is a counted duplicate).</li>
 *   <li><b>Parked batches</b>: a batch the workers give up on is split into one-image batches when it held
 *       several images, published at once; only an image that fails alone is given up on
 *       ({@link ScanStore#parkBatch}).</li>
 *   <li><b>Resume</b>: the batches an earlier, killed run left pending or in flight are published again first;
 *       everything already stored stays as it is.</li>
 *   <li><b>Few transactions</b>: every free slot is claimed, and recorded as published, in one store
 *       transaction just before the publish (a batch that cannot be published is released again); results
 *       arriving together are recorded together (see {@link DispatchListener#onResults}).
 *       Progress counts read every row of the scan, so they are spaced by their own cost
 *       ({@value #PROGRESS_COST_FACTOR} times it, at least {@link ScanSettings#progressEvery()}).</li>
 * </ul>
 * All timing decisions use the injected {@link Clock}.
 */
public final class ScanRun {

    private static final Logger log = LoggerFactory.getLogger(ScanRun.class);

    /**
     * Counting a scan's images reads every one of its rows; the next progress count waits at least this many times
     * as long as the last one took, so that progress costs the loop at most a few percent however big the scan.
     */
    static final int PROGRESS_COST_FACTOR = 20;

    private final ScanStore store;
    private final Dispatcher dispatcher;
    private final ResultRecorder recorder;
    private final Rescorer rescorer;
    private final ScanSettings settings;
    private final Clock clock;
    private final ScanMonitor monitor;
    private final RedispatchPolicy policy;
    private final Outstanding outstanding = new Outstanding();
    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Map<String, String> workersSeen = new HashMap<>();

    private ScanInfo scan;
    private Path root;
    private long stagedAhead;
    private boolean drained;
    private long published;
    private long redispatched;
    private long rejected;
    private Instant started;
    private Instant lastProgress;
    private Duration progressEvery;
    private boolean hinted;

    private sealed interface Event permits Answered, Parked, Rejected {
    }

    private record Answered(String batchId, RecordSummary summary, Instant at) implements Event {
    }

    private record Parked(String batchId, String reason, ParkOutcome outcome) implements Event {
    }

    private record Rejected(String reason) implements Event {
    }

    public ScanRun(ScanStore store, Dispatcher dispatcher, ResultRecorder recorder, ScanSettings settings,
            Clock clock, ScanMonitor monitor) {
        this.store = store;
        this.dispatcher = dispatcher;
        this.recorder = recorder;
        this.rescorer = new Rescorer(store);
        this.settings = settings;
        this.clock = clock;
        this.monitor = monitor;
        this.policy = new RedispatchPolicy(settings.redispatch());
    }

    /**
     * Runs the scan until every image is final, then marks it finished.
     *
     * @param resumed whether {@code scan} is an unfinished scan being continued (for the outcome only)
     * @throws DispatchException when the transport fails beyond its own recovery; the scan stays unfinished and a
     *     re-run continues it
     */
    public ScanOutcome run(ScanInfo scan, Staging staging, boolean resumed) throws DispatchException {
        this.scan = scan;
        this.root = Path.of(scan.root());
        PromptScoring scoring = recorder.scoring();
        if (!scan.modelId().equals(scoring.modelId()) || !scan.promptHash().equals(scoring.promptHash())) {
            throw new IllegalArgumentException("scan " + scan.id() + " uses " + scan.modelId() + " / "
                    + scan.promptHash() + " but the recorder scores " + scoring.modelId() + " / "
                    + scoring.promptHash());
        }
        started = clock.instant();
        lastProgress = started;
        progressEvery = settings.progressEvery();
        dispatcher.start(new Listener());
        republishUnfinished();
        while (true) {
            drainEvents();
            fill(staging);
            notes(staging);
            if (tail() && outstanding.isEmpty()) {
                drainEvents();          // a batch parked meanwhile may have been split into new ones
                if (outstanding.isEmpty()) {
                    break;
                }
            }
            if (tail()) {
                redispatchOverdue();
            }
            tick();
            dispatcher.check();
            awaitEvent();
        }
        drainEvents();
        ScanCounts counts = store.counts(scan.id());
        store.finishScan(scan.id());
        monitor.progress(counts, dispatcher.workers());
        return new ScanOutcome(scan.id(), resumed, counts, published, redispatched, recorder.duplicates(),
                rejected);
    }

    /** Walk done and the last claim found nothing staged: only outstanding batches remain. */
    private boolean tail() {
        return drained;
    }

    // ---------------------------------------------------------------- dispatching

    private void republishUnfinished() throws DispatchException {
        List<ClaimedBatch> again = new ArrayList<>();
        for (BatchState state : List.of(BatchState.PENDING, BatchState.IN_FLIGHT)) {
            for (BatchInfo batch : store.batches(scan.id(), state)) {
                store.redispatch(batch.id()).ifPresent(again::add);
            }
        }
        if (!again.isEmpty()) {
            monitor.note("resuming: publishing again the " + again.size() + " batch(es) an earlier run left"
                    + " outstanding");
            publish(again, false);
        }
    }

    private void fill(Staging staging) throws DispatchException {
        int room = dispatcher.capacity() - outstanding.size();
        long lowWater = Math.max(settings.stageChunk(),
                2L * Math.max(1, dispatcher.capacity()) * settings.batchSize());
        List<ClaimedBatch> claimed = new ArrayList<>();
        while (true) {
            if (room > 0) {
                // every free slot in one transaction
                List<ClaimedBatch> batches = store.claimBatchesForPublishing(scan.id(), settings.batchSize(), room);
                long images = 0;
                for (ClaimedBatch batch : batches) {
                    images += batch.images().size();
                }
                boolean dry = images < (long) settings.batchSize() * room;
                claimed.addAll(batches);
                room -= batches.size();
                stagedAhead = Math.max(0, stagedAhead - images);
                if (dry) {
                    stagedAhead = 0;
                    if (staging.exhausted()) {
                        drained = true;
                    }
                }
            }
            if (staging.exhausted() || stagedAhead >= lowWater) {
                break;
            }
            stageChunk(staging);
        }
        if (!claimed.isEmpty()) {
            publish(claimed, true);
        }
    }

    private void stageChunk(Staging staging) {
        List<StagedImage> chunk = staging.next(settings.stageChunk());
        if (chunk.isEmpty()) {
            return;
        }
        StageSummary summary = store.stage(scan.id(), chunk.iterator());
        long reused = store.reuseKnownResults(scan.id());
        long rescored = rescorer.rescoreStaged(scan.id(), recorder.scoring());
        stagedAhead += Math.max(0, summary.staged() - reused - rescored);
    }

    /**
     * Publishes batches and records them as outstanding.
     *
     * @param fresh claimed for publishing just now (already recorded as published; released when the transport
     *     fails), rather than published again ({@link ScanStore#markPublished} after the publish)
     */
    private void publish(List<ClaimedBatch> batches, boolean fresh) throws DispatchException {
        List<BatchMessage> messages = new ArrayList<>(batches.size());
        for (ClaimedBatch batch : batches) {
            messages.add(message(batch));
        }
        try {
            dispatcher.publish(messages);
        } catch (DispatchException e) {
            if (fresh) {
                for (ClaimedBatch batch : batches) {
                    store.releaseBatch(batch.batchId());
                }
            }
            throw e;
        }
        Instant now = clock.instant();
        List<String> ids = new ArrayList<>(batches.size());
        for (ClaimedBatch batch : batches) {
            ids.add(batch.batchId());
            outstanding.published(batch.batchId(), batch.images().size(), now);
        }
        if (!fresh) {
            store.markPublished(ids);
        }
        published += batches.size();
        monitor.batchesPublished(batches.size());
    }

    private BatchMessage message(ClaimedBatch batch) {
        List<BatchImage> images = new ArrayList<>(batch.images().size());
        long budget = settings.inline() ? settings.inlineBudgetBytes() : 0;
        for (ClaimedBatch.Image image : batch.images()) {
            Path file = root.resolve(image.relativePath());
            byte[] data = null;
            if (budget > 0) {
                data = readInline(file, budget);
                if (data != null) {
                    budget -= data.length;
                }
            }
            images.add(new BatchImage(image.sha256(), file.toString(), data));
        }
        return new BatchMessage(batch.scanId(), batch.batchId(), batch.modelId(), batch.promptHash(),
                batch.attempt(), images);
    }

    /** The file's bytes when they fit the remaining budget; null otherwise (the worker then reads the path). */
    private static byte[] readInline(Path file, long budget) {
        try {
            if (Files.size(file) > budget) {
                log.info("{} is too large to send inline in this batch; sending its path", file);
                return null;
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            log.warn("cannot read {} to send it inline ({}); sending its path", file, e.getMessage());
            return null;
        }
    }

    private void redispatchOverdue() throws DispatchException {
        Instant now = clock.instant();
        List<Outstanding.Batch> due = policy.due(outstanding.batches(), now);
        int room = Math.max(1, dispatcher.capacity() - outstanding.size());
        for (Outstanding.Batch batch : due.subList(0, Math.min(room, due.size()))) {
            Optional<ClaimedBatch> again = store.redispatch(batch.batchId());
            if (again.isEmpty()) {
                outstanding.remove(batch.batchId());
                continue;
            }
            dispatcher.publish(List.of(message(again.get())));
            store.markPublished(batch.batchId());
            outstanding.republished(batch.batchId(), clock.instant());
            redispatched++;
            monitor.batchRedispatched();
            monitor.note("batch " + batch.batchId() + " outstanding for " + seconds(batch.age(now))
                    + " (threshold " + seconds(policy.threshold()) + "): published again for an idle worker");
        }
    }

    // ---------------------------------------------------------------- events

    private void awaitEvent() throws DispatchException {
        Duration wait = settings.tick();
        try {
            Event event = events.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
            if (event != null) {
                handle(event);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("scan " + scan.id() + " interrupted; run it again to continue");
        }
    }

    private void drainEvents() throws DispatchException {
        Event event;
        while ((event = events.poll()) != null) {
            handle(event);
        }
    }

    private void handle(Event event) throws DispatchException {
        if (event instanceof Answered answered) {
            Optional<Outstanding.Batch> batch = outstanding.remove(answered.batchId());
            if (batch.isPresent() && batch.get().redispatches() == 0) {
                policy.roundTrip(Duration.between(batch.get().lastPublished(), answered.at()));
            }
            RecordSummary summary = answered.summary();
            if (summary.status() == RecordSummary.Status.UNKNOWN_BATCH
                    || summary.status() == RecordSummary.Status.MISMATCH) {
                rejected++;
                monitor.resultRejected();
                monitor.note(summary.detail());
            } else {
                monitor.resultRecorded(summary);
            }
        } else if (event instanceof Parked parked) {
            outstanding.remove(parked.batchId());
            ParkOutcome outcome = parked.outcome();
            if (outcome.split()) {
                monitor.note("batch " + parked.batchId() + " parked: " + parked.reason() + "; sending its "
                        + outcome.retries().size() + " image(s) again one per batch, to give up on only the one"
                        + " that fails");
                publish(outcome.retries(), false);
            } else {
                monitor.note("batch " + parked.batchId() + " parked: " + parked.reason() + " (" + outcome.failed()
                        + " image(s) failed)");
            }
        } else if (event instanceof Rejected r) {
            rejected++;
            monitor.resultRejected();
            monitor.note(r.reason());
        }
    }

    private final class Listener implements DispatchListener {

        @Override
        public void onResult(ResultMessage result) {
            try {
                RecordSummary summary = recorder.record(result);
                events.add(new Answered(result.batchId(), summary, clock.instant()));
            } catch (RejectedResultException e) {
                log.warn(e.getMessage());
                events.add(new Rejected(e.getMessage()));
            }
        }

        @Override
        public void onResults(List<ResultMessage> results) {
            List<RecordSummary> summaries = recorder.recordAll(results);
            Instant now = clock.instant();
            for (int i = 0; i < results.size(); i++) {
                events.add(new Answered(results.get(i).batchId(), summaries.get(i), now));
            }
        }

        @Override
        public void onParked(String batchId, String reason) {
            if (batchId == null) {
                events.add(new Rejected("a message that is not a batch was parked: " + reason));
                return;
            }
            events.add(new Parked(batchId, reason, store.parkBatch(batchId, reason)));
        }

        @Override
        public void onRejected(String reason) {
            log.warn(reason);
            events.add(new Rejected(reason));
        }
    }

    // ---------------------------------------------------------------- progress

    private void notes(Staging staging) {
        for (String line : staging.takeNotes()) {
            monitor.note(line);
        }
    }

    private void tick() {
        Instant now = clock.instant();
        if (Duration.between(lastProgress, now).compareTo(progressEvery) >= 0) {
            lastProgress = now;
            List<WorkerStatus> workers = dispatcher.workers();
            noteWorkers(workers);
            long start = System.nanoTime();
            ScanCounts counts = store.counts(scan.id());
            Duration cost = Duration.ofNanos(System.nanoTime() - start).multipliedBy(PROGRESS_COST_FACTOR);
            progressEvery = cost.compareTo(settings.progressEvery()) > 0 ? cost : settings.progressEvery();
            monitor.progress(counts, workers);
        }
        if (settings.noWorkerHint() != null && !hinted && dispatcher.workers().isEmpty()
                && Duration.between(started, now).compareTo(settings.noWorkerHint()) >= 0) {
            hinted = true;
            monitor.note("no worker has sent a heartbeat for " + seconds(settings.noWorkerHint()) + "; the scan"
                    + " waits for workers: start one with ./facesweep worker --broker AMQP_URL --model DIR");
        }
    }

    private void noteWorkers(List<WorkerStatus> workers) {
        for (WorkerStatus worker : workers) {
            String state = worker.live() ? "live" : "gone";
            String before = workersSeen.put(worker.workerId(), state);
            if (state.equals(before)) {
                continue;
            }
            if (worker.live()) {
                monitor.note("worker " + worker.workerId() + " on " + worker.host() + " (" + worker.provider()
                        + (worker.provider().equals(worker.configuredProvider()) ? ""
                                : ", configured " + worker.configuredProvider())
                        + ", " + worker.device() + ") is working");
                if (!worker.modelId().equals(scan.modelId())) {
                    monitor.note("worker " + worker.workerId() + " runs model " + worker.modelId() + ", but this"
                            + " scan needs " + scan.modelId() + ": it cannot take these batches");
                }
            } else {
                monitor.note("worker " + worker.workerId() + " has not sent a heartbeat since "
                        + worker.lastSeen() + "; its batches come back to the queue if it died");
            }
        }
    }

    private static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
