package dev.facesweep.worker.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.GetResponse;
import dev.facesweep.corpus.ContentHash;
import dev.facesweep.imaging.DecodeLimits;
import dev.facesweep.model.ClipModel;
import dev.facesweep.model.CpuSessionConfigurer;
import dev.facesweep.model.ModelBundle;
import dev.facesweep.protocol.BatchImage;
import dev.facesweep.protocol.BatchMessage;
import dev.facesweep.protocol.Heartbeat;
import dev.facesweep.protocol.ImageResult;
import dev.facesweep.protocol.ResultMessage;
import dev.facesweep.protocol.Topology;
import dev.facesweep.scoring.ClipScorer;
import dev.facesweep.scoring.ImageInput;
import dev.facesweep.scoring.ImageScore;
import dev.facesweep.scoring.PromptSet;
import dev.facesweep.testing.Fixtures;
import dev.facesweep.testing.ScoringReference;
import dev.facesweep.worker.BatchHandler;
import dev.facesweep.worker.BatchScoringHandler;
import dev.facesweep.worker.PathMapping;
import dev.facesweep.worker.PathPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The RabbitMQ transport against a real broker, with the real tiny model. */
class AmqpWorkerIT {

    private static final Heartbeat.Tuning TUNING = new Heartbeat.Tuning(2, 1, "cpu defaults for 2 cores");
    private static final ScoringReference REF = ScoringReference.load();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path tmp;

    private static Path corpus;
    private static ClipModel model;
    private static ClipScorer scorer;
    private static BatchScoringHandler scoring;

    private TestQueues queues;
    private final List<AmqpWorker> workers = new ArrayList<>();

    @BeforeAll
    static void open() throws Exception {
        corpus = Files.createDirectories(tmp.resolve("corpus"));
        for (String name : REF.imageNames()) {
            Files.copy(Fixtures.clipTinyImages().resolve(name), corpus.resolve(name));
        }
        model = ClipModel.open(ModelBundle.load(Fixtures.clipTinyModel()), new CpuSessionConfigurer(0, 4));
        scorer = ClipScorer.create(model, PromptSet.load(ScoringReference.promptsFile()), DecodeLimits.defaults());
        scoring = BatchScoringHandler.create(model, PathPolicy.restricted(
                List.of(new PathMapping("/srv/corpus/", corpus + "/")), List.of(corpus)), "it-worker", 2);
    }

    @AfterAll
    static void close() {
        scoring.close();
        model.close();
    }

    @BeforeEach
    void topology() throws Exception {
        queues = new TestQueues(TestBroker.get());
    }

    @AfterEach
    void cleanUp() throws Exception {
        workers.forEach(AmqpWorker::stop);
        queues.close();
    }

    /** Counts what the worker reports. */
    static final class Recorded implements WorkerEvents {
        final AtomicInteger scored = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger retried = new AtomicInteger();
        final AtomicInteger parked = new AtomicInteger();
        final AtomicInteger refused = new AtomicInteger();
        final Map<BatchStage, AtomicInteger> stages = Map.of(BatchStage.DECODE, new AtomicInteger(),
                BatchStage.PREPROCESS, new AtomicInteger(), BatchStage.INFER, new AtomicInteger(),
                BatchStage.PUBLISH, new AtomicInteger());

        @Override
        public void imagesScored(int ok, int bad) {
            scored.addAndGet(ok);
            failed.addAndGet(bad);
        }

        @Override
        public void stage(BatchStage stage, Duration time) {
            stages.get(stage).incrementAndGet();
        }

        @Override
        public void batchRetried() {
            retried.incrementAndGet();
        }

        @Override
        public void batchParked() {
            parked.incrementAndGet();
        }

        @Override
        public void resultRefused() {
            refused.incrementAndGet();
        }
    }

