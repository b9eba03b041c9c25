package dev.facesweep.coordinator.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Connection;
import dev.facesweep.coordinator.cli.Environment;
import dev.facesweep.coordinator.cli.ExitCode;
import dev.facesweep.coordinator.cli.FacesweepCli;
import dev.facesweep.coordinator.rabbit.QueueNames;
import dev.facesweep.coordinator.testing.GeneratedCorpus;
import dev.facesweep.corpus.ContentHash;
import dev.facesweep.testing.Fixtures;
import dev.facesweep.worker.amqp.HangAction;
import dev.facesweep.worker.app.WorkerMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The distributed scan end to end, across modules and processes: the {@code facesweep scan} command (in this JVM,
 * or as its own process when the test kills it), real worker processes ({@link WorkerMain}, or the
 * {@link ScriptedWorkerMain} wrapper around the same transport and model when the test needs to hold, tap or crash
 * a batch), the real tiny CLIP model and a real RabbitMQ. Killing is SIGKILL ({@code destroyForcibly}).
 *
 * <p>Each test uses its own queue-name prefix ({@code FACESWEEP_AMQP_PREFIX}, read by coordinator and workers);
 * the broker-restart test runs on a RabbitMQ node of its own ({@link OwnBroker}).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DistributedScanIT {

    private static final int FACESETS = 6;
    private static final int PER_FACESET = 50;
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration SCAN = Duration.ofSeconds(120);

    @TempDir
    static Path shared;
    private static GeneratedCorpus corpus;

    @TempDir
    Path tmp;

    private String prefix;
    private QueueNames names;
    private String brokerUrl = TestBroker.URL;
    private final List<AutoCloseable> closeLater = new ArrayList<>();
    private final ExecutorService background = Executors.newCachedThreadPool();

    @BeforeAll
    static void generateCorpus() throws Exception {
        corpus = GeneratedCorpus.create(shared.resolve("corpus"), FACESETS, PER_FACESET);
    }

    @BeforeEach
    void ownQueues() {
        TestBroker.connect("facesweep-it-probe").abort();
        prefix = "it-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        names = QueueNames.withPrefix(prefix);
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put(Environment.AMQP_PREFIX, prefix);
        Environment.use(env);
    }

    @AfterEach
    void cleanUp() throws Exception {
        try {
            for (int i = closeLater.size() - 1; i >= 0; i--) {
                closeLater.get(i).close();
            }
        } finally {
            background.shutdownNow();
            Environment.use(null);
            if (brokerUrl.equals(TestBroker.URL)) {
                TestBroker.delete(names);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ the tests

    @Test
    void twoWorkersScoreEveryImageLikeTheScoreCommandAndTheEmbeddedModeDoes() throws Exception {
        Path state = tmp.resolve("state-distributed");
        awaitConnected(realWorker("worker-a", Map.of()), realWorker("worker-b", Map.of()));

        Cli scan = scanInProcess(corpus.root, state);

        assertThat(scan.exitCode()).as(scan.toString()).isEqualTo(ExitCode.OK);
        assertCounts(scan.lastJson(), corpus.images.size(), corpus.images.size(), 0, 0);
        StoreView store = new StoreView(state);
        String scanId = scan.lastJson().get("scan").asString();
        assertEveryImageScoredOnce(store, scanId, corpus.images);
        assertThat(store.images(scanId).values()).extracting(StoreView.Image::workerId)
                .containsOnly("worker-a", "worker-b").contains("worker-a", "worker-b");

        Map<String, Map<String, Double>> reference = scoreCommand(corpus);
        assertSameScores(scores(state), reference);

        Path embeddedState = tmp.resolve("state-embedded");
        Cli embedded = Cli.run("scan", corpus.root.toString(), "--model", model(), "--state", embeddedState.toString(),
                "--json");
        assertThat(embedded.exitCode()).as(embedded.toString()).isEqualTo(ExitCode.OK);
        assertCounts(embedded.lastJson(), corpus.images.size(), corpus.images.size(), 0, 0);
        assertSameScores(scores(embeddedState), reference);
    }

    @Test
    void aWorkerStartedAfterTheCoordinatorTakesTheBatchesWaitingForIt() throws Exception {
        Path state = tmp.resolve("state");
        // no worker and no queues yet (a fresh prefix): the coordinator declares what it needs and publishes
        Future<Cli> running = background.submit(() -> scanInProcess(corpus.root, state));
        await().atMost(START).until(() -> waiting(names.batches()) > 0);
        assertThat(running).isNotDone();

        awaitConnected(realWorker("worker-late", Map.of()));
        Cli scan = running.get(SCAN.toSeconds(), TimeUnit.SECONDS);

        assertThat(scan.exitCode()).as(scan.toString()).isEqualTo(ExitCode.OK);
        assertCounts(scan.lastJson(), corpus.images.size(), corpus.images.size(), 0, 0);
        StoreView store = new StoreView(state);
        String scanId = scan.lastJson().get("scan").asString();
        assertEveryImageScoredOnce(store, scanId, corpus.images);
        assertThat(store.images(scanId).values()).extracting(StoreView.Image::workerId).containsOnly("worker-late");
    }

    /** Messages ready in a queue; 0 while it does not exist. */
    private static long waiting(String queue) {
        try (Connection probe = TestBroker.connect("facesweep-it-probe")) {
            return probe.createChannel().queueDeclarePassive(queue).getMessageCount();
        } catch (Exception e) {
            return 0;
        }
    }

    @Test
    void killingAWorkerInTheMiddleOfABatchLosesNothingAndScoresEveryImageOnce() throws Exception {
        Path state = tmp.resolve("state");
        JavaProcess survivor = realWorker("worker-a", Map.of());
        JavaProcess victim = scriptedWorker("worker-b", Map.of("FACESWEEP_TEST_HOLD_AT", "2"),
                List.of(corpus.root));
        awaitConnected(survivor, victim);

        Future<Cli> running = background.submit(() -> scanInProcess(corpus.root, state));
        String held = batchId(victim.awaitLine(ScriptedWorkerMain.HOLDING, SCAN));
        victim.kill();
        Cli scan = running.get(SCAN.toSeconds(), TimeUnit.SECONDS);

        assertThat(scan.exitCode()).as(scan.toString()).isEqualTo(ExitCode.OK);
        assertCounts(scan.lastJson(), corpus.images.size(), corpus.images.size(), 0, 0);
        StoreView store = new StoreView(state);
        String scanId = scan.lastJson().get("scan").asString();
        assertEveryImageScoredOnce(store, scanId, corpus.images);
        StoreView.Batch batch = store.batches(scanId).get(held);
        assertThat(batch.state()).isEqualTo("done");
        assertThat(batch.workerId()).isEqualTo("worker-a");
        assertThat(survivor.output()).contains("batch " + held + " requeued as attempt 2 of 3");
    }

    @Test
    void aKilledCoordinatorRerunFinishesAndSendsNothingTwiceButWhatWasInFlight() throws Exception {
        Path state = tmp.resolve("state");
        Path tap = tmp.resolve("tap.txt");
        Path release = tmp.resolve("release");
        JavaProcess worker = scriptedWorker("worker-a", Map.of("FACESWEEP_TEST_TAP", tap.toString(),
                "FACESWEEP_TEST_HOLD_AT", "4", "FACESWEEP_TEST_RELEASE", release.toString()), List.of(corpus.root));
        awaitConnected(worker);
        StoreView store = new StoreView(state);

        JavaProcess first = coordinatorProcess("coordinator-1", corpus.root, state);
        worker.awaitLine(ScriptedWorkerMain.HOLDING, SCAN);
        await("the first three batches stored").atMost(START).pollInterval(Duration.ofMillis(100))
                .until(() -> Files.exists(state.resolve("facesweep.db")) && scannedAtLeast(store, 3 * 16));
        first.kill();

        String scanId = store.latestScan();
        Set<String> doneAtKill = store.shas(scanId, "scored");
        Set<String> inFlightAtKill = new HashSet<>();
        for (StoreView.Image image : store.images(scanId).values()) {
            StoreView.Batch batch = image.batchId() == null ? null : store.batches(scanId).get(image.batchId());
            if (batch != null && (batch.state().equals("pending") || batch.state().equals("in_flight"))) {
                inFlightAtKill.add(image.sha256());
            }
        }
        assertThat(doneAtKill).hasSizeGreaterThanOrEqualTo(3 * 16);
        assertThat(inFlightAtKill).isNotEmpty();

        JavaProcess second = coordinatorProcess("coordinator-2", corpus.root, state);
        second.awaitLine("resuming scan " + scanId, START);
        Files.createFile(release);
        int exit = second.awaitExit(SCAN);

        assertThat(exit).as(second.tail()).isEqualTo(ExitCode.OK);
        JsonNode summary = lastJson(second);
        assertThat(summary.get("scan").asString()).isEqualTo(scanId);
        assertCounts(summary, corpus.images.size(), corpus.images.size(), 0, 0);
        assertEveryImageScoredOnce(store, scanId, corpus.images);

        Map<String, Integer> sent = new HashMap<>();
        for (String line : Files.readAllLines(tap)) {
            for (String sha : line.split(" ")[2].split(",")) {
                sent.merge(sha, 1, Integer::sum);
            }
        }
        assertThat(sent.keySet()).containsAll(store.shas(scanId, "scored"));
        for (String sha : doneAtKill) {
            assertThat(sent.get(sha)).as("sends of %s, scored before the kill", sha).isEqualTo(1);
        }
        sent.forEach((sha, times) -> {
            if (times > 1) {
                assertThat(inFlightAtKill).as("%s was sent %d times but was not in flight at the kill", sha, times)
                        .contains(sha);
            }
        });
    }

    @Test
    void workersAndCoordinatorReconnectAfterABrokerRestartAndFinish() throws Exception {
        OwnBroker broker = OwnBroker.start(tmp.resolve("broker"));
        closeLater.add(broker);
        brokerUrl = broker.url;
        Path state = tmp.resolve("state");
        Path release = tmp.resolve("release");
        JavaProcess real = realWorker("worker-a", Map.of("FACESWEEP_AMQP_RECOVERYINTERVAL", "500ms"));
        JavaProcess scripted = scriptedWorker("worker-b", Map.of("FACESWEEP_TEST_HOLD_AT", "2",
                "FACESWEEP_TEST_RELEASE", release.toString()), List.of(corpus.root));
        awaitConnected(real, scripted);

        Future<Cli> running = background.submit(() -> scanInProcess(corpus.root, state));
        scripted.awaitLine(ScriptedWorkerMain.HOLDING, SCAN);
        assertThat(broker.listQueues("name", "type")).contains(names.batches() + "\tquorum");
        broker.restartApp();
        Files.createFile(release);
        Cli scan = running.get(SCAN.toSeconds(), TimeUnit.SECONDS);

        assertThat(scan.exitCode()).as(scan.toString()).isEqualTo(ExitCode.OK);
        assertCounts(scan.lastJson(), corpus.images.size(), corpus.images.size(), 0, 0);
        assertEveryImageScoredOnce(new StoreView(state), scan.lastJson().get("scan").asString(), corpus.images);
        assertThat(real.output()).contains("reconnected to");
        assertThat(scripted.output()).contains("reconnected to");
    }

    @Test
    void poisonImagesAreReportedPerImageAndABatchThatAlwaysCrashesItsWorkerIsParked() throws Exception {
        GeneratedCorpus small = GeneratedCorpus.create(tmp.resolve("corpus"), 3, 12);
        Path root = small.root;
        Path fixture = Fixtures.clipTinyImages().resolve("face_04.png");
        GeneratedCorpus.write(root.resolve("faceset_00/faces/truncated.png"),
                GeneratedCorpus.truncated(fixture, (int) Files.size(fixture) / 3));
        GeneratedCorpus.write(root.resolve("faceset_01/faces/empty.png"), new byte[0]);
        Path outside = tmp.resolve("outside/face.png");
        GeneratedCorpus.write(outside, Files.readAllBytes(fixture));
        Files.createSymbolicLink(root.resolve("faceset_00/faces/escape.png"), outside);
        String crasher = "faceset_01/faces/img_0015.png";
        String crashSha = ContentHash.sha256(Files.readAllBytes(root.resolve(crasher)));
        List<Integer> crashes = new CopyOnWriteArrayList<>();
        // the worker may read faceset_00 and faceset_01 only: faceset_02 is outside its allowed roots
        Supervised worker = new Supervised(() -> scriptedWorker("worker-a", Map.of(
                "FACESWEEP_TEST_CRASH_ON_SHA256", crashSha, "FACESWEEP_TEST_PREFETCH", "1"),
                List.of(root.resolve("faceset_00"), root.resolve("faceset_01"))), crashes);
        closeLater.add(worker);
        Path state = tmp.resolve("state");

        Cli scan = scanInProcess(root, state, "--batch-size", "8");

        assertThat(scan.exitCode()).as(scan.toString()).isEqualTo(ExitCode.SOME_FAILED);
        JsonNode summary = scan.lastJson();
        StoreView store = new StoreView(state);
        String scanId = summary.get("scan").asString();
        List<StoreView.Batch> parked = store.batches(scanId).values().stream()
                .filter(b -> b.state().equals("parked")).toList();
        assertThat(parked).singleElement().satisfies(b -> assertThat(b.error())
                .contains("parked after 3 attempts"));
        Set<String> parkedImages = new HashSet<>();
        store.images(scanId).values().stream().filter(i -> parked.get(0).id().equals(i.batchId()))
                .forEach(i -> parkedImages.add(i.path()));
        // its batch crashed the worker three times and was split; the crasher alone crashed it three more times
        // and is the only image given up on (prefetch 1: with more, a batch held beside the crasher also has an
        // attempt counted per crash, docs/worker.md)
        assertThat(parkedImages).containsExactly(crasher);
        assertThat(crashes).hasSize(6).containsOnly(ScriptedWorkerMain.CRASH_EXIT);

        Map<String, String> failures = new HashMap<>();
        summary.get("failures").forEach(f -> failures.put(f.get("image").asString(), f.get("error").asString()));
        Set<String> outsideRoots = new HashSet<>();
        small.images.stream().filter(p -> p.startsWith("faceset_02/")).forEach(outsideRoots::add);
        Set<String> expected = new HashSet<>(parkedImages);
        expected.addAll(outsideRoots);
        expected.addAll(List.of("faceset_00/faces/truncated.png", "faceset_01/faces/empty.png",
                "faceset_00/faces/escape.png"));
        assertThat(failures).containsOnlyKeys(expected);
        assertThat(failures.values()).allSatisfy(e -> assertThat(e).isNotBlank().doesNotContain("\n"));
        assertThat(failures.get("faceset_01/faces/empty.png")).contains("0 bytes");
        assertThat(failures.get("faceset_00/faces/escape.png")).contains("leaves the corpus root");
        outsideRoots.forEach(p -> assertThat(failures.get(p)).contains("outside the allowed roots"));
        parkedImages.forEach(p -> assertThat(failures.get(p)).contains("parked"));
        int images = small.images.size() + 3;
        assertThat(summary.get("images").asLong()).isEqualTo(images);
        assertThat(summary.get("parked").asLong()).isEqualTo(1);
        assertThat(summary.get("failed").asLong()).isEqualTo(expected.size());
        assertThat(summary.get("scored").asLong()).isEqualTo(images - expected.size());
    }

    @Test
    void aBatchThatAlwaysHangsItsWorkerEndsParkedAloneAndTheRestCompletes() throws Exception {
        GeneratedCorpus small = GeneratedCorpus.create(tmp.resolve("corpus"), 2, 10);
        Path root = small.root;
        String hanger = "faceset_01/faces/img_0013.png";
        String hangSha = ContentHash.sha256(Files.readAllBytes(root.resolve(hanger)));
        List<Integer> exits = new CopyOnWriteArrayList<>();
        // the model never returns on that image; the worker's 1 s batch limit makes it give up on itself, and its
        // "service" (Supervised) restarts it, as systemd or the Windows task would
        Supervised worker = new Supervised(() -> scriptedWorker("worker-h", Map.of(
                "FACESWEEP_TEST_HANG_ON_SHA256", hangSha, "FACESWEEP_TEST_BATCH_TIMEOUT_MS", "1000",
                "FACESWEEP_TEST_PREFETCH", "1"), List.of(root)), exits);
        closeLater.add(worker);
        Path state = tmp.resolve("state");

        Cli scan = scanInProcess(root, state, "--batch-size", "8");

        assertThat(scan.exitCode()).as(scan.toString()).isEqualTo(ExitCode.SOME_FAILED);
        JsonNode summary = scan.lastJson();
        String scanId = summary.get("scan").asString();
        StoreView store = new StoreView(state);
        List<StoreView.Batch> parked = store.batches(scanId).values().stream()
                .filter(b -> b.state().equals("parked")).toList();
        assertThat(parked).singleElement().satisfies(b -> assertThat(b.error())
                .contains("went unanswered").contains("parked after 3 attempts"));
        List<String> parkedImages = store.images(scanId).values().stream()
                .filter(i -> parked.get(0).id().equals(i.batchId())).map(StoreView.Image::path).toList();
        // its batch of 8 hung the worker three times and was split; the hanging image alone three more times
        assertThat(parkedImages).containsExactly(hanger);
        assertThat(exits).hasSize(6).containsOnly(HangAction.EXIT_CODE);
        assertThat(summary.get("images").asLong()).isEqualTo(small.images.size());
        assertThat(summary.get("parked").asLong()).isEqualTo(1);
        assertThat(summary.get("failed").asLong()).isEqualTo(1);
        assertThat(summary.get("scored").asLong()).isEqualTo(small.images.size() - 1);
        assertThat(summary.get("failures").get(0).get("image").asString()).isEqualTo(hanger);
    }

    // ------------------------------------------------------------------------------------------------ processes

    private JavaProcess realWorker(String id, Map<String, String> env) throws Exception {
        Map<String, String> all = new HashMap<>(env);
        all.put("FACESWEEP_AMQP_PREFIX", prefix);
        all.put("FACESWEEP_WORKER_ID", id);
        all.put("FACESWEEP_WORKER_INTRAOPTHREADS", "1");
        all.put("SERVER_PORT", "0");
        all.put("LOGGING_LEVEL_DEV_FACESWEEP", "INFO");
        JavaProcess process = JavaProcess.start(id, tmp.resolve("logs"), WorkerMain.class, List.of("--broker",
                brokerUrl, "--model", model(), "--allow-root", corpus.root.toString()), all);
        closeLater.add(process);
        return process;
    }

    private JavaProcess scriptedWorker(String id, Map<String, String> env, List<Path> roots) throws Exception {
        Map<String, String> all = new HashMap<>(env);
        all.put("FACESWEEP_AMQP_PREFIX", prefix);
        all.put("FACESWEEP_TEST_WORKER_ID", id);
        List<String> args = new ArrayList<>(List.of("--broker", brokerUrl, "--model", model()));
        roots.forEach(r -> args.addAll(List.of("--allow-root", r.toString())));
        JavaProcess process = JavaProcess.start(id, tmp.resolve("logs"), ScriptedWorkerMain.class, args, all);
        closeLater.add(process);
        return process;
    }

    private static void awaitConnected(JavaProcess... workers) {
        for (JavaProcess worker : workers) {
            worker.awaitLine("connected to", START);
        }
    }

    private JavaProcess coordinatorProcess(String name, Path root, Path state) throws Exception {
        JavaProcess process = JavaProcess.start(name, tmp.resolve("logs"), FacesweepCli.class, List.of("scan",
                root.toString(), "--model", model(), "--broker", brokerUrl, "--state", state.toString(), "--json"),
                Map.of("FACESWEEP_AMQP_PREFIX", prefix));
        closeLater.add(process);
        return process;
    }

    private Cli scanInProcess(Path root, Path state, String... more) {
        List<String> args = new ArrayList<>(List.of("scan", root.toString(), "--model", model(), "--broker",
                brokerUrl, "--state", state.toString(), "--json"));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    /** A worker restarted whenever it dies, as a service manager would; records each exit code. */
    private static final class Supervised implements AutoCloseable {
        interface Starter {
            JavaProcess start() throws Exception;
        }

        private final Starter starter;
        private final List<Integer> exits;
        private final AtomicBoolean stopped = new AtomicBoolean();
        private volatile JavaProcess current;

        Supervised(Starter starter, List<Integer> exits) throws Exception {
            this.starter = starter;
            this.exits = exits;
            start();
        }

        private void start() throws Exception {
            JavaProcess process = starter.start();
            current = process;
            process.process().onExit().thenRun(() -> {
                if (!stopped.get()) {
                    exits.add(process.process().exitValue());
                    try {
                        start();
                    } catch (Exception e) {
                        throw new IllegalStateException("cannot restart " + process.name, e);
                    }
                }
            });
        }

        @Override
        public void close() throws Exception {
            stopped.set(true);
            current.close();
        }
    }

    // ------------------------------------------------------------------------------------------------ checks

    private static String model() {
        return Fixtures.clipTinyModel().toString();
    }

    private static String batchId(String holdingLine) {
        String rest = holdingLine.substring(holdingLine.indexOf(ScriptedWorkerMain.HOLDING)
                + ScriptedWorkerMain.HOLDING.length());
        return rest.split(" ")[0];
    }

    private static boolean scannedAtLeast(StoreView store, int n) {
        try {
            String scan = store.latestScan();
            return scan != null && store.count(scan, "scored") >= n;
        } catch (java.sql.SQLException e) {
            return false; // the schema is not there yet
        }
    }

    private static JsonNode lastJson(JavaProcess coordinator) {
        List<String> lines = coordinator.output().lines().filter(l -> l.startsWith("{")).toList();
        assertThat(lines).as(coordinator.tail()).isNotEmpty();
        return tools.jackson.databind.json.JsonMapper.shared().readTree(lines.get(lines.size() - 1));
    }

    private static void assertCounts(JsonNode summary, int images, int scored, int failed, int parked) {
        assertThat(summary.get("images").asLong()).as("images in %s", summary).isEqualTo(images);
        assertThat(summary.get("scored").asLong() + summary.get("reused").asLong()).as("scored + reused in %s",
                summary).isEqualTo(scored);
        assertThat(summary.get("failed").asLong()).as("failed in %s", summary).isEqualTo(failed);
        assertThat(summary.get("parked").asLong()).as("parked in %s", summary).isEqualTo(parked);
        assertThat(summary.get("failures")).as("failures in %s", summary).hasSize(failed);
    }

    /** Every image is scored, and the store holds exactly one result row per content for the scan. */
    private static void assertEveryImageScoredOnce(StoreView store, String scanId, List<String> images)
            throws Exception {
        Map<String, StoreView.Image> rows = store.images(scanId);
        assertThat(rows.keySet()).containsExactlyInAnyOrderElementsOf(images);
        assertThat(rows.values()).allSatisfy(i -> assertThat(i.state()).as(i.path()).isEqualTo("scored"));
        Set<String> shas = new HashSet<>();
        rows.values().forEach(i -> shas.add(i.sha256()));
        assertThat(shas).hasSize(images.size());
        // one stored result per content (the key allows no more; what matters is that none is missing)
        assertThat(store.resultRows(scanId).keySet()).containsExactlyInAnyOrderElementsOf(shas);
        Map<String, StoreView.Batch> batches = store.batches(scanId);
        assertThat(batches.values()).allSatisfy(b -> assertThat(b.state()).as(b.id()).isEqualTo("done"));
        // scored once: each image was recorded from the one batch that completed it, by the worker that completed
        // that batch (a second answer from another worker or attempt would have left a mismatch)
        assertThat(rows.values()).allSatisfy(i -> {
            assertThat(batches).as(i.path() + " batch").containsKey(i.batchId());
            assertThat(i.workerId()).as(i.path() + " worker").isNotNull()
                    .isEqualTo(batches.get(i.batchId()).workerId());
        });
    }

    /** {@code facesweep scores latest --json}: relative path to scores. */
    private static Map<String, Map<String, Double>> scores(Path state) {
        Cli scores = Cli.run("scores", "latest", "--state", state.toString(), "--json");
        assertThat(scores.exitCode()).as(scores.toString()).isZero();
        Map<String, Map<String, Double>> out = new HashMap<>();
        for (JsonNode line : scores.jsonLines()) {
            assertThat(line.get("error").isNull()).as(line.toString()).isTrue();
            out.put(line.get("image").asString(), scoreMap(line.get("scores")));
        }
        return out;
    }

    /** {@code facesweep score --json} on every image file: relative path to scores. */
    private static Map<String, Map<String, Double>> scoreCommand(GeneratedCorpus corpus) {
        List<String> args = new ArrayList<>(List.of("score", "--model", model(), "--json"));
        corpus.images.forEach(p -> args.add(corpus.root.resolve(p).toString()));
        Cli score = Cli.run(args.toArray(String[]::new));
        assertThat(score.exitCode()).as(score.err()).isZero();
        Map<String, Map<String, Double>> out = new HashMap<>();
        for (JsonNode line : score.jsonLines()) {
            String rel = corpus.root.relativize(Path.of(line.get("image").asString())).toString()
                    .replace('\\', '/');
            out.put(rel, scoreMap(line.get("scores")));
        }
        assertThat(out).hasSize(corpus.images.size());
        return out;
    }

    private static Map<String, Double> scoreMap(JsonNode scores) {
        Map<String, Double> map = new HashMap<>();
        scores.properties().forEach(e -> map.put(e.getKey(), e.getValue().asDouble()));
        return map;
    }

    private static void assertSameScores(Map<String, Map<String, Double>> actual,
            Map<String, Map<String, Double>> reference) {
        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(reference.keySet());
        reference.forEach((image, expected) -> {
            assertThat(actual.get(image).keySet()).as(image).containsExactlyInAnyOrderElementsOf(expected.keySet());
            expected.forEach((attribute, p) -> assertThat(actual.get(image).get(attribute))
                    .as("%s %s", image, attribute).isCloseTo(p, within(1e-5)));
        });
    }
}
