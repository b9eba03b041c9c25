package dev.facesweep.worker.directml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.GetResponse;
import dev.facesweep.corpus.ContentHash;
import dev.facesweep.model.CpuSessionConfigurer;
import dev.facesweep.model.ModelBundle;
import dev.facesweep.protocol.BatchImage;
import dev.facesweep.protocol.BatchMessage;
import dev.facesweep.protocol.Heartbeat;
import dev.facesweep.protocol.ResultMessage;
import dev.facesweep.testing.Fixtures;
import dev.facesweep.worker.amqp.TestBroker;
import dev.facesweep.worker.amqp.TestQueues;
import dev.facesweep.worker.app.WorkerMain;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code --provider dml} on this Linux machine, where DirectML cannot exist: the packaged worker jar refuses to
 * start under the default {@code fail} policy, and under {@code cpu} it runs on the CPU and says so everywhere.
 */
@EnabledOnOs(OS.LINUX)
class DirectMlWorkerIT {

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

    @Test
    void thePackagedWorkerExitsTwoWithOneLineWhenDirectMlIsMissing() throws Exception {
        Path jar = Path.of("target", "facesweep-worker.jar").toAbsolutePath();
        assertThat(jar).exists();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-jar", jar.toString(), "--broker", TestBroker.get().url(), "--model",
                Fixtures.clipTinyModel().toString(), "--provider", "dml")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(stderr).doesNotContain("\n")
                .startsWith("facesweep worker: DirectML is not available: it needs Windows and the loaded ONNX "
                        + "Runtime has no DirectML provider")
                .contains("deploy/windows/install-worker.ps1")
                .endsWith("; or set facesweep.worker.dml.fallback=cpu to run on the CPU instead");
    }

    @Test
    void theCpuFallbackScoresAndReportsProviderCpuAgainstConfiguredDirectMl() throws Exception {
        String heartbeats = queues.channel().queueDeclare().getQueue();
        queues.channel().exchangeDeclare(queues.names.heartbeats(), "fanout", true);
        queues.channel().queueBind(heartbeats, queues.names.heartbeats(), "");
        Path images = Fixtures.clipTinyImages();
        Map<String, Object> props = new HashMap<>(Map.of(
                "facesweep.amqp.url", TestBroker.get().url(),
                "facesweep.amqp.prefix", queues.prefix,
                "facesweep.amqp.heartbeat-interval", "300ms",
                "facesweep.worker.model", Fixtures.clipTinyModel().toString(),
                "facesweep.worker.provider", "dml",
                "facesweep.worker.dml.fallback", "cpu",
                "facesweep.worker.allowed-roots[0]", images.toString(),
                "server.port", "0"));
        context = WorkerMain.start(props);
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();

        String id = new ContentHash().sha256(images.resolve("face_01_sg.png"));
        String modelId = ModelBundle.load(Fixtures.clipTinyModel()).modelId();
        queues.publish(new BatchMessage("scan-dml", "b-dml", modelId, "h", 1,
                List.of(new BatchImage(id, images.resolve("face_01_sg.png").toString()))));
        List<ResultMessage> results = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (GetResponse r : queues.drain(queues.names.results())) {
                results.add(queues.codec.decodeResult(r.getBody()));
            }
            return !results.isEmpty();
        });
        assertThat(results.get(0).results().get(0).failed()).isFalse();

        String health = get(port, "/actuator/health");
        assertThat(health).contains("\"provider\":\"CPU\"").contains("\"configuredProvider\":\"DirectML\"")
                .contains("\"providerFallback\":true");
        assertThat(get(port, "/actuator/prometheus"))
                .contains("facesweep_worker_provider_info{configured_provider=\"DirectML\",device=\"cpu\",model=\""
                        + modelId + "\",provider=\"CPU\",worker=\"");
        List<Heartbeat> beats = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            GetResponse r = queues.take(heartbeats);
            if (r != null) {
                beats.add(queues.codec.decodeHeartbeat(r.getBody()));
            }
            return !beats.isEmpty();
        });
        assertThat(beats.get(0).provider()).isEqualTo("CPU");
        assertThat(beats.get(0).configuredProvider()).isEqualTo("DirectML");
        // on the CPU the CPU's tuning applies, not DirectML's (every core infers, one decodes), and it says why
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(beats.get(0).tuning()).isEqualTo(new Heartbeat.Tuning(cores, 1, "cpu defaults for " + cores
                + " cores (fallback from dml)"));
        assertThat(beats.get(0).batchSize()).isEqualTo(CpuSessionConfigurer.DEFAULT_BATCH_SIZE);
    }

    private static String get(int port, String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }
}
