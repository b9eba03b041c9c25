package dev.facesweep.coordinator.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.facesweep.coordinator.dispatch.DispatchListener;
import dev.facesweep.coordinator.dispatch.Dispatcher;
import dev.facesweep.coordinator.dispatch.EmbeddedDispatcher;
import dev.facesweep.coordinator.dispatch.RedispatchPolicy;
import dev.facesweep.coordinator.dispatch.WorkerStatus;
import dev.facesweep.coordinator.results.FakeHandler;
import dev.facesweep.coordinator.results.PromptScoring;
import dev.facesweep.coordinator.results.ResultRecorder;
import dev.facesweep.coordinator.results.TestScoring;
import dev.facesweep.coordinator.store.BatchState;
import dev.facesweep.coordinator.store.ClaimedBatch;
import dev.facesweep.coordinator.store.ImageRecord;
import dev.facesweep.coordinator.store.ImageState;
import dev.facesweep.coordinator.store.ScanInfo;
import dev.facesweep.coordinator.store.ScanStore;
import dev.facesweep.coordinator.testing.SettableClock;
import dev.facesweep.corpus.ContentHash;
import dev.facesweep.corpus.CorpusWalk;
import dev.facesweep.protocol.BatchImage;
import dev.facesweep.protocol.BatchMessage;
import dev.facesweep.protocol.ImageResult;
import dev.facesweep.protocol.ResultMessage;
import dev.facesweep.protocol.Topology;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The scan loop with in-process fake workers and a clock the test moves. */
@Timeout(60)
class ScanRunTest {

    private static final Instant START = Instant.parse("2025-03-01T10:00:00Z");

    @TempDir
    Path tmp;

    private final SettableClock clock = new SettableClock(START);
    private final ExecutorService background = Executors.newCachedThreadPool();
    private ScanStore store;
    private Path root;

    @BeforeEach
    void open() throws Exception {
        store = ScanStore.sqlite(tmp.resolve("state"), clock);
        root = tmp.resolve("corpus");
        for (int i = 0; i < 30; i++) {
            image("set_" + (i % 3) + "/faces/img_" + String.format("%02d", i) + ".png", "image " + i);
        }
    }

    @AfterEach
    void close() {
        background.shutdownNow();
        store.close();
    }

    private Path image(String relative, String content) throws Exception {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return file;
    }

    private static String sha(String content) {
        return ContentHash.sha256(content.getBytes(StandardCharsets.UTF_8));
    }

    private ScanSettings settings() {
        return ScanSettings.defaults().withBatchSize(4).withStageChunk(7).withTick(Duration.ofMillis(20))
                .withNoWorkerHint(null);
    }

    /** Runs one scan the way the command does (open or resume, stage, dispatch). */
    private ScanOutcome scan(Dispatcher dispatcher, PromptScoring scoring, ScanSettings settings) throws Exception {
        ScanSetup.Opened opened = ScanSetup.openOrResume(store, root.toAbsolutePath().normalize(), scoring,
                PromptSetJson.write(scoring.promptSet()));
        try (Staging staging = new Staging(CorpusWalk.open(root), opened.known(), 2, 16)) {
            return new ScanRun(store, dispatcher, new ResultRecorder(store, scoring), settings, clock,
                    ScanMonitor.SILENT).run(opened.scan(), staging, opened.resumed());
        }
    }

    private Map<String, ImageRecord> images(String scanId) {
        Map<String, ImageRecord> out = new java.util.TreeMap<>();
        store.forEachImage(scanId, r -> out.put(r.relativePath(), r));
        return out;
    }

