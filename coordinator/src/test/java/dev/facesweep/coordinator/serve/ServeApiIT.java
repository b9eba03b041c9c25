package dev.facesweep.coordinator.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.facesweep.coordinator.cli.UsageError;
import dev.facesweep.coordinator.review.ReviewCorpus;
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
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code facesweep serve}'s REST API and actuator endpoints over real HTTP, on a scan with made-up scores. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class ServeApiIT {

    @TempDir
    static Path dir;

    private ReviewCorpus.Made corpus;
    private ReviewServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final JsonMapper json = JsonMapper.builder().build();

    @BeforeAll
    void start() throws Exception {
        corpus = ReviewCorpus.make(dir);
        server = ReviewServer.start(Map.of("server.port", 0, "facesweep.serve.state", corpus.state().toString()));
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void bindsToLoopbackByDefault() {
        assertThat(server.address()).isEqualTo("127.0.0.1");
        assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.port() + "/");
    }

    @Test
    void listsScansAndServesTheSheet() throws Exception {
        JsonNode scans = getJson("/api/scans", 200);
        assertThat(scans.size()).isEqualTo(1);
        assertThat(scans.get(0).get("id").asString()).isEqualTo(corpus.scanId());
        assertThat(scans.get(0).get("images").asLong()).isEqualTo(20);

        JsonNode sheet = getJson("/api/scans/" + corpus.scanId(), 200);
        assertThat(sheet.get("facesets").size()).isEqualTo(5);
        assertThat(sheet.get("counts").get("quarantine_masked").asInt()).isEqualTo(1);
    }

    @Test
    void previewFollowsTheThresholdQuery() throws Exception {
        JsonNode normal = getJson("/api/scans/" + corpus.scanId() + "/plan-preview", 200);
        JsonNode strict = getJson("/api/scans/" + corpus.scanId() + "/plan-preview?image-threshold=0.99", 200);
        JsonNode perAttribute = getJson("/api/scans/" + corpus.scanId() + "/plan-preview?attribute-threshold="
                + URLEncoder.encode("sunglasses=0.9", StandardCharsets.UTF_8), 200);

        assertThat(normal.get("counts").get("keep").asInt()).isEqualTo(2);
        assertThat(strict.get("counts").get("keep").asInt()).isEqualTo(5);
        assertThat(strict.get("thresholds").get("image").asDouble()).isEqualTo(0.99);
        // sunglasses at 0.9: m2 (.88) and t1 (.80) no longer flagged -> masked 1/4 prunes... but 3 survivors: thin
        assertThat(faceset(perAttribute, "faceset_thin").get("action").asString()).isEqualTo("keep");
        assertThat(faceset(perAttribute, "faceset_masked").get("action").asString()).isEqualTo("quarantine_thin");
        assertThat(send("GET", "/api/scans/" + corpus.scanId() + "/plan-preview?image-threshold=1.5", null)
                .statusCode()).isEqualTo(400);
        assertThat(send("GET", "/api/scans/" + corpus.scanId() + "/plan-preview?image-threshold=abc", null)
                .statusCode()).isEqualTo(400);
    }

    @Test
    void overridesArePutAndRead() throws Exception {
        String p1 = "faceset_prune/faces/p1.png";
        HttpResponse<String> put = send("PUT", "/api/scans/" + corpus.scanId() + "/overrides/images",
                "{\"path\": \"" + p1 + "\", \"force\": \"keep\"}");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        try {
            assertThat(getJson("/api/scans/" + corpus.scanId() + "/overrides", 200).get("images").get(p1)
                    .asString()).isEqualTo("keep");
            assertThat(faceset(getJson("/api/scans/" + corpus.scanId() + "/plan-preview", 200), "faceset_prune")
                    .get("action").asString()).isEqualTo("keep");
            assertThat(Files.readString(corpus.state().resolve("reviews").resolve(corpus.scanId())
                    .resolve("overrides.json"))).contains(p1);
        } finally {
            send("PUT", "/api/scans/" + corpus.scanId() + "/overrides", "{}");
        }
        assertThat(send("PUT", "/api/scans/" + corpus.scanId() + "/overrides/images",
                "{\"path\": \"nope.png\", \"force\": \"keep\"}").statusCode()).isEqualTo(404);
        assertThat(send("PUT", "/api/scans/" + corpus.scanId() + "/overrides/images",
                "{\"path\": \"" + p1 + "\", \"force\": \"maybe\"}").statusCode()).isEqualTo(400);
        // a plain form post (what a foreign page can send without CORS) is refused
        HttpResponse<String> form = http.send(HttpRequest.newBuilder(uri("/api/scans/" + corpus.scanId()
                        + "/overrides/images")).header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"path\": \"" + p1 + "\", \"force\": \"drop\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(form.statusCode()).isEqualTo(415);
    }

    @Test
    void servesThumbnailsAsJpeg() throws Exception {
        JsonNode sheet = getJson("/api/scans/" + corpus.scanId(), 200);
        String sha = sheet.get("facesets").get(0).get("images").get(0).get("sha256").asString();

        HttpResponse<byte[]> thumb = http.send(HttpRequest.newBuilder(uri("/api/scans/" + corpus.scanId()
                + "/thumbs/" + sha)).build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(thumb.statusCode()).isEqualTo(200);
        assertThat(thumb.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        assertThat(thumb.body()[0] & 0xFF).isEqualTo(0xFF);
        assertThat(send("GET", "/api/scans/" + corpus.scanId() + "/thumbs/" + "0".repeat(64), null).statusCode())
                .isEqualTo(404);
        assertThat(send("GET", "/api/scans/" + corpus.scanId() + "/thumbs/..%2F..%2Fetc%2Fpasswd", null)
                .statusCode()).isIn(400, 404);
    }

    @Test
    void applyNeedsTheTypedPlanIdThenAppliesThroughTheJournal(@TempDir Path own) throws Exception {
        // its own corpus and server: this test changes the files
        ReviewCorpus.Made mine = ReviewCorpus.make(own);
        try (ReviewServer other = ReviewServer.start(Map.of("server.port", 0, "facesweep.serve.state",
                mine.state().toString()))) {
            String base = "http://127.0.0.1:" + other.port();
            HttpResponse<String> created = send("POST", base + "/api/scans/" + mine.scanId() + "/plans", null);
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String planId = json.readTree(created.body()).get("plan").asString();
            assertThat(json.readTree(created.body()).get("problems").size()).isZero();
            assertThat(mine.state().resolve("plans").resolve(planId + ".json")).isRegularFile();

            assertThat(send("POST", base + "/api/plans/" + planId + "/apply", "{}").statusCode()).isEqualTo(400);
            HttpResponse<String> wrong = send("POST", base + "/api/plans/" + planId + "/apply",
                    "{\"confirm\": \"wrong\"}");
            assertThat(wrong.statusCode()).isEqualTo(400);
            assertThat(wrong.body()).contains("nothing was applied");
            assertThat(send("POST", base + "/api/plans/" + planId + "/apply", null).statusCode()).isIn(400, 415);
            assertThat(mine.root().resolve("faceset_masked")).isDirectory();
            assertThat(mine.state().resolve("applies")).doesNotExist();

            HttpResponse<String> confirmed = send("POST", base + "/api/plans/" + planId + "/apply",
                    "{\"confirm\": \"" + planId + "\"}");

            assertThat(confirmed.statusCode()).as(confirmed.body()).isEqualTo(200);
            assertThat(json.readTree(confirmed.body()).get("apply").asString()).isNotBlank();
            assertThat(mine.root().resolve("faceset_masked")).doesNotExist();
            assertThat(mine.root().resolve("_masked/faceset_masked/faces/m1.png")).isRegularFile();
            assertThat(mine.root().resolve("_thin/faceset_thin/faces/t1.png")).isRegularFile();
            assertThat(mine.root().resolve("faceset_prune/faces/p1.png")).doesNotExist();
            assertThat(mine.root().resolve("faceset_prune/faces/_dropped/p1.png")).isRegularFile();
            assertThat(mine.root().resolve("faceset_keep/faces/k1.png")).isRegularFile();
            assertThat(send("POST", base + "/api/plans/nope/apply", "{\"confirm\": \"nope\"}").statusCode())
                    .isEqualTo(404);
        }
    }

    @Test
    void unknownScanIs404WithAOneLineReason() throws Exception {
        HttpResponse<String> r = send("GET", "/api/scans/20990101-000000-abcdef", null);

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(json.readTree(r.body()).get("detail").asString()).contains("no scan '20990101-000000-abcdef'");
    }

    @Test
    void exposesHealthAndPrometheus() throws Exception {
        HttpResponse<String> health = send("GET", "/actuator/health", null);
        HttpResponse<String> prometheus = send("GET", "/actuator/prometheus", null);

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"");
        assertThat(prometheus.statusCode()).isEqualTo(200);
        assertThat(prometheus.body()).contains("jvm_memory_used_bytes").contains("http_server_requests_seconds");
        assertThat(send("GET", "/actuator/env", null).statusCode()).isEqualTo(404);
    }

    @Test
    void servesTheReviewPage() throws Exception {
        HttpResponse<String> page = send("GET", "/", null);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>facesweep review</title>").contains("review.js");
        assertThat(send("GET", "/review.js", null).statusCode()).isEqualTo(200);
    }

    @Test
    void startupProblemsAreOneLineUsageErrors() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> ReviewServer.start(Map.of("server.port", taken.getLocalPort(),
                    "facesweep.serve.state", corpus.state().toString())))
                    .isInstanceOf(UsageError.class)
                    .hasMessageContaining("port " + taken.getLocalPort() + " is already in use");
        }
        assertThatThrownBy(() -> ReviewServer.start(Map.of("server.port", 0, "facesweep.serve.state",
                corpus.state().toString(), "facesweep.serve.thumbnails.size", 5)))
                .isInstanceOf(UsageError.class)
                .hasMessageContaining("facesweep.serve.thumbnails.size must be between 16 and 1024");
        assertThatThrownBy(() -> ReviewServer.start(Map.of("server.port", 0)))
                .isInstanceOf(UsageError.class).hasMessageContaining("facesweep.serve.state is not set");
    }

    private JsonNode faceset(JsonNode preview, String name) {
        for (JsonNode f : preview.get("facesets")) {
            if (f.get("name").asString().equals(name)) {
                return f;
            }
        }
        throw new AssertionError("no face set " + name + " in " + preview);
    }

    private JsonNode getJson(String path, int status) throws Exception {
        HttpResponse<String> r = send("GET", path, null);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(status);
        return json.readTree(r.body());
    }

    private HttpResponse<String> send(String method, String path, String body) throws IOException,
            InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(path.startsWith("http") ? URI.create(path) : uri(path)).timeout(Duration.ofSeconds(30));
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }
}
