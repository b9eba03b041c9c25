package dev.facesweep.coordinator.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.facesweep.coordinator.cli.CliRunner;
import dev.facesweep.coordinator.cli.FacesweepCli;
import dev.facesweep.coordinator.cli.JsonOutput;
import dev.facesweep.coordinator.rabbit.QueueNames;
import dev.facesweep.coordinator.testing.TestCorpus;
import dev.facesweep.coordinator.testing.WorkerProcess;
import dev.facesweep.testing.Fixtures;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The distributed scan with real worker processes (the packaged worker jar) on a real RabbitMQ: scores equal
 * {@code facesweep score}'s, a worker killed with SIGKILL mid-scan, a broker restart mid-scan, a coordinator killed
 * mid-scan and run again, poison images.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class DistributedScanIT {

    private static final Path MODEL = Fixtures.clipTinyModel();
    private static final Pattern SCORED = Pattern.compile(
            "facesweep_worker_images_total\\{[^}]*outcome=\"scored\"[^}]*} ([0-9.eE+]+)");

    @TempDir
    Path tmp;

    private final String prefix = "it-dist-" + java.util.UUID.randomUUID().toString().substring(0, 8) + ".";
    private final QueueNames names = QueueNames.withPrefix(prefix);
    private final List<AutoCloseable> open = new ArrayList<>();
    private final ExecutorService background = Executors.newSingleThreadExecutor();

    @AfterEach
    void cleanUp() throws Exception {
        background.shutdownNow();
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        TestBroker.delete(names);
    }

    @Test
    void twoWorkersOneKilledMidScanEveryImageScoredOnceLikeScoreAndEmbedded() throws Exception {
        TestBroker.connect("facesweep-it-probe").close();
        int images = 240;
        Path corpus = TestCorpus.facesets(tmp.resolve("corpus"), images, 6);
        WorkerProcess steady = worker("dist-steady", corpus);
        WorkerProcess doomed = worker("dist-doomed", corpus);
        steady.awaitUp();
        doomed.awaitUp();

        Path state = tmp.resolve("state");
        Future<CliRunner.Result> scan = background.submit(() -> scan(corpus, state, "--broker", TestBroker.URL,
                "--batch-size", "4"));
        await("the doomed worker has scored something").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(50)).until(() -> scored(doomed) > 0);
        doomed.kill();

        CliRunner.Result result = scan.get(180, TimeUnit.SECONDS);
        assertThat(result.exit()).as(result.toString()).isZero();
        JsonNode summary = lastJson(result);
        assertThat(summary.get("scored").asInt()).isEqualTo(images);
        assertThat(summary.get("failed").asInt()).isZero();
        assertThat(summary.get("parked").asInt()).isZero();

        Map<String, Map<String, Double>> distributed = storedScores(state);
        assertThat(distributed).hasSize(images);
        assertThat(distributed.values()).allSatisfy(scores -> assertThat(scores).hasSize(2));

        Map<String, Map<String, Double>> direct = scoreDirectly(corpus);
        distributed.forEach((image, scores) -> scores.forEach((attribute, p) -> assertThat(p)
                .as(image + " " + attribute).isCloseTo(direct.get(image).get(attribute), within(1e-5))));

        Path embeddedState = tmp.resolve("embedded-state");
        CliRunner.Result embedded = scan(corpus, embeddedState);
        assertThat(embedded.exit()).as(embedded.toString()).isZero();
        Map<String, Map<String, Double>> local = storedScores(embeddedState);
        distributed.forEach((image, scores) -> scores.forEach((attribute, p) -> assertThat(p)
                .as(image + " " + attribute).isCloseTo(local.get(image).get(attribute), within(1e-5))));
    }

    @Test
    void theScanSurvivesABrokerRestart() throws Exception {
        TestBroker.connect("facesweep-it-probe").close();
        int images = 240;
        Path corpus = TestCorpus.facesets(tmp.resolve("corpus"), images, 4);
        WorkerProcess worker = worker("dist-restart", corpus);
        worker.awaitUp();

        Path state = tmp.resolve("state");
        Future<CliRunner.Result> scan = background.submit(() -> scan(corpus, state, "--broker", TestBroker.URL,
                "--batch-size", "2"));
        await("the worker has started scoring").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                .until(() -> scored(worker) > 0);
        BrokerControl.restartBroker();

        CliRunner.Result result = scan.get(200, TimeUnit.SECONDS);
        assertThat(result.exit()).as(result.toString()).isZero();
        JsonNode summary = lastJson(result);
        assertThat(summary.get("scored").asInt() + summary.get("reused").asInt()).isEqualTo(images);
        assertThat(storedScores(state)).hasSize(images);
    }

    @Test
    void aCoordinatorKilledMidScanFinishesOnRerunWithoutRedoingStoredWork() throws Exception {
        TestBroker.connect("facesweep-it-probe").close();
        int images = 240;
        int batch = 4;
        Path corpus = TestCorpus.facesets(tmp.resolve("corpus"), images, 4);
        WorkerProcess worker = worker("dist-coord", corpus);
        worker.awaitUp();
        Path state = tmp.resolve("state");

        Process coordinator = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), FacesweepCli.class.getName(), "scan", corpus.toString(),
                "--model", MODEL.toString(), "--state", state.toString(), "--broker", TestBroker.URL,
                "--queue-prefix", prefix, "--batch-size", Integer.toString(batch), "--metrics-port", "off", "--json"))
                .redirectErrorStream(true).redirectOutput(tmp.resolve("coordinator.log").toFile()).start();
        open.add(coordinator::destroyForcibly);
        await("the first coordinator has results stored").atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(50)).until(() -> scored(worker) >= images / 3);
        coordinator.destroyForcibly();
        coordinator.waitFor(30, TimeUnit.SECONDS);
        double beforeRerun = scored(worker);

        CliRunner.Result rerun = scan(corpus, state, "--broker", TestBroker.URL, "--batch-size",
                Integer.toString(batch));

        assertThat(rerun.exit()).as(rerun.toString()).isZero();
        JsonNode summary = lastJson(rerun);
        assertThat(summary.get("scored").asInt() + summary.get("reused").asInt()).isEqualTo(images);
        assertThat(summary.get("failed").asInt()).isZero();
        Matcher firstRun = Pattern.compile("scan (\\S+) of ").matcher(Files.readString(tmp.resolve("coordinator.log")));
        assertThat(firstRun.find()).as("the killed coordinator announced its scan").isTrue();
        assertThat(summary.get("scan").asString()).as("the rerun continues the killed scan").isEqualTo(firstRun.group(1));
        assertThat(storedScores(state)).hasSize(images);
        // Sent again after the restart: only what had not been scored before the kill, plus what was in flight at the
        // kill (at most the batches the coordinator keeps outstanding: 4 per live worker, 8 while the worker registry
        // may still hold the killed run's entry). Results already published survive in the durable results queue.
        double rescored = scored(worker) - beforeRerun;
        assertThat(rescored).as("images scored by the worker after the restart")
                .isLessThanOrEqualTo(images - beforeRerun + 8.0 * batch);
    }

    @Test
    void poisonImagesAreReportedPerImageAndTheScanCompletes() throws Exception {
        TestBroker.connect("facesweep-it-probe").close();
        Path corpus = TestCorpus.facesets(tmp.resolve("corpus"), 24, 2);
        Path faces = corpus.resolve("faceset_000/faces");
        byte[] good = Files.readAllBytes(corpus.resolve("faceset_001/faces/img_0001.png"));
        Files.write(faces.resolve("truncated.png"), java.util.Arrays.copyOf(good, good.length / 2));
        Files.write(faces.resolve("empty.png"), new byte[0]);
        Path allowed = corpus.resolve("faceset_001");
        WorkerProcess worker = worker("dist-poison", allowed);
        worker.awaitUp();

        CliRunner.Result result = scan(corpus, tmp.resolve("state"), "--broker", TestBroker.URL, "--batch-size", "4");

        assertThat(result.exit()).as(result.toString()).isEqualTo(3);
        JsonNode summary = lastJson(result);
        Map<String, String> failures = new HashMap<>();
        summary.get("failures").forEach(f -> failures.put(f.get("image").asString(), f.get("error").asString()));
        assertThat(failures).containsKeys("faceset_000/faces/truncated.png", "faceset_000/faces/empty.png");
        // the worker may read only faceset_001: every other image of faceset_000 is refused, not scored
        assertThat(failures.get("faceset_000/faces/img_0000.png")).containsIgnoringCase("allowed");
        assertThat(summary.get("scored").asInt()).isEqualTo(12);
        assertThat(summary.get("scored").asInt() + summary.get("failed").asInt())
                .isEqualTo(summary.get("images").asInt());
    }

    private WorkerProcess worker(String id, Path allowedRoot) throws IOException {
        WorkerProcess worker = WorkerProcess.start(id, freePort(), TestBroker.URL, prefix, MODEL, allowedRoot, tmp);
        open.add(worker);
        return worker;
    }

    private CliRunner.Result scan(Path corpus, Path state, String... extra) {
        List<String> args = new ArrayList<>(List.of("scan", corpus.toString(), "--model", MODEL.toString(), "--state",
                state.toString(), "--queue-prefix", prefix, "--metrics-port", "off", "--json"));
        args.addAll(List.of(extra));
        return CliRunner.run(args.toArray(String[]::new));
    }

    private static JsonNode lastJson(CliRunner.Result result) {
        List<String> lines = result.outLines();
        return JsonOutput.mapper().readTree(lines.get(lines.size() - 1));
    }

    /** image (relative path) -> attribute -> p, from {@code facesweep scores latest --json}. */
    private static Map<String, Map<String, Double>> storedScores(Path state) {
        CliRunner.Result scores = CliRunner.run("scores", "latest", "--state", state.toString(), "--json");
        assertThat(scores.exit()).as(scores.toString()).isZero();
        Map<String, Map<String, Double>> byImage = new HashMap<>();
        for (String line : scores.outLines()) {
            JsonNode node = JsonOutput.mapper().readTree(line);
            Map<String, Double> values = new HashMap<>();
            node.get("scores").properties().forEach(e -> values.put(e.getKey(), e.getValue().asDouble()));
            byImage.put(node.get("image").asString(), values);
        }
        return byImage;
    }

    /** The same images through {@code facesweep score --json}, keyed by path relative to the corpus. */
    private static Map<String, Map<String, Double>> scoreDirectly(Path corpus) throws IOException {
        List<String> args = new ArrayList<>(List.of("score", "--model", MODEL.toString(), "--json"));
        try (Stream<Path> files = Files.walk(corpus)) {
            files.filter(p -> p.toString().endsWith(".png")).map(Path::toString).sorted().forEach(args::add);
        }
        CliRunner.Result result = CliRunner.run(args.toArray(String[]::new));
        assertThat(result.exit()).as(result.toString()).isZero();
        Map<String, Map<String, Double>> byImage = new HashMap<>();
        for (String line : result.outLines()) {
            JsonNode node = JsonOutput.mapper().readTree(line);
            Map<String, Double> values = new HashMap<>();
            node.get("scores").properties().forEach(e -> values.put(e.getKey(), e.getValue().asDouble()));
            String relative = corpus.relativize(Path.of(node.get("image").asString())).toString().replace('\\', '/');
            byImage.put(relative, values);
        }
        return byImage;
    }

    /** Images the worker has scored, from its own Prometheus counter. */
    private static double scored(WorkerProcess worker) {
        try {
            Matcher m = SCORED.matcher(worker.get("/actuator/prometheus"));
            double total = 0;
            while (m.find()) {
                total += Double.parseDouble(m.group(1));
            }
            return total;
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
