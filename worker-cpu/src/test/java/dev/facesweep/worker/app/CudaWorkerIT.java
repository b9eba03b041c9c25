package dev.facesweep.worker.app;

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
import dev.facesweep.testing.Fp16Bundles;
import dev.facesweep.worker.amqp.TestBroker;
import dev.facesweep.worker.amqp.TestQueues;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code --provider cuda} on a machine without an NVIDIA GPU, in whichever build this is: the default build has no
 * CUDA provider at all, a {@code -Pgpu} build has it but cannot load it here. Under the default {@code fail}
 * policy the packaged worker exits 2 with one line saying what to do; under {@code cpu} it scores on the CPU and
 * reports provider CPU against configured CUDA, with the CPU's tuning, in heartbeats, health and metrics.
 */
class CudaWorkerIT {

    private static final boolean GPU_BUILD = "onnxruntime_gpu".equals(System.getProperty(
            "facesweep.onnxruntime.artifact"));

    @TempDir
    Path tmp;

    private TestQueues queues;
    private ConfigurableApplicationContext context;

    @BeforeEach
    void topology() throws Exception {
        // a -Pgpu build on a box with an NVIDIA driver would really run CUDA: these are the no-GPU paths
        Assumptions.assumeFalse(GPU_BUILD && Files.exists(Path.of("/proc/driver/nvidia/version")),
                "this -Pgpu run has an NVIDIA driver, so CUDA may work here; measure it instead (docs/tuning.md)");
        queues = new TestQueues(TestBroker.get());
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (context != null) {
            context.close();
        }
        if (queues != null) {
            queues.close();
        }
    }

    @Test
    void thePackagedWorkerExitsTwoWithOneLineSayingWhatCudaNeeds() throws Exception {
        Path jar;
        try (var jars = Files.list(Path.of("target"))) {
            jar = jars.filter(p -> p.getFileName().toString().endsWith("-exec.jar")).findFirst().orElseThrow();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Dserver.port=0", "-jar", jar.toString(), "--broker",
                TestBroker.get().url(), "--model", Fixtures.clipTinyModel().toString(), "--provider", "cuda")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(p.exitValue()).isEqualTo(WorkerMain.USAGE);
        // the reason is the last line; before it, a -Pgpu build shows ONNX Runtime's own log of the library that
        // failed to load (e.g. libcublasLt.so.12), which the default build never gets to
        // (ONNX Runtime colours its log line; the colour reset stands on a line of its own)
        List<String> lines = stderr.lines().map(l -> l.replaceAll("\u001B\\[[0-9;]*m", ""))
                .filter(l -> !l.isBlank()).toList();
        assertThat(lines.subList(0, lines.size() - 1)).hasSize(GPU_BUILD ? 1 : 0)
                .allSatisfy(l -> assertThat(l).contains("[E:onnxruntime:").contains("libonnxruntime_providers_cuda.so"));
        assertThat(lines.get(lines.size() - 1))
                .startsWith(GPU_BUILD
                        ? "facesweep worker: CUDA cannot open the image model: model bundle "
                        : "facesweep worker: provider cuda is not in this build's ONNX Runtime (it has [CPU]): build "
                                + "the worker with ./mvnw -Pgpu -DskipTests package")
                .contains("CUDA 12 and cuDNN 9")
                .contains("docs/tuning.md")
                .endsWith("; or set facesweep.worker.cuda.fallback=cpu to run on the CPU instead");
    }

    @Test
    void theCpuFallbackScoresAnFp16BundleAndReportsCpuAgainstConfiguredCuda() throws Exception {
        Path fp16 = Fp16Bundles.make(tmp.resolve("fp16"), true);
        String heartbeats = queues.channel().queueDeclare().getQueue();
        queues.channel().exchangeDeclare(queues.names.heartbeats(), "fanout", true);
        queues.channel().queueBind(heartbeats, queues.names.heartbeats(), "");
        Path images = Fixtures.clipTinyImages();
        Map<String, Object> props = new HashMap<>(WorkerMain.parse(new String[] {"--broker", TestBroker.get().url(),
                "--model", fp16.toString(), "--provider", "cuda", "--allow-root", images.toString(), "--port", "0"}));
        props.put("facesweep.amqp.prefix", queues.prefix);
        props.put("facesweep.amqp.heartbeat-interval", "300ms");
        props.put("facesweep.worker.cuda.fallback", "cpu");
        context = WorkerMain.start(props);
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();

        String modelId = ModelBundle.load(fp16).modelId();
        Path image = images.resolve("face_05_sg.png");
        queues.publish(new BatchMessage("scan-cuda", "b-cuda", modelId, "h", 1,
                List.of(new BatchImage(new ContentHash().sha256(image), image.toString()))));
        List<ResultMessage> results = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (GetResponse r : queues.drain(queues.names.results())) {
                results.add(queues.codec.decodeResult(r.getBody()));
            }
            return !results.isEmpty();
        });
        assertThat(results.get(0).results().get(0).failed()).as(results.get(0).results().get(0).error()).isFalse();
        assertThat(results.get(0).modelId()).isEqualTo(modelId);

        List<Heartbeat> beats = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            GetResponse r = queues.take(heartbeats);
            if (r != null) {
                beats.add(queues.codec.decodeHeartbeat(r.getBody()));
            }
            return !beats.isEmpty();
        });
        Heartbeat beat = beats.get(0);
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(beat.provider()).isEqualTo("CPU");
        assertThat(beat.configuredProvider()).isEqualTo("CUDA");
        assertThat(beat.device()).isEqualTo("cpu");
        assertThat(beat.batchSize()).isEqualTo(CpuSessionConfigurer.DEFAULT_BATCH_SIZE);
        assertThat(beat.tuning()).isEqualTo(new Heartbeat.Tuning(cores, 1, "cpu defaults for " + cores
                + " cores (fallback from cuda)"));

        assertThat(get(port, "/actuator/health")).contains("\"provider\":\"CPU\"")
                .contains("\"configuredProvider\":\"CUDA\"").contains("\"providerFallback\":true");
        assertThat(get(port, "/actuator/prometheus"))
                .contains("facesweep_worker_provider_info{configured_provider=\"CUDA\",device=\"cpu\",model=\""
                        + modelId + "\",provider=\"CPU\",worker=\"" + WorkerConfiguration.hostName() + "-cuda\"} 1");
    }

    private static String get(int port, String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }
}