    @Test
    void embeddedScanScoresEveryImageOnceAndARescanReusesThemAll() throws Exception {
        image("set_0/faces/copy_of_0.png", "image 0");
        FakeHandler handler = new FakeHandler("embedded@test");
        PromptScoring scoring = TestScoring.maskAlongX();

        ScanOutcome first;
        try (EmbeddedDispatcher dispatcher = new EmbeddedDispatcher(handler, 3)) {
            first = scan(dispatcher, scoring, settings());
        }

        assertThat(first.counts().total()).isEqualTo(31);
        assertThat(first.counts().scored()).isEqualTo(31);
        assertThat(first.complete()).isTrue();
        assertThat(handler.imageCalls).hasSize(30).allSatisfy((sha, n) -> assertThat(n.get()).isEqualTo(1));
        assertThat(handler.batches).allSatisfy(b -> {
            assertThat(b.images()).hasSizeLessThanOrEqualTo(4);
            assertThat(b.images()).allSatisfy(i -> assertThat(Path.of(i.path())).isAbsolute().exists());
        });
        assertThat(store.scan(first.scanId()).orElseThrow().finishedAt()).isNotNull();
        for (ImageRecord record : images(first.scanId()).values()) {
            float[] e = TestScoring.embeddingOf(record.sha256());
            assertThat(record.scores().get("mask")).as(record.relativePath())
                    .isCloseTo(TestScoring.expectedAlongX(e), within(1e-6));
            assertThat(record.workerId()).isEqualTo("embedded@test");
        }

        FakeHandler second = new FakeHandler("embedded@test");
        ScanOutcome again;
        try (EmbeddedDispatcher dispatcher = new EmbeddedDispatcher(second, 3)) {
            again = scan(dispatcher, scoring, settings());
        }
        assertThat(again.scanId()).isNotEqualTo(first.scanId());
        assertThat(again.resumed()).isFalse();
        assertThat(again.counts().scored()).isZero();
        assertThat(again.counts().reused()).isEqualTo(31);
        assertThat(second.batches).isEmpty();
    }

    @Test
    void changedPromptsAreScoredFromStoredEmbeddingsWithoutAnyWorker() throws Exception {
        try (EmbeddedDispatcher dispatcher = new EmbeddedDispatcher(new FakeHandler("w"), 3)) {
            scan(dispatcher, TestScoring.maskAlongX(), settings());
        }
        FakeHandler idle = new FakeHandler("w");
        ScanOutcome rescored;
        try (EmbeddedDispatcher dispatcher = new EmbeddedDispatcher(idle, 3)) {
            rescored = scan(dispatcher, TestScoring.maskAlongY(), settings());
        }
        assertThat(idle.batches).isEmpty();
        assertThat(rescored.counts().reused()).isEqualTo(30);
        for (ImageRecord record : images(rescored.scanId()).values()) {
            assertThat(record.state()).isEqualTo(ImageState.REUSED);
            assertThat(record.scores().get("mask")).isCloseTo(
                    TestScoring.expectedAlongY(TestScoring.embeddingOf(record.sha256())), within(1e-6));
        }
    }

    @Test
    void aBatchThatCrashesTheWorkerIsTriedThreeTimesThenSplitAndOnlyTheImageThatCrashesAloneIsParked()
            throws Exception {
        FakeHandler handler = new FakeHandler("w");
        handler.poison.add(sha("image 13"));
        handler.unreadable.add(sha("image 5"));
        ScanOutcome outcome;
        try (EmbeddedDispatcher dispatcher = new EmbeddedDispatcher(handler, Topology.DEFAULT_MAX_ATTEMPTS)) {
            outcome = scan(dispatcher, TestScoring.maskAlongX(), settings());
        }
        assertThat(outcome.complete()).isFalse();
        List<BatchMessage> poisoned = handler.batches.stream()
                .filter(b -> b.images().stream().anyMatch(i -> i.id().equals(sha("image 13")))).toList();
        // the full batch three times, then the image alone three times
        assertThat(poisoned).extracting(BatchMessage::attempt).containsExactly(1, 2, 3, 1, 2, 3);
        assertThat(poisoned.get(0).images()).hasSizeGreaterThan(1);
        assertThat(poisoned.subList(3, 6)).allSatisfy(b -> assertThat(b.images()).hasSize(1));
        assertThat(handler.calls(sha("image 13"))).isEqualTo(2 * Topology.DEFAULT_MAX_ATTEMPTS);
        // its neighbours were each sent once more on their own and scored
        for (BatchImage neighbour : poisoned.get(0).images()) {
            if (!neighbour.id().equals(sha("image 13"))) {
                assertThat(handler.batches.stream().filter(b -> b.images().size() == 1
                        && b.images().get(0).id().equals(neighbour.id()))).as(neighbour.path()).hasSize(1);
            }
        }
        assertThat(outcome.counts().parkedBatches()).isEqualTo(1);
        assertThat(outcome.counts().failed()).isEqualTo(2);
        assertThat(outcome.counts().scored()).isEqualTo(28);
        assertThat(outcome.counts().remaining()).isZero();
        Map<String, ImageRecord> records = images(outcome.scanId());
        assertThat(records.get("set_1/faces/img_13.png").error()).contains("parked").contains("the model crashed");
        assertThat(records.get("set_2/faces/img_05.png").error()).isEqualTo("not a PNG image");
    }

