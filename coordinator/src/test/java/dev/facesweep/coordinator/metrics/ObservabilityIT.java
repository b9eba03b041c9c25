package dev.facesweep.coordinator.metrics;

import dev.facesweep.coordinator.testing.GeneratedCorpus;
import dev.facesweep.coordinator.testing.WorkerProcess;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.facesweep.coordinator.cli.FacesweepCli;
import dev.facesweep.coordinator.serve.ReviewServer;
import dev.facesweep.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The observability stack end to end: a real Prometheus (Debian's package, scrape and rule interval 1 s, the
 * repository's alert rules) scrapes {@code facesweep serve}, {@code facesweep scan --metrics-port} and two worker
 * processes (one static target, one from file-based discovery) plus RabbitMQ's rabbitmq_prometheus plugin while a
 * generated corpus is scanned through a real RabbitMQ. Then every dashboard panel and every rule is evaluated through
 * Prometheus's HTTP API: each panel has data, the throughput panel adds up to the scan's own count, the real scrapes
 * pass {@code promtool check metrics}, and the worker-silent alert goes off for a killed worker.
 *
 * <p>Needs RabbitMQ at {@code FACESWEEP_TEST_AMQP_URL} (default {@code amqp://guest:guest@localhost:5672}) with the
 * rabbitmq_prometheus plugin on port 15692 of the same host ({@code FACESWEEP_TEST_RABBITMQ_METRICS} overrides the
 * URL), and {@code /usr/bin/prometheus}; a missing piece fails the test saying how to provide it.
 */
@Timeout(value = 170, unit = TimeUnit.SECONDS)
class ObservabilityIT {

    private static final int IMAGES = 600;
    private static final String AMQP_URL = System.getenv().getOrDefault("FACESWEEP_TEST_AMQP_URL",
            "amqp://guest:guest@localhost:5672");
    private static final String RATE_INTERVAL = "4s";

    @TempDir
    Path tmp;

    private final String prefix = "it-obs-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    private final List<AutoCloseable> open = new ArrayList<>();
    private final ExecutorService background = Executors.newSingleThreadExecutor();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stopEverything() throws Exception {
        background.shutdownNow();
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        deleteQueues();
    }

    @Test
    void prometheusSeesTheScanEveryPanelHasDataAndAKilledWorkerIsReportedSilent() throws Exception {
        DeployFiles.prometheus();
        URI rabbitMetrics = rabbitMetrics();
        Path corpus = corpus(tmp.resolve("corpus"), IMAGES);
        Path state = tmp.resolve("state");
        Path model = Fixtures.clipTinyModel();

        ReviewServer serve = ReviewServer.start(Map.of("server.port", 0, "facesweep.serve.state", state.toString(),
                "facesweep.serve.metrics.refresh", "1s"));
        open.add(serve);
        WorkerProcess w1 = WorkerProcess.start("obs-it-w1", PrometheusServer.freePort(), AMQP_URL, prefix, model,
                corpus, tmp);
        open.add(w1);
        WorkerProcess w2 = WorkerProcess.start("obs-it-w2", PrometheusServer.freePort(), AMQP_URL, prefix, model,
                corpus, tmp);
        open.add(w2);
        int scanPort = PrometheusServer.freePort();

        Path targets = Files.createDirectories(tmp.resolve("prometheus/targets"));
        Files.writeString(targets.resolve("workers.json"), "[{\"targets\": [\"127.0.0.1:" + w2.port + "\"]}]\n");
        PrometheusServer prometheus = PrometheusServer.start(tmp.resolve("prometheus"), config(serve.port(), scanPort,
                w1.port, targets, rabbitMetrics));
        open.add(prometheus);

        w1.awaitUp();
        w2.awaitUp();
        await("Prometheus scrapes both workers and serve").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> prometheus.query("up{job=\"facesweep-workers\"} == 1").size() == 2
                        && prometheus.query("up{job=\"rabbitmq-queues\"} == 1").size() == 1
                        && prometheus.query("up{process=\"serve\"} == 1").size() == 1);
        Instant start = Instant.now();

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Future<Integer> scan = background.submit(() -> FacesweepCli.run(new String[] {"scan", corpus.toString(),
            "--model", model.toString(), "--broker", AMQP_URL, "--queue-prefix", prefix, "--state", state.toString(),
            "--metrics-port", Integer.toString(scanPort), "--metrics-bind", "127.0.0.1", "--json"},
                new PrintWriter(out, true), new PrintWriter(err, true)));
        String scanScrape = await("the scan's /metrics").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100)).until(() -> get(URI.create("http://127.0.0.1:" + scanPort
                        + "/metrics")), body -> body != null && body.contains("facesweep_scan_images{")
                        && body.contains("facesweep_fleet_worker_live{"));
        assertThat(scan.get(120, TimeUnit.SECONDS)).as("scan exit code; stderr:\n%s", err).isZero();
        JsonNode summary = JsonMapper.shared().readTree(out.toString().strip().lines()
                .reduce((a, b) -> b).orElseThrow());
        String scanId = summary.get("scan").asString();
        assertThat(summary.get("scored").asLong()).isEqualTo(IMAGES);
        assertThat(err.toString()).contains("metrics for Prometheus at http://127.0.0.1:" + scanPort + "/metrics");

        // serve reads the finished scan from the store; the workers' final counters are scraped
        await("final state scraped").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> value(prometheus, "max(facesweep_scan_images{process=\"serve\", scan=\"" + scanId
                        + "\", state=\"scored\"})") == IMAGES
                        && value(prometheus, "sum(facesweep_worker_images_total{outcome=\"scored\"})") == IMAGES
                        && value(prometheus, "max(facesweep_scan_running{scan=\"" + scanId + "\"})") == 0);
        Instant end = Instant.now();

        // every panel of the dashboard has data for the scan's time range
        Dashboard dashboard = Dashboard.load(DeployFiles.dashboard());
        Map<String, String> variables = Map.of("scan", scanId, "worker", ".*");
        List<String> empty = new ArrayList<>();
        for (Dashboard.Panel panel : dashboard.panels()) {
            boolean data = false;
            for (String expr : panel.exprs()) {
                List<PrometheusServer.Series> result = prometheus.queryRange(
                        Dashboard.substitute(expr, variables, RATE_INTERVAL), start.minusSeconds(5), end,
                        Duration.ofSeconds(1));
                data |= result.stream().anyMatch(PrometheusServer.Series::hasNumber);
            }
            if (!data) {
                empty.add(panel.title() + " " + panel.exprs());
            }
        }
        assertThat(dashboard.panels()).hasSizeGreaterThanOrEqualTo(15);
        assertThat(empty).as("panels without data").isEmpty();

        // the throughput panel, integrated over the run, is exactly what the workers scored: the scan's own count
        assertThat(throughputPanelTotal(prometheus, dashboard)).isCloseTo(IMAGES, within(1e-6));

        // every rule of deploy/prometheus/alerts.yml is loaded and evaluates
        Map<String, String> rules = prometheus.rules();
        assertThat(rules).containsKeys("FacesweepWorkerSilent", "FacesweepBatchesParked",
                "FacesweepScanFailureRatioHigh", "FacesweepWorkerFailureRatioHigh", "FacesweepProviderFallback",
                "FacesweepNoProgress", "FacesweepBatchesWithoutWorkers", "facesweep:worker_batch_seconds:avg15m",
                "facesweep:worker_silent_threshold_seconds");
        rules.values().forEach(prometheus::query);
        assertThat(prometheus.query("facesweep:worker_silent_threshold_seconds")).hasSize(2)
                .allSatisfy(s -> assertThat(s.last()).isEqualTo(60.0));
        assertThat(prometheus.query(rules.get("FacesweepWorkerSilent"))).isEmpty();
        assertThat(prometheus.query(rules.get("FacesweepProviderFallback"))).isEmpty();

        // real scrapes of the coordinator (serve and scan) and a worker pass promtool's checks
        String serveScrape = get(URI.create("http://127.0.0.1:" + serve.port() + "/actuator/prometheus"));
        String workerScrape = w1.get("/actuator/prometheus");
        for (Map.Entry<String, String> scrape : Map.of("serve", serveScrape, "scan", scanScrape, "worker",
                workerScrape).entrySet()) {
            Tool check = Tool.run(tmp, scrape.getValue().getBytes(StandardCharsets.UTF_8),
                    DeployFiles.promtool().toString(), "check", "metrics");
            assertThat(check.exitCode()).as("promtool check metrics on the %s scrape: %s", scrape.getKey(), check)
                    .isZero();
        }

        // docs/metrics.md lists exactly the facesweep metrics these processes export (the DirectML-only gauge aside)
        Set<String> documented = documentedMetrics();
        Set<String> exported = new TreeSet<>();
        for (String scrape : List.of(serveScrape, scanScrape, workerScrape)) {
            Matcher m = Pattern.compile("(?m)^# TYPE (facesweep_\\w+) (\\w+)").matcher(scrape);
            while (m.find()) {
                exported.add(m.group(2).equals("counter") && !m.group(1).endsWith("_total") ? m.group(1) + "_total"
                        : m.group(1));
            }
        }
        exported.removeIf(name -> name.endsWith("_max") && exported.contains(name.substring(0, name.length() - 4)));
        assertThat(exported).containsExactlyInAnyOrderElementsOf(documented.stream()
                .filter(name -> !name.equals("facesweep_worker_accelerator_node_fraction")).toList());

        // a killed worker: its target goes down, the silent-worker alert's expression names it, and the alert
        // fires (the test's copy of alerts.yml waits 3 s instead of the shipped 2 m before firing)
        w2.kill();
        String instance = "127.0.0.1:" + w2.port;
        await("the silent-worker alert sees the killed worker").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> prometheus.query(rules.get("FacesweepWorkerSilent")).stream()
                        .map(s -> s.labels().get("instance")).toList(), list -> list.equals(List.of(instance)));
        await("FacesweepWorkerSilent firing").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> !prometheus.query("ALERTS{alertname=\"FacesweepWorkerSilent\", alertstate=\"firing\","
                        + " instance=\"" + instance + "\"}").isEmpty());
    }

    /**
     * The throughput panel's first query evaluated per worker at the time of its last sample, over a window reaching
     * back before its first one: the counter starts at 0 (registered up front), so Prometheus extrapolates nothing and
     * rate times window is exactly the counter's increase.
     */
    private static double throughputPanelTotal(PrometheusServer prometheus, Dashboard dashboard) {
        Dashboard.Panel panel = dashboard.panels().stream()
                .filter(p -> p.title().startsWith("Throughput per worker and provider")).findFirst().orElseThrow();
        int window = 600;
        double total = 0;
        List<PrometheusServer.Series> counters = prometheus.query(
                "facesweep_worker_images_total{outcome=\"scored\"}[" + window + "s]");
        assertThat(counters).hasSize(2);
        for (PrometheusServer.Series counter : counters) {
            assertThat(counter.samples().get(0)[1]).as("first sample of %s", counter.labels()).isZero();
            double lastTime = counter.samples().get(counter.samples().size() - 1)[0];
            String worker = counter.labels().get("worker");
            List<PrometheusServer.Series> rate = prometheus.query(Dashboard.substitute(panel.exprs().get(0),
                    Map.of("worker", worker), window + "s"), lastTime);
            assertThat(rate).as("throughput of %s", worker).hasSize(1);
            assertThat(rate.get(0).labels()).containsEntry("provider", "CPU");
            total += rate.get(0).last() * window;
        }
        return total;
    }

    /** The metric names in the first column of docs/metrics.md's tables. */
    private static Set<String> documentedMetrics() throws IOException {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\| `(facesweep_\\w+)`").matcher(Files.readString(DeployFiles.root()
                .resolve("docs/metrics.md")));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static double value(PrometheusServer prometheus, String expr) {
        List<PrometheusServer.Series> result = prometheus.query(expr);
        return result.isEmpty() ? Double.NaN : result.get(0).last();
    }

    private String get(URI uri) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** deploy/prometheus/alerts.yml with the silent-worker alert's {@code for:} cut to 3 s, so it fires in a test. */
    private static Path alertsWithShortSilentWorkerDelay(Path dir) throws IOException {
        String rules = Files.readString(DeployFiles.prometheusDir().resolve("alerts.yml"));
        int alert = rules.indexOf("- alert: FacesweepWorkerSilent");
        int forLine = rules.indexOf("for: 2m", alert);
        if (alert < 0 || forLine < 0 || rules.indexOf("- alert:", alert + 1) < forLine) {
            throw new AssertionError("alerts.yml: FacesweepWorkerSilent no longer has 'for: 2m'; update this test");
        }
        Path copy = dir.resolve("alerts-under-test.yml");
        Files.writeString(copy, rules.substring(0, forLine) + "for: 3s" + rules.substring(forLine + "for: 2m".length()));
        return copy;
    }

    private String config(int servePort, int scanPort, int workerPort, Path targets, URI rabbit) throws IOException {
        String alerts = alertsWithShortSilentWorkerDelay(targets.getParent()).toString();
        String rabbitTarget = rabbit.getHost() + ":" + rabbit.getPort();
        return String.join("\n",
                "global:",
                "  scrape_interval: 1s",
                "  evaluation_interval: 1s",
                "rule_files:",
                "  - '" + alerts + "'",
                "scrape_configs:",
                "  - job_name: facesweep-coordinator",
                "    static_configs:",
                "      - targets: ['127.0.0.1:" + servePort + "']",
                "        labels: {__metrics_path__: /actuator/prometheus, process: serve}",
                "      - targets: ['127.0.0.1:" + scanPort + "']",
                "        labels: {__metrics_path__: /metrics, process: scan}",
                "  - job_name: facesweep-workers",
                "    metrics_path: /actuator/prometheus",
                "    static_configs:",
                "      - targets: ['127.0.0.1:" + workerPort + "']",
                "    file_sd_configs:",
                "      - files: ['" + targets.resolve("*.json") + "']",
                "  - job_name: rabbitmq",
                "    static_configs:",
                "      - targets: ['" + rabbitTarget + "']",
                "  - job_name: rabbitmq-queues",
                "    metrics_path: /metrics/detailed",
                "    params:",
                "      family: [queue_coarse_metrics, queue_consumer_count]",
                "    static_configs:",
                "      - targets: ['" + rabbitTarget + "']",
                "");
    }

    /** RabbitMQ must answer, and its rabbitmq_prometheus plugin too. */
    private URI rabbitMetrics() {
        try (Connection c = factory().newConnection("facesweep-it-probe")) {
            c.isOpen();
        } catch (Exception e) {
            throw new AssertionError("RabbitMQ is not reachable at " + AMQP_URL.replaceFirst(":[^:@/]*@", ":***@")
                    + " (" + e.getMessage() + "); start one with: rabbitmq-server -detached (or set"
                    + " FACESWEEP_TEST_AMQP_URL)");
        }
        String configured = System.getenv("FACESWEEP_TEST_RABBITMQ_METRICS");
        URI uri = configured != null && !configured.isBlank() ? URI.create(configured.strip())
                : URI.create("http://" + URI.create(AMQP_URL).getHost() + ":15692");
        if (get(uri.resolve("/metrics")) == null) {
            throw new AssertionError("RabbitMQ's Prometheus endpoint " + uri + "/metrics does not answer: enable the"
                    + " plugin with `rabbitmq-plugins enable rabbitmq_prometheus` (or set"
                    + " FACESWEEP_TEST_RABBITMQ_METRICS)");
        }
        return uri;
    }

    private static ConnectionFactory factory() throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setUri(AMQP_URL);
        f.setConnectionTimeout(5000);
        return f;
    }

    private void deleteQueues() throws Exception {
        try (Connection c = factory().newConnection("facesweep-it-cleanup"); Channel ch = c.createChannel()) {
            for (String q : List.of("batches", "results", "parked")) {
                ch.queueDelete(prefix + "facesweep." + q);
            }
            ch.exchangeDelete(prefix + "facesweep.heartbeats");
        }
    }

    /** {@code count} (a multiple of 12) distinct images in 12 face sets, so every image is scored once. */
    static Path corpus(Path root, int count) throws IOException {
        return GeneratedCorpus.create(root, 12, count / 12).root;
    }
}
