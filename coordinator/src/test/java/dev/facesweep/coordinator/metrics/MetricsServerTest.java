package dev.facesweep.coordinator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code /metrics} on the JDK HTTP server, and the apply counters. */
class MetricsServerTest {

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesTheRegistryInTheFormatTheScraperAsksFor() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (MetricsServer server = MetricsServer.start("127.0.0.1", 0, registry)) {
            Counter.builder("facesweep.test.things").description("Things").register(registry).increment(3);
            URI base = URI.create("http://127.0.0.1:" + server.port());
            assertThat(server.url()).isEqualTo(base + "/metrics");

            HttpResponse<String> text = send(HttpRequest.newBuilder(base.resolve("/metrics")));
            assertThat(text.statusCode()).isEqualTo(200);
            assertThat(text.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
            assertThat(text.body()).contains("# HELP facesweep_test_things_total Things")
                    .contains("facesweep_test_things_total 3.0");

            HttpResponse<String> open = send(HttpRequest.newBuilder(base.resolve("/metrics"))
                    .header("Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"));
            assertThat(open.headers().firstValue("Content-Type")).hasValue(
                    "application/openmetrics-text; version=1.0.0; charset=utf-8");
            assertThat(open.body()).contains("facesweep_test_things_total 3.0").endsWith("# EOF\n");

            HttpResponse<String> other = send(HttpRequest.newBuilder(base.resolve("/actuator/prometheus")));
            assertThat(other.statusCode()).isEqualTo(404);
            assertThat(other.body()).contains("/metrics");
            HttpResponse<String> post = send(HttpRequest.newBuilder(base.resolve("/metrics"))
                    .POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(post.statusCode()).isEqualTo(405);
        } finally {
            registry.close();
        }
    }

    @Test
    void applyOperationsAreRegisteredUpFrontAndCountedByTypeAndResult() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try {
            ApplyMetrics metrics = new MicrometerApplyMetrics(registry, List.of("move", "rewrite_fsz"));
            assertThat(registry.scrape())
                    .contains("facesweep_apply_operations_total{result=\"done\",type=\"move\"} 0.0")
                    .contains("facesweep_apply_operations_total{result=\"failed\",type=\"rewrite_fsz\"} 0.0")
                    .contains("facesweep_apply_operations_total{result=\"reverted\",type=\"rewrite_fsz\"} 0.0");
            metrics.operation("move", ApplyMetrics.Result.DONE);
            metrics.operation("move", ApplyMetrics.Result.DONE);
            metrics.operation("rewrite_fsz", ApplyMetrics.Result.FAILED);
            assertThat(registry.scrape())
                    .contains("facesweep_apply_operations_total{result=\"done\",type=\"move\"} 2.0")
                    .contains("facesweep_apply_operations_total{result=\"failed\",type=\"rewrite_fsz\"} 1.0")
                    .contains("facesweep_apply_operations_total{result=\"done\",type=\"rewrite_fsz\"} 0.0");
        } finally {
            registry.close();
        }
    }
}
