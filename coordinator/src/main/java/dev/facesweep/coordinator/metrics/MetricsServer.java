package dev.facesweep.coordinator.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics}: a Prometheus registry in the Prometheus text format (OpenMetrics when the scraper asks for
 * it), on the JDK's HTTP server, for processes without a web framework ({@code facesweep scan}). One daemon thread;
 * read-only; every other path answers 404 naming {@code /metrics}.
 */
public final class MetricsServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);
    /** The path Prometheus scrapes. */
    public static final String PATH = "/metrics";
    static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPEN_METRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;
    private final String bind;

    private MetricsServer(HttpServer server, ExecutorService executor, String bind) {
        this.server = server;
        this.executor = executor;
        this.bind = bind;
    }

    /**
     * Listens on {@code bind:port} (port 0 picks a free one).
     *
     * @throws IOException when the address cannot be bound (e.g. {@link java.net.BindException}: port in use)
     */
    public static MetricsServer start(String bind, int port, PrometheusMeterRegistry registry) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(bind, port), 16);
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "facesweep-metrics-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            try (exchange) {
                handle(exchange, registry);
            } catch (IOException | RuntimeException e) {
                log.debug("metrics request failed: {}", e.toString());
            }
        });
        server.start();
        return new MetricsServer(server, executor, bind);
    }

    private static void handle(HttpExchange exchange, PrometheusMeterRegistry registry) throws IOException {
        String method = exchange.getRequestMethod();
        if (!exchange.getRequestURI().getPath().equals(PATH)) {
            send(exchange, 404, "text/plain; charset=utf-8",
                    ("not found; Prometheus metrics are at " + PATH + "\n").getBytes(StandardCharsets.UTF_8), method);
            return;
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            exchange.getResponseHeaders().add("Allow", "GET, HEAD");
            send(exchange, 405, "text/plain; charset=utf-8", "use GET\n".getBytes(StandardCharsets.UTF_8), method);
            return;
        }
        String accept = exchange.getRequestHeaders().getFirst("Accept");
        String contentType = accept != null && accept.contains("application/openmetrics-text")
                ? OPEN_METRICS : TEXT;
        ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
        registry.scrape(body, contentType);
        send(exchange, 200, contentType, body.toByteArray(), method);
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body, String method)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = method.equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** The port listened on (the real one when started with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Where to scrape, naming this host when bound to every address. */
    public String url() {
        String host = bind;
        if (host.equals("0.0.0.0") || host.equals("::") || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "localhost";
            }
        }
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + port() + PATH;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
