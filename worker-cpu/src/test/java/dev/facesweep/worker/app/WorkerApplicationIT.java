package dev.facesweep.worker.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.GetResponse;
import dev.facesweep.corpus.ContentHash;
import dev.facesweep.model.CpuSessionConfigurer;
import dev.facesweep.model.ModelRole;
import dev.facesweep.protocol.BatchImage;
import dev.facesweep.protocol.BatchMessage;
import dev.facesweep.protocol.Heartbeat;
import dev.facesweep.protocol.ResultMessage;
import dev.facesweep.testing.Fixtures;
import dev.facesweep.worker.amqp.AmqpWorker;
import dev.facesweep.worker.amqp.TestBroker;
import dev.facesweep.worker.amqp.TestQueues;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** The whole worker application, as {@code facesweep worker} starts it, against a real broker. */
class WorkerApplicationIT {

    private TestQueues queues;
    private ConfigurableApplicationContext context;

    @BeforeEach
    void topology() throws Exception {
        queues = new TestQueues(TestBroker.get());
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (context != null) {
            context.close();
        }
        queues.close();
    }

    private static String get(int port, String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    @Test
    void scoresABatchAndExposesHealthAndPrometheusMetrics() throws Exception {
        Path images = Fixtures.clipTinyImages();
        Map<String, Object> props = new LinkedHashMap<>(WorkerMain.parse(new String[] {
                "--broker", TestBroker.get().url(), "--model", Fixtures.clipTinyModel().toString(),
                "--path-map", "/mnt/corpus/=" + images}));
        props.put("facesweep.amqp.prefix", queues.prefix);
        props.put("facesweep.worker.id", "app-it");
        props.put("server.port", "0");
        context = WorkerMain.start(props);
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();

        String name = "face_00.png";
        String id = new ContentHash().sha256(images.resolve(name));
        queues.publish(new BatchMessage("scan-app", "b-app", context.getBean(LoadedModel.class).model().bundle()
                .modelId(), "h", 1, List.of(new BatchImage(id, "/mnt/corpus/" + name),
                        new BatchImage(id, "/etc/passwd"))));

        List<ResultMessage> results = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (GetResponse r : queues.drain(queues.names.results())) {
                results.add(queues.codec.decodeResult(r.getBody()));
            }
            return !results.isEmpty();
        });
        ResultMessage result = results.get(0);
        assertThat(result.workerId()).isEqualTo("app-it");
        assertThat(result.results().get(0).failed()).isFalse();
        assertThat(result.results().get(1).error()).startsWith("path /etc/passwd is outside the allowed roots");

        int cores = Runtime.getRuntime().availableProcessors();
        Heartbeat.Tuning tuning = new Heartbeat.Tuning(cores, 1, "cpu defaults for " + cores + " cores");
        assertThat(context.getBean(AmqpWorker.class).heartbeat().tuning()).isEqualTo(tuning);
        assertThat(context.getBean(LoadedModel.class).model().sessionInfo(ModelRole.VISUAL).batchSize())
                .isEqualTo(CpuSessionConfigurer.DEFAULT_BATCH_SIZE);

        String health = get(port, "/actuator/health");
        assertThat(health).startsWith("200 ").contains("\"status\":\"UP\"").contains("\"workerId\":\"app-it\"")
                .contains("\"provider\":\"CPU\"").contains("\"configuredProvider\":\"CPU\"")
                .contains("\"providerFallback\":false");
        await().atMost(Duration.ofSeconds(10)).until(() -> get(port, "/actuator/prometheus")
                .contains("facesweep_worker_images_total{outcome=\"scored\",worker=\"app-it\"} 1.0"));
        String metrics = get(port, "/actuator/prometheus");
        assertThat(metrics).contains("facesweep_worker_images_total{outcome=\"failed\",worker=\"app-it\"} 1.0")
                .contains("facesweep_worker_batch_duration_seconds_bucket{stage=\"infer\",worker=\"app-it\",le=\"0.01\"}")
                .contains("facesweep_worker_batch_duration_seconds_bucket{stage=\"infer\",worker=\"app-it\",le=\"60.0\"}")
                .contains("facesweep_worker_batch_duration_seconds_count{stage=\"publish\",worker=\"app-it\"} 1")
                .contains("facesweep_worker_provider_info{configured_provider=\"CPU\",device=\"cpu\",model=\"")
                .contains("facesweep_worker_batches_in_flight{worker=\"app-it\"} 0.0")
                .contains("facesweep_worker_oldest_batch_age_seconds{worker=\"app-it\"} 0.0")
                .containsPattern("facesweep_worker_last_batch_timestamp_seconds\\{worker=\"app-it\"} 1\\.[0-9]+E9");
        // buckets from 10 ms to 60 s, nothing finer or coarser (brief: batch times of a tiny model to ViT-L on a CPU)
        assertThat(metrics.lines().filter(l -> l.startsWith("facesweep_worker_batch_duration_seconds_bucket{stage=\"infer\""))
                .map(l -> l.replaceAll(".*le=\"([^\"]+)\".*", "$1")).toList())
                .containsExactly("0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "10.0", "20.0",
                        "30.0", "60.0", "+Inf");

        context.close();
        context = null;
        assertThat(queues.depth(queues.names.batches())).isZero();
    }

    @Test
    void thePackagedWorkerStopsCleanlyOnSigterm() throws Exception {
        Path jar;
        try (var jars = Files.list(Path.of("target"))) {
            jar = jars.filter(p -> p.getFileName().toString().endsWith("-exec.jar")).findFirst().orElseThrow();
        }
        Path log = Files.createTempFile("worker", ".log");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "-Dserver.port=0", "-Dfacesweep.amqp.prefix=" + queues.prefix, "-jar",
                jar.toString(), "--broker", TestBroker.get().url(), "--model", Fixtures.clipTinyModel().toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(log)
                    .contains("consuming " + queues.names.batches()));
            assertThat(queues.channel().consumerCount(queues.names.batches())).isEqualTo(1);

            p.destroy(); // SIGTERM

            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(log)).contains("worker " + WorkerConfiguration.hostName()
                    + "-cpu stopped");
            assertThat(queues.channel().consumerCount(queues.names.batches())).isZero();
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }
}