    private AmqpWorker start(BatchHandler handler, int prefetch, int maxBytes, WorkerEvents events) {
        AmqpWorker worker = new AmqpWorker(queues.settings(prefetch, maxBytes), handler,
                new WorkerIdentity("it-worker", "test-host", "CPU", "CPU", "cpu", handler.modelId(), 4, TUNING), events,
                Clock.systemUTC());
        workers.add(worker);
        worker.start();
        await().atMost(WAIT).until(() -> worker.status().connected());
        return worker;
    }

    private AmqpWorker start(BatchHandler handler) {
        return start(handler, 2, 1 << 20, WorkerEvents.NONE);
    }

    private static BatchImage staged(String name) throws Exception {
        return new BatchImage(new ContentHash().sha256(corpus.resolve(name)), "/srv/corpus/" + name);
    }

    private static BatchMessage batch(String id, List<BatchImage> images) {
        return new BatchMessage("scan-it", id, scoring.modelId(), "prompt-hash", 1, images);
    }

    private List<ResultMessage> awaitResults(int count) {
        List<ResultMessage> results = new CopyOnWriteArrayList<>();
        await().atMost(WAIT).until(() -> {
            for (GetResponse r : queues.drain(queues.names.results())) {
                results.add(queues.codec.decodeResult(r.getBody()));
            }
            return results.size() >= count;
        });
        return results;
    }

    private List<GetResponse> awaitParked(int count) {
        List<GetResponse> parked = new CopyOnWriteArrayList<>();
        await().atMost(WAIT).until(() -> {
            parked.addAll(queues.drain(queues.names.parked()));
            return parked.size() >= count;
        });
        return parked;
    }

    private static String reason(GetResponse r) {
        return r.getProps().getHeaders().get(Topology.HEADER_PARK_REASON).toString();
    }

