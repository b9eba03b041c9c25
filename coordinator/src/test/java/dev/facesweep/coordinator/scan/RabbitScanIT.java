package dev.facesweep.coordinator.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.facesweep.coordinator.dispatch.RedispatchPolicy;
import dev.facesweep.coordinator.rabbit.BrokerSettings;
import dev.facesweep.coordinator.rabbit.QueueNames;
import dev.facesweep.coordinator.rabbit.RabbitDispatcher;
import dev.facesweep.coordinator.results.FakeHandler;
import dev.facesweep.coordinator.results.PromptScoring;
import dev.facesweep.coordinator.results.ResultRecorder;
import dev.facesweep.coordinator.results.TestScoring;
import dev.facesweep.coordinator.store.ImageRecord;
import dev.facesweep.coordinator.store.ImageState;
import dev.facesweep.coordinator.store.ScanStore;
import dev.facesweep.coordinator.testing.SettableClock;
import dev.facesweep.corpus.ContentHash;
import dev.facesweep.corpus.CorpusWalk;
import dev.facesweep.protocol.BatchImage;
import dev.facesweep.protocol.BatchMessage;
import dev.facesweep.protocol.ResultMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator against a real RabbitMQ, with the test playing the workers (real worker processes are tested
 * across modules): confirms, manual acks, heartbeats, parking, duplicate and out-of-order results, malformed
 * results, inline images, and re-dispatch of a batch a slow worker holds.
 */
@Timeout(120)
class RabbitScanIT {

    private static final int IMAGES = 30;

    @TempDir
    Path tmp;

    private final ExecutorService background = Executors.newCachedThreadPool();
    private final List<AutoCloseable> closeLater = new ArrayList<>();
    private QueueNames names;
    private Path root;
    private ScanStore store;
    private RabbitDispatcher dispatcher;

    @BeforeEach
    void setUp() throws Exception {
        TestBroker.connect("facesweep-it-probe").close();
        names = TestBroker.uniqueNames();
        root = tmp.resolve("corpus");
        for (int i = 0; i < IMAGES; i++) {
            Path file = root.resolve("set_" + (i % 3) + "/faces/img_" + String.format("%02d", i) + ".png");
            Files.createDirectories(file.getParent());
            Files.writeString(file, "image " + i);
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeLater.size() - 1; i >= 0; i--) {
            closeLater.get(i).close();
        }
        background.shutdownNow();
        if (store != null) {
            store.close();
        }
        TestBroker.delete(names);
    }

    private static String sha(String content) {
        return ContentHash.sha256(content.getBytes(StandardCharsets.UTF_8));
    }

    private Future<ScanOutcome> startScan(Clock clock, ScanSettings settings) throws Exception {
        store = ScanStore.sqlite(tmp.resolve("state"), clock);
        PromptScoring scoring = TestScoring.maskAlongX();
        dispatcher = RabbitDispatcher.connect(BrokerSettings.defaults(TestBroker.URL)
                .withNames(names), clock);
        closeLater.add(dispatcher);
        ScanSetup.Opened opened = ScanSetup.openOrResume(store, root.toAbsolutePath().normalize(), scoring,
                PromptSetJson.write(scoring.promptSet()));
        Staging staging = new Staging(CorpusWalk.open(root), opened.known(), 2, 16);
        closeLater.add(staging);
        ScanRun run = new ScanRun(store, dispatcher, new ResultRecorder(store, scoring), settings, clock,
                ScanMonitor.SILENT);
        return background.submit(() -> run.run(opened.scan(), staging, opened.resumed()));
    }

    private static ScanSettings settings() {
        return ScanSettings.defaults().withBatchSize(4).withStageChunk(8).withTick(Duration.ofMillis(20))
                .withNoWorkerHint(null);
    }

