package dev.facesweep.coordinator.metrics;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real Prometheus ({@code /usr/bin/prometheus}, Debian's package) in a temporary folder on a free port, and a client
 * for its HTTP API.
 */
final class PrometheusServer implements AutoCloseable {

    /** One series of a query result: its labels and its (time, value) samples; values may be NaN. */
    record Series(Map<String, String> labels, List<double[]> samples) {

        /** True when some sample is a number (not NaN). */
        boolean hasNumber() {
            return samples.stream().anyMatch(s -> !Double.isNaN(s[1]));
        }

        double last() {
            return samples.get(samples.size() - 1)[1];
        }
    }

    private final Process process;
    private final Path log;
    private final URI base;
    private final HttpClient http = HttpClient.newHttpClient();

    private PrometheusServer(Process process, Path log, URI base) {
        this.process = process;
        this.log = log;
        this.base = base;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Starts Prometheus with {@code config} (written into {@code dir}) and waits until it is ready. */
    static PrometheusServer start(Path dir, String config) throws IOException {
        Path binary = DeployFiles.prometheus();
        Path configFile = dir.resolve("prometheus.yml");
        Files.writeString(configFile, config);
        int port = freePort();
        Path log = dir.resolve("prometheus.log");
        Process process = new ProcessBuilder(binary.toString(), "--config.file=" + configFile,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PrometheusServer server = new PrometheusServer(process, log, URI.create("http://127.0.0.1:" + port));
        try {
            await("Prometheus ready").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new AssertionError("prometheus exited: " + Files.readString(log));
                        }
                        return server.status("/-/ready") == 200;
                    });
        } catch (RuntimeException | AssertionError e) {
            server.close();
            throw e;
        }
        return server;
    }

    private int status(String path) {
        try {
            return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private JsonNode api(String path, Map<String, String> params) {
        StringBuilder form = new StringBuilder();
        params.forEach((k, v) -> form.append(form.isEmpty() ? "" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        try {
            HttpRequest.Builder request = params.isEmpty()
                    ? HttpRequest.newBuilder(base.resolve(path)).GET()
                    : HttpRequest.newBuilder(base.resolve(path)).header("Content-Type",
                            "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form.toString()));
            HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = JsonMapper.shared().readTree(r.body());
            if (r.statusCode() != 200 || !body.path("status").asString().equals("success")) {
                throw new AssertionError("Prometheus " + path + " " + params + " -> " + r.statusCode() + " " + r.body());
            }
            return body.path("data");
        } catch (IOException e) {
            throw new AssertionError("Prometheus " + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    /** An instant query now; fails the test when Prometheus refuses the expression. */
    List<Series> query(String expr) {
        return series(api("/api/v1/query", Map.of("query", expr)));
    }

    /** An instant query at {@code time}. */
    List<Series> query(String expr, double epochSeconds) {
        return series(api("/api/v1/query", Map.of("query", expr, "time", Double.toString(epochSeconds))));
    }

    /** A range query, as a Grafana time series panel sends it. */
    List<Series> queryRange(String expr, Instant start, Instant end, Duration step) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("query", expr);
        params.put("start", Double.toString(start.toEpochMilli() / 1000.0));
        params.put("end", Double.toString(end.toEpochMilli() / 1000.0));
        params.put("step", Double.toString(step.toMillis() / 1000.0));
        return series(api("/api/v1/query_range", params));
    }

    /** The loaded rules: name (alert or record) to expression. */
    Map<String, String> rules() {
        Map<String, String> rules = new LinkedHashMap<>();
        for (JsonNode group : api("/api/v1/rules", Map.of()).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                rules.put(rule.path("name").asString(), rule.path("query").asString());
            }
        }
        return rules;
    }

    private static List<Series> series(JsonNode data) {
        List<Series> out = new ArrayList<>();
        String type = data.path("resultType").asString();
        if (type.equals("scalar")) {
            JsonNode v = data.path("result");
            out.add(new Series(Map.of(), List.<double[]>of(new double[] {v.get(0).asDouble(), number(v.get(1))})));
            return out;
        }
        for (JsonNode item : data.path("result")) {
            Map<String, String> labels = new LinkedHashMap<>();
            item.path("metric").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asString()));
            List<double[]> samples = new ArrayList<>();
            if (item.has("value")) {
                samples.add(new double[] {item.get("value").get(0).asDouble(), number(item.get("value").get(1))});
            }
            for (JsonNode v : item.path("values")) {
                samples.add(new double[] {v.get(0).asDouble(), number(v.get(1))});
            }
            out.add(new Series(labels, samples));
        }
        return out;
    }

    private static double number(JsonNode text) {
        return switch (text.asString()) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text.asString());
        };
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