    @Test
    void aBatchInGivesAResultOutWithClipScorersEmbeddingsAndHeartbeats() throws Exception {
        String heartbeatQueue = queues.channel().queueDeclare().getQueue();
        queues.channel().exchangeDeclare(queues.names.heartbeats(), "fanout", true);
        queues.channel().queueBind(heartbeatQueue, queues.names.heartbeats(), "");
        Recorded events = new Recorded();
        AmqpWorker worker = start(scoring, 2, 1 << 20, events);
        List<BatchImage> images = new ArrayList<>();
        for (String name : REF.imageNames()) {
            images.add(staged(name));
        }
        images.add(new BatchImage("0".repeat(64), "/srv/corpus/missing.png"));

        queues.publish(batch("b-1", images));

        ResultMessage result = awaitResults(1).get(0);
        assertThat(result.batchId()).isEqualTo("b-1");
        assertThat(result.workerId()).isEqualTo("it-worker");
        List<ImageScore> expected = scorer.score(REF.imageNames().stream()
                .map(n -> ImageInput.of(corpus.resolve(n))).toList());
        for (int i = 0; i < expected.size(); i++) {
            ImageResult r = result.results().get(i);
            assertThat(r.id()).isEqualTo(images.get(i).id());
            assertThat(r.embedding()).as(REF.imageNames().get(i)).containsExactly(expected.get(i).embedding(),
                    within(1e-6f));
        }
        assertThat(result.results().get(expected.size()).error()).isEqualTo("file not found: /srv/corpus/missing.png");
        await().atMost(WAIT).until(() -> worker.status().inFlight() == 0 && events.scored.get() == 15);
        assertThat(events.failed.get()).isEqualTo(1);
        assertThat(events.stages.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThat(queues.depth(queues.names.batches())).isZero();
        assertThat(worker.status().batchesDone()).isEqualTo(1);

        List<Heartbeat> beats = new CopyOnWriteArrayList<>();
        await().atMost(WAIT).until(() -> {
            GetResponse r = queues.take(heartbeatQueue);
            if (r != null) {
                beats.add(queues.codec.decodeHeartbeat(r.getBody()));
            }
            return beats.stream().anyMatch(b -> b.imagesPerSecond() > 0);
        });
        Heartbeat beat = beats.get(beats.size() - 1);
        assertThat(beat.workerId()).isEqualTo("it-worker");
        assertThat(beat.provider()).isEqualTo("CPU");
        assertThat(beat.modelId()).isEqualTo(scoring.modelId());
        assertThat(beat.batchSize()).isEqualTo(4);
        assertThat(beat.tuning()).isEqualTo(TUNING);
    }

    @Test
    void malformedOversizedAndWrongSchemaMessagesAreParkedWithAReasonAndTheWorkerGoesOn() throws Exception {
        Recorded events = new Recorded();
        start(scoring, 2, 4096, events);
        String good = new String(queues.codec.encode(batch("b-ok", List.of(staged(REF.imageNames().get(0))))),
                StandardCharsets.UTF_8);

        queues.publishRaw("this is not json".getBytes(StandardCharsets.UTF_8));
        queues.publishRaw(good.replace("\"schema\":1", "\"schema\":2").getBytes(StandardCharsets.UTF_8));
        queues.publishRaw(good.replace("\"model\":", "\"modell\":").getBytes(StandardCharsets.UTF_8));
        queues.publishRaw(("{\"pad\":\"" + "x".repeat(5000) + "\"}").getBytes(StandardCharsets.UTF_8));
        queues.publish(new BatchMessage("scan-it", "b-other", "ViT-X/other@000000000000", "h", 1,
                List.of(staged(REF.imageNames().get(0)))));
        queues.publishRaw(good.getBytes(StandardCharsets.UTF_8));

        List<GetResponse> parked = awaitParked(5);
        assertThat(parked).extracting(AmqpWorkerIT::reason).satisfiesExactly(
                r -> assertThat(r).startsWith("batch message is not valid JSON"),
                r -> assertThat(r).contains("has schema version 2, this build reads only 1"),
                r -> assertThat(r).isEqualTo("batch message: missing field model"),
                r -> assertThat(r).startsWith("batch message is 5010 bytes, over the limit of 4096 bytes"),
                r -> assertThat(r).startsWith("batch b-other is for model ViT-X/other@000000000000 but this worker "
                        + "runs " + scoring.modelId()));
        assertThat(new String(parked.get(0).getBody(), StandardCharsets.UTF_8)).isEqualTo("this is not json");
        assertThat(parked).allSatisfy(r -> assertThat(r.getProps().getHeaders().get(Topology.HEADER_PARKED_BY)
                .toString()).isEqualTo("it-worker"));
        assertThat(awaitResults(1)).extracting(ResultMessage::batchId).containsExactly("b-ok");
        assertThat(events.parked.get()).isEqualTo(5);
    }

    @Test
    void aBatchWhoseHandlerFailsEveryTimeIsParkedAfterMaxAttempts() throws Exception {
        String poison = staged(REF.imageNames().get(5)).id();
        AtomicInteger tries = new AtomicInteger();
        BatchHandler failing = new BatchHandler() {
            @Override
            public String modelId() {
                return scoring.modelId();
            }

            @Override
            public ResultMessage handle(BatchMessage b) {
                if (b.images().stream().anyMatch(i -> i.id().equals(poison))) {
                    tries.incrementAndGet();
                    throw new IllegalStateException("model crashed\non this batch");
                }
                return scoring.handle(b);
            }
        };
        Recorded events = new Recorded();
        start(failing, 2, 1 << 20, events);

        queues.publish(batch("b-poison", List.of(staged(REF.imageNames().get(5)))));
        queues.publish(batch("b-fine", List.of(staged(REF.imageNames().get(6)))));

        GetResponse parked = awaitParked(1).get(0);
        assertThat(reason(parked)).isEqualTo("attempt 3 failed: model crashed on this batch; parked after 3 "
                + "attempts");
        BatchMessage body = queues.codec.decodeBatch(parked.getBody());
        assertThat(body.batchId()).isEqualTo("b-poison");
        assertThat(body.attempt()).isEqualTo(3);
        assertThat(tries.get()).isEqualTo(3);
        assertThat(events.retried.get()).isEqualTo(2);
        assertThat(awaitResults(1)).extracting(ResultMessage::batchId).containsExactly("b-fine");
        await().atMost(WAIT).until(() -> queues.depth(queues.names.batches()) == 0);
    }

    @Test
    void aBatchOverTheTimeLimitMakesTheWorkerGiveUpOnItselfOnceNamingTheBatch() throws Exception {
        String hanging = staged(REF.imageNames().get(8)).id();
        CountDownLatch release = new CountDownLatch(1);
        BatchHandler slowOnOne = new BatchHandler() {
            @Override
            public String modelId() {
                return scoring.modelId();
            }

            @Override
            public ResultMessage handle(BatchMessage b) {
                if (b.images().stream().anyMatch(i -> i.id().equals(hanging))) {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return scoring.handle(b);
            }
        };
        List<String> hangs = new CopyOnWriteArrayList<>();
        AmqpWorker worker = new AmqpWorker(queues.settings(1, 1 << 20, Duration.ofMillis(1500)), slowOnOne,
                new WorkerIdentity("it-worker", "test-host", "CPU", "CPU", "cpu", scoring.modelId(), 4, TUNING),
                WorkerEvents.NONE, Clock.systemUTC(), hangs::add);
        workers.add(worker);
        worker.start();
        await().atMost(WAIT).until(() -> worker.status().connected());

        // batches within the limit: nothing happens
        queues.publish(batch("b-quick", List.of(staged(REF.imageNames().get(9)))));
        assertThat(awaitResults(1)).extracting(ResultMessage::batchId).containsExactly("b-quick");
        queues.publish(batch("b-hangs", List.of(staged(REF.imageNames().get(8)))));
        await().atMost(WAIT).until(() -> !hangs.isEmpty());

        assertThat(hangs.get(0)).contains("batch b-hangs has been in the model for").contains("limit of 1500 ms")
                .contains("facesweep.worker.batch-timeout").doesNotContain("\n");
        Thread.sleep(1000);
        assertThat(hangs).as("reported once").hasSize(1);
        release.countDown();
        assertThat(awaitResults(1)).extracting(ResultMessage::batchId).containsExactly("b-hangs");
    }

    @Test
    void theModelStartsOnTheNextBatchWhileTheLastResultIsStillBeingPublished() throws Exception {
        CountDownLatch secondInModel = new CountDownLatch(1);
        AtomicInteger inModel = new AtomicInteger();
        BatchHandler counting = new BatchHandler() {
            @Override
            public String modelId() {
                return scoring.modelId();
            }

            @Override
            public ResultMessage handle(BatchMessage b) {
                if (inModel.incrementAndGet() == 2) {
                    secondInModel.countDown();
                }
                return scoring.handle(b);
            }
        };
        // the first batch's publishing does not end until the model has the second batch (or 10 s passed): were
        // publishing on the model's thread, the second batch could not start
        List<Boolean> overlapped = new CopyOnWriteArrayList<>();
        WorkerEvents holdFirstPublish = new WorkerEvents() {
            @Override
            public void batchDone(long epochMillis) {
                if (overlapped.isEmpty()) {
                    try {
                        overlapped.add(secondInModel.await(10, TimeUnit.SECONDS));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        start(counting, 2, 1 << 20, holdFirstPublish);

        queues.publish(batch("b-first", List.of(staged(REF.imageNames().get(1)))));
        queues.publish(batch("b-second", List.of(staged(REF.imageNames().get(2)))));

        assertThat(awaitResults(2)).extracting(ResultMessage::batchId)
                .containsExactlyInAnyOrder("b-first", "b-second");
        assertThat(overlapped).containsExactly(true);
    }

    @Test
    void aBatchIsAckedOnlyAfterItsResultIsConfirmed() throws Exception {
        Recorded events = new Recorded();
        AmqpWorker worker = start(scoring, 2, 1 << 20, events);
        // no results queue: the mandatory publish comes back, so the batch must stay
        queues.channel().queueDelete(queues.names.results());

        queues.publish(batch("b-held", List.of(staged(REF.imageNames().get(7)))));

        await().atMost(WAIT).until(() -> events.refused.get() >= 2);
        assertThat(queues.depth(queues.names.batches()) + worker.status().inFlight()).isGreaterThanOrEqualTo(1);
        assertThat(queues.depth(queues.names.parked())).isZero();
        assertThat(events.retried.get()).isZero();

        queues.channel().queueDeclare(queues.names.results(), true, false, false, Topology.durableQueueArguments());

        ResultMessage result = awaitResults(1).get(0);
        assertThat(result.batchId()).isEqualTo("b-held");
        assertThat(result.results().get(0).failed()).isFalse();
        await().atMost(WAIT).until(() -> worker.status().inFlight() == 0);
        assertThat(queues.depth(queues.names.batches())).isZero();
        assertThat(queues.depth(queues.names.parked())).isZero();
    }

    @Test
    void theWorkerReconnectsAfterTheBrokerDropsItsConnectionAndFinishes() throws Exception {
        CountDownLatch inModel = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        BatchHandler slow = new BatchHandler() {
            @Override
            public String modelId() {
                return scoring.modelId();
            }

            @Override
            public ResultMessage handle(BatchMessage b) {
                inModel.countDown();
                try {
                    release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return scoring.handle(b);
            }
        };
        AmqpWorker worker = start(slow);
        queues.publish(batch("b-during-drop", List.of(staged(REF.imageNames().get(8)))));
        assertThat(inModel.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        assertThat(TestBroker.get().closeConnections("facesweep-it-worker " + queues.prefix)).isEqualTo(1);
        await().atMost(WAIT).until(() -> !worker.status().connected());
        release.countDown();
        await().atMost(WAIT).until(() -> worker.status().connected());
        queues.publish(batch("b-after-drop", List.of(staged(REF.imageNames().get(9)))));

        List<ResultMessage> results = awaitResults(2);
        await().atMost(WAIT).until(() -> {
            for (GetResponse r : queues.drain(queues.names.results())) {
                results.add(queues.codec.decodeResult(r.getBody()));
            }
            return queues.depth(queues.names.batches()) == 0 && worker.status().inFlight() == 0
                    && results.stream().map(ResultMessage::batchId).distinct().count() == 2;
        });
        assertThat(results).extracting(ResultMessage::batchId).contains("b-during-drop", "b-after-drop");
        assertThat(results).allSatisfy(r -> assertThat(r.results()).noneMatch(ImageResult::failed));
        assertThat(queues.depth(queues.names.parked())).isZero();
    }

    @Test
    void aGracefulStopFinishesTheBatchesInProgressAndReturnsTheUnstartedOne() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        BatchHandler gated = new BatchHandler() {
            @Override
            public String modelId() {
                return scoring.modelId();
            }

            @Override
            public ResultMessage handle(BatchMessage b) {
                try {
                    release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return scoring.handle(b);
            }
        };
        AmqpWorker worker = start(gated, 4, 1 << 20, WorkerEvents.NONE);
        for (String id : List.of("b-a", "b-b", "b-c", "b-d")) {
            queues.publish(batch(id, List.of(staged(REF.imageNames().get(10)))));
        }
        await().atMost(WAIT).until(() -> worker.status().inFlight() == 4);

        Thread stopper = new Thread(worker::stop);
        stopper.start();
        release.countDown();
        stopper.join(WAIT.toMillis());
        assertThat(stopper.isAlive()).isFalse();

        // a (in the model), b (prepared, waiting) and c (taken by the prepare stage) finish; d goes back untouched
        assertThat(awaitResults(3)).extracting(ResultMessage::batchId).containsExactlyInAnyOrder("b-a", "b-b", "b-c");
        GetResponse back = queues.take(queues.names.batches());
        assertThat(back).isNotNull();
        BatchMessage returned = queues.codec.decodeBatch(back.getBody());
        assertThat(returned.batchId()).isEqualTo("b-d");
        assertThat(returned.attempt()).isEqualTo(1);
        assertThat(queues.depth(queues.names.batches())).isZero();
        assertThat(worker.status().connected()).isFalse();
    }
}
