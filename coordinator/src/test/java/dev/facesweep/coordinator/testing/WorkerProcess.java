package dev.facesweep.coordinator.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real worker process, started from worker-cpu's packaged jar, as {@code facesweep worker} runs it. */
public final class WorkerProcess implements AutoCloseable {

    /** Set by the coordinator's pom (failsafe) to worker-cpu's {@code -exec.jar}. */
    public static final String JAR_PROPERTY = "facesweep.worker.jar";

    public final String id;
    public final int port;
    private final Process process;
    private final Path log;
    private final HttpClient http = HttpClient.newHttpClient();

    private WorkerProcess(String id, int port, Process process, Path log) {
        this.id = id;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    public static Path jar() {
        String configured = System.getProperty(JAR_PROPERTY);
        if (configured == null || !Files.isRegularFile(Path.of(configured))) {
            throw new AssertionError("the worker jar (" + configured + ") is missing: build it with ./mvnw -B -pl"
                    + " coordinator -am verify (worker-cpu is packaged first), or set -D" + JAR_PROPERTY + "=JAR");
        }
        return Path.of(configured);
    }

    public static WorkerProcess start(String id, int port, String amqpUrl, String queuePrefix, Path model, Path allowedRoot,
            Path logDir) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = logDir.resolve(id + ".log");
        Process process = new ProcessBuilder(List.of(java, "-Xmx256m", "-Dfacesweep.amqp.prefix=" + queuePrefix,
                "-Dfacesweep.worker.id=" + id, "-Dfacesweep.amqp.heartbeat-interval=1s", "-jar", jar().toString(),
                "--broker", amqpUrl, "--model", model.toString(), "--allow-root", allowedRoot.toString(),
                "--port", Integer.toString(port)))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new WorkerProcess(id, port, process, log);
    }

    /** Waits until {@code /actuator/health} says UP (connected to the broker). */
    public void awaitUp() {
        await("worker " + id + " up").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("worker " + id + " exited: " + Files.readString(log));
            }
            try {
                return get("/actuator/health").contains("\"status\":\"UP\"");
            } catch (IOException e) {
                return false;
            }
        });
    }

    public String get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Kills the process at once (SIGKILL), as a crash or a pulled plug would. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