    @Test
    void aScanThroughRabbitMqSurvivesDuplicateOutOfOrderMalformedAndParkedResults() throws Exception {
        FakeHandler handler = new FakeHandler("worker-1");
        String poison = sha("image 17");
        List<ResultMessage> held = new ArrayList<>();
        AtomicInteger answered = new AtomicInteger();
        TestWorker worker = new TestWorker("worker-1", names, handler, 4, (w, batch, tag) -> {
            for (BatchImage image : batch.images()) {
                assertThat(image.data()).as("inline bytes").isNotNull();
                assertThat(ContentHash.sha256(image.data())).isEqualTo(image.id());
                assertThat(Path.of(image.path())).isAbsolute().startsWith(root.toAbsolutePath());
            }
            if (batch.images().stream().anyMatch(i -> i.id().equals(poison))) {
                w.park(batch, "crashed the worker 3 times");
                w.ack(tag);
                return;
            }
            ResultMessage result = w.answer(batch);
            if (held.size() < 2 && answered.get() == 0) {
                held.add(result);                       // answered later, after newer batches
            } else {
                w.publishResult(result);
                if (answered.incrementAndGet() == 1) {
                    w.publishResult(result);            // a duplicate delivery
                    w.publishRawResult("{\"schema\": 1, \"type\": \"result\", \"batch\": 7}"
                            .getBytes(StandardCharsets.UTF_8));
                }
                if (answered.get() == 2) {
                    for (int i = held.size() - 1; i >= 0; i--) {
                        w.publishResult(held.get(i));
                    }
                }
            }
            w.ack(tag);
        });
        closeLater.add(worker);

        ScanOutcome outcome = startScan(Clock.systemUTC(), settings().withInline(true)).get(60, TimeUnit.SECONDS);

        // the poison's batch was parked with its neighbours, split, and only the poison parked again alone
        List<BatchMessage> withPoison = worker.received.stream()
                .filter(b -> b.images().stream().anyMatch(i -> i.id().equals(poison))).toList();
        assertThat(withPoison).hasSize(2);
        assertThat(withPoison.get(0).images()).hasSizeGreaterThan(1);
        assertThat(withPoison.get(1).images()).singleElement().extracting(BatchImage::id).isEqualTo(poison);
        assertThat(outcome.counts().total()).isEqualTo(IMAGES);
        assertThat(outcome.counts().parkedBatches()).isEqualTo(1);
        assertThat(outcome.counts().failed()).isEqualTo(1);
        assertThat(outcome.counts().scored()).isEqualTo(IMAGES - 1);
        assertThat(outcome.counts().remaining()).isZero();
        assertThat(outcome.duplicates()).isGreaterThanOrEqualTo(1);
        assertThat(outcome.rejected()).isGreaterThanOrEqualTo(1);
        assertThat(handler.imageCalls).allSatisfy((id, n) -> assertThat(n.get()).as(id).isEqualTo(1));
        Map<String, ImageRecord> records = new HashMap<>();
        store.forEachImage(outcome.scanId(), r -> records.put(r.relativePath(), r));
        for (ImageRecord record : records.values()) {
            boolean inParked = record.sha256().equals(poison);
            assertThat(record.state()).as(record.relativePath())
                    .isEqualTo(inParked ? ImageState.FAILED : ImageState.SCORED);
            if (inParked) {
                assertThat(record.error()).contains("crashed the worker 3 times").contains("worker-1");
            } else {
                assertThat(record.scores().get("mask")).isEqualTo(
                        TestScoring.expectedAlongX(TestScoring.embeddingOf(record.sha256())), org.assertj.core.api
                                .Assertions.within(1e-6));
            }
        }
    }

    @Test
    void aBatchASlowWorkerHoldsIsRedispatchedNearTheEndAndTheLateCopyChangesNothing() throws Exception {
        SettableClock clock = new SettableClock(Instant.parse("2025-03-01T10:00:00Z"));
        List<Long> slowTags = new ArrayList<>();
        TestWorker slow = new TestWorker("slow", names, new FakeHandler("slow"), 1,
                (w, batch, tag) -> slowTags.add(tag));   // takes one batch and never answers
        closeLater.add(slow);
        FakeHandler fastHandler = new FakeHandler("fast");
        Future<ScanOutcome> run = startScan(clock, settings().withRedispatch(new RedispatchPolicy.Settings(3.0,
                Duration.ofSeconds(30), Duration.ofMinutes(10), 2, 64)));
        await().atMost(Duration.ofSeconds(20)).until(() -> slow.received.size() == 1);
        TestWorker fast = new TestWorker("fast", names, fastHandler, 2, (w, batch, tag) -> {
            clock.advance(Duration.ofSeconds(1));
            w.publishResult(w.answer(batch));
            w.ack(tag);
        });
        closeLater.add(fast);
        BatchMessage held = slow.received.get(0);

        // Everything but the held batch gets answered; below the threshold it is not sent again.
        await().atMost(Duration.ofSeconds(30)).until(() -> store.counts(held.scanId()).scored()
                == IMAGES - held.images().size());
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> fast.received.stream().noneMatch(b -> b.batchId().equals(held.batchId())));

        clock.advance(Duration.ofSeconds(45));
        ScanOutcome outcome = run.get(30, TimeUnit.SECONDS);

        assertThat(outcome.redispatched()).isEqualTo(1);
        assertThat(fast.received).filteredOn(b -> b.batchId().equals(held.batchId()))
                .singleElement().extracting(BatchMessage::attempt).isEqualTo(2);
        assertThat(outcome.counts().scored()).isEqualTo(IMAGES);
        assertThat(outcome.complete()).isTrue();

        // The slow worker finally answers its copy: a duplicate, nothing changes.
        slow.publishResult(slow.answer(held));
        slow.ack(slowTags.get(0));
        ResultRecorder recorder = new ResultRecorder(store, TestScoring.maskAlongX());
        assertThat(recorder.record(slow.answer(held)).changedNothing()).isTrue();
        assertThat(store.counts(outcome.scanId()).scored()).isEqualTo(IMAGES);
    }

    @Test
    void theCoordinatorReconnectsWhenTheBrokerDropsItsConnectionMidScan() throws Exception {
        java.util.concurrent.Semaphore permits = new java.util.concurrent.Semaphore(3);
        FakeHandler handler = new FakeHandler("worker-1");
        TestWorker worker = new TestWorker("worker-1", names, handler, 2, (w, batch, tag) -> {
            permits.acquireUninterruptibly();
            w.publishResult(w.answer(batch));
            w.ack(tag);
        });
        closeLater.add(worker);
        Future<ScanOutcome> run = startScan(Clock.systemUTC(), settings());
        await().atMost(Duration.ofSeconds(20)).until(() -> permits.availablePermits() == 0
                && worker.received.size() >= 4);

        BrokerControl.closeConnection("facesweep-coordinator " + names.batches());
        permits.release(1000);

        ScanOutcome outcome = run.get(90, TimeUnit.SECONDS);
        assertThat(dispatcher.recoveries()).isEqualTo(1);
        assertThat(outcome.counts().scored()).isEqualTo(IMAGES);
        assertThat(handler.imageCalls).hasSize(IMAGES);
        assertThat(outcome.complete()).isTrue();
    }
}