    @Test
    void aKilledScanResumesPublishingOnlyWhatWasInFlightAndWhatWasNeverSent() throws Exception {
        PromptScoring scoring = TestScoring.maskAlongX();
        ScanSetup.Opened opened = ScanSetup.openOrResume(store, root.toAbsolutePath().normalize(), scoring,
                PromptSetJson.write(scoring.promptSet()));
        String scanId = opened.scan().id();
        // The killed run: staged everything, one batch answered, two published and lost with the process.
        try (Staging staging = new Staging(CorpusWalk.open(root), KnownHashes.NONE, 1, 4)) {
            store.stage(scanId, staging.next(100).iterator());
        }
        ClaimedBatch answered = store.claimBatch(scanId, 4).orElseThrow();
        store.markPublished(answered.batchId());
        new ResultRecorder(store, scoring).record(resultFor(answered, "old-worker"));
        ClaimedBatch lost1 = store.claimBatch(scanId, 4).orElseThrow();
        store.markPublished(lost1.batchId());
        ClaimedBatch lost2 = store.claimBatch(scanId, 4).orElseThrow();

        FakeHandler handler = new FakeHandler("w");
        ScanOutcome outcome;
        try (EmbeddedDispatcher dispatcher = new EmbeddedDispatcher(handler, 3)) {
            outcome = scan(dispatcher, scoring, settings());
        }

        assertThat(outcome.resumed()).isTrue();
        assertThat(outcome.scanId()).isEqualTo(scanId);
        assertThat(outcome.counts().scored()).isEqualTo(30);
        assertThat(handler.batches.subList(0, 2)).extracting(BatchMessage::batchId)
                .containsExactlyInAnyOrder(lost1.batchId(), lost2.batchId());
        assertThat(handler.batches.stream().filter(b -> b.batchId().equals(lost1.batchId())).findFirst()
                .orElseThrow().attempt()).isEqualTo(2);
        for (ClaimedBatch.Image image : answered.images()) {
            assertThat(handler.calls(image.sha256())).as("answered before the kill").isZero();
        }
        assertThat(handler.imageCalls).hasSize(30 - answered.images().size())
                .allSatisfy((sha, n) -> assertThat(n.get()).isEqualTo(1));
        assertThat(store.batches(scanId, BatchState.DONE)).hasSize(
                1 + (int) handler.batches.stream().map(BatchMessage::batchId).distinct().count());
    }

    @Test
    void aBatchHeldByASlowWorkerIsRedispatchedNearTheEndAndDuplicatesChangeNothing() throws Exception {
        ManualDispatcher dispatcher = new ManualDispatcher(4);
        ScanSettings settings = settings().withRedispatch(new RedispatchPolicy.Settings(3.0,
                Duration.ofSeconds(30), Duration.ofMinutes(10), 2, 64));
        Future<ScanOutcome> run = background.submit(() -> scan(dispatcher, TestScoring.maskAlongX(), settings));

        // The slow worker takes the first batch and sits on it; the fast one answers the rest, newest first.
        BatchMessage held = dispatcher.published.take();
        FakeHandler fast = new FakeHandler("fast");
        List<BatchMessage> answeredOnce = new ArrayList<>();
        int batches = 30 / 4 + 1;
        while (answeredOnce.size() < batches - 1) {
            List<BatchMessage> ready = new ArrayList<>();
            ready.add(dispatcher.published.take());
            dispatcher.published.drainTo(ready);
            clock.advance(Duration.ofSeconds(2));
            java.util.Collections.reverse(ready);
            for (BatchMessage batch : ready) {
                ResultMessage result = fast.handle(batch);
                dispatcher.listener.onResult(result);
                if (answeredOnce.isEmpty()) {
                    dispatcher.listener.onResult(result);
                }
                answeredOnce.add(batch);
            }
        }
        // Only the held batch is out; below the threshold nothing is sent again.
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2))
                .until(() -> dispatcher.published.isEmpty() && !run.isDone());

        clock.advance(Duration.ofSeconds(31));
        BatchMessage again = dispatcher.published.poll(10, TimeUnit.SECONDS);
        assertThat(again).isNotNull();
        assertThat(again.batchId()).isEqualTo(held.batchId());
        assertThat(again.attempt()).isEqualTo(2);
        assertThat(again.images()).isEqualTo(held.images());
        dispatcher.listener.onResult(fast.handle(again));

        ScanOutcome outcome = run.get(10, TimeUnit.SECONDS);
        assertThat(outcome.redispatched()).isEqualTo(1);
        assertThat(outcome.duplicates()).isEqualTo(answeredOnce.get(0).images().size());
        assertThat(outcome.counts().scored()).isEqualTo(30);
        assertThat(outcome.complete()).isTrue();

        // The slow worker's late answer to the held batch is a duplicate too, and changes nothing.
        ResultRecorder recorder = new ResultRecorder(store, TestScoring.maskAlongX());
        assertThat(recorder.record(new FakeHandler("slow").handle(held)).changedNothing()).isTrue();
        assertThat(store.counts(outcome.scanId()).scored()).isEqualTo(30);
    }

    @Test
    void withoutAnyWorkerHeartbeatTheScanSaysHowToStartOneAndKeepsWaiting() throws Exception {
        ManualDispatcher dispatcher = new ManualDispatcher(4);
        List<String> notes = new java.util.concurrent.CopyOnWriteArrayList<>();
        ScanMonitor monitor = new ScanMonitor() {
            @Override
            public void note(String line) {
                notes.add(line);
            }

            @Override
            public void progress(dev.facesweep.coordinator.store.ScanCounts counts, List<WorkerStatus> workers) {
            }
        };
        PromptScoring scoring = TestScoring.maskAlongX();
        ScanSetup.Opened opened = ScanSetup.openOrResume(store, root.toAbsolutePath().normalize(), scoring,
                PromptSetJson.write(scoring.promptSet()));
        Staging staging = new Staging(CorpusWalk.open(root), opened.known(), 1, 4);
        Future<ScanOutcome> run = background.submit(() -> new ScanRun(store, dispatcher,
                new ResultRecorder(store, scoring), settings().withNoWorkerHint(Duration.ofSeconds(30)), clock,
                monitor).run(opened.scan(), staging, false));
        await().atMost(Duration.ofSeconds(5)).until(() -> dispatcher.published.size() == 4);
        await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(1))
                .until(() -> notes.stream().noneMatch(n -> n.contains("heartbeat")));

        clock.advance(Duration.ofSeconds(30));

        await().atMost(Duration.ofSeconds(5)).until(() -> notes.stream().anyMatch(n -> n.contains("no worker has"
                + " sent a heartbeat") && n.contains("./facesweep worker --broker")));
        assertThat(run.isDone()).isFalse();
        assertThat(dispatcher.published).hasSize(4);
        run.cancel(true);
        staging.close();
    }

    private static ResultMessage resultFor(ClaimedBatch batch, String worker) {
        List<ImageResult> results = batch.images().stream()
                .map(i -> ImageResult.scored(i.sha256(), TestScoring.embeddingOf(i.sha256()), Map.of())).toList();
        return new ResultMessage(batch.scanId(), batch.batchId(), worker, batch.modelId(), batch.promptHash(),
                results, new ResultMessage.Timings(0, 0, 0));
    }

    /** A transport the test drives by hand: it sees each publish and answers through the listener itself. */
    static final class ManualDispatcher implements Dispatcher {
        final BlockingQueue<BatchMessage> published = new LinkedBlockingQueue<>();
        final int capacity;
        volatile DispatchListener listener;

        ManualDispatcher(int capacity) {
            this.capacity = capacity;
        }

        @Override
        public void start(DispatchListener l) {
            this.listener = l;
        }

        @Override
        public int capacity() {
            return capacity;
        }

        @Override
        public void publish(List<BatchMessage> batches) {
            published.addAll(batches);
        }

        @Override
        public List<WorkerStatus> workers() {
            return List.of();
        }

        @Override
        public String description() {
            return "manual";
        }

        @Override
        public void close() {
        }
    }
}
