package dev.facesweep.coordinator.modelpull;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Hugging Face-shaped hub on 127.0.0.1 for tests: {@code /api/models/{repo}/tree/main} listings,
 * {@code /{repo}/resolve/main/{path}} downloads with Range support, and switches that misbehave on purpose
 * (ignore Range, drop or stall a connection half-way, redirect downloads to another host name, lie about a
 * checksum). Every request is recorded.
 */
final class FakeHub implements AutoCloseable {

    /** One request as the server saw it, with the status it answered. */
    record Request(String path, String query, String range, String authorization, int status) {
    }

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, Map<String, byte[]>> repos = new ConcurrentHashMap<>();
    private final Map<String, String> fakeSha256 = new ConcurrentHashMap<>();
    private final Map<String, Interruption> interruptions = new ConcurrentHashMap<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    final List<Request> requests = new CopyOnWriteArrayList<>();
    volatile boolean ignoreRange;
    volatile boolean redirectDownloads;

    /** What happens on the next download of one file: send {@code bytes} bytes, then wait for {@code go}, then break. */
    private record Interruption(long bytes, CountDownLatch go, boolean stall) {
    }

    FakeHub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    void addRepo(String repo, Map<String, byte[]> files) {
        repos.put(repo, new LinkedHashMap<>(files));
    }

    /** The listing of {@code path} will give this SHA-256 instead of the real one. */
    void lieAboutSha256(String path, String sha256) {
        fakeSha256.put(path, sha256);
    }

    /**
     * The next download of {@code path} sends the first {@code bytes} bytes of its answer, waits until {@code go}
     * opens, then drops the connection.
     */
    void dropOnce(String path, long bytes, CountDownLatch go) {
        interruptions.put(path, new Interruption(bytes, go, false));
    }

    /** The next download of {@code path} sends {@code bytes} bytes and then goes silent until the hub closes. */
    void stallOnce(String path, long bytes) {
        interruptions.put(path, new Interruption(bytes, closing, true));
    }

    List<Request> requestsFor(String suffix) {
        return requests.stream().filter(r -> r.path().endsWith(suffix)).toList();
    }

    @Override
    public void close() {
        if (closing.getCount() == 0) {
            return;
        }
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (path.startsWith("/api/models/")) {
                listing(exchange, path.substring("/api/models/".length()));
            } else if (path.startsWith("/cdn/")) {
                download(exchange, path.substring("/cdn/".length()), false);
            } else {
                download(exchange, path.substring(1), redirectDownloads);
            }
        }
    }

    private void listing(HttpExchange exchange, String rest) throws IOException {
        String repo = rest.replaceFirst("/tree/main/?$", "");
        Map<String, byte[]> files = repos.get(repo);
        if (files == null || repo.equals(rest)) {
            exchange.getResponseHeaders().add("X-Error-Code", "RepoNotFound");
            answer(exchange, 404, "{\"error\":\"Repository not found\"}");
            return;
        }
        List<Map<String, Object>> entries = new ArrayList<>();
        Set<String> dirs = new TreeSet<>();
        for (String file : files.keySet()) {
            for (int i = file.indexOf('/'); i > 0; i = file.indexOf('/', i + 1)) {
                dirs.add(file.substring(0, i));
            }
        }
        for (String dir : dirs) {
            entries.add(Map.of("type", "directory", "oid", "0".repeat(40), "size", 0, "path", dir));
        }
        files.forEach((file, bytes) -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("type", "file");
            entry.put("oid", "1".repeat(40));
            entry.put("size", bytes.length);
            entry.put("path", file);
            if (file.endsWith(".onnx") || file.endsWith(".gz")) {
                entry.put("lfs", Map.of("oid", fakeSha256.getOrDefault(file, sha256(bytes)), "size", bytes.length,
                        "pointerSize", 134));
            }
            entries.add(entry);
        });
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        answer(exchange, 200, JSON.writeValueAsString(entries));
    }

    private void download(HttpExchange exchange, String rest, boolean redirect) throws IOException {
        String[] parts = rest.split("/resolve/main/", 2);
        Map<String, byte[]> files = parts.length == 2 ? repos.get(parts[0]) : null;
        byte[] bytes = files == null ? null : files.get(parts[1]);
        if (bytes == null) {
            answer(exchange, 404, "Entry not found");
            return;
        }
        if (redirect) {
            exchange.getResponseHeaders().add("Location",
                    "http://localhost:" + server.getAddress().getPort() + "/cdn/" + parts[0] + "/resolve/main/" + parts[1]);
            answer(exchange, 302, "");
            return;
        }
        String range = exchange.getRequestHeaders().getFirst("Range");
        Matcher m = range == null ? null : RANGE.matcher(range);
        int start = m != null && m.matches() && !ignoreRange ? Integer.parseInt(m.group(1)) : 0;
        boolean partial = m != null && m.matches() && !ignoreRange;
        if (start >= bytes.length && partial) {
            answer(exchange, 416, "");
            return;
        }
        int status = partial ? 206 : 200;
        record(exchange, status);
        if (partial) {
            exchange.getResponseHeaders().add("Content-Range",
                    "bytes " + start + "-" + (bytes.length - 1) + "/" + bytes.length);
        }
        exchange.sendResponseHeaders(status, bytes.length - start);
        OutputStream out = exchange.getResponseBody();
        Interruption interruption = interruptions.remove(parts[1]);
        if (interruption == null) {
            out.write(bytes, start, bytes.length - start);
            return;
        }
        out.write(bytes, start, (int) interruption.bytes());
        out.flush();
        awaitQuietly(interruption.go());
        // Throwing out of the handler makes the server close the connection mid-body.
        throw new IOException(interruption.stall() ? "stalled connection ends" : "connection dropped on purpose");
    }

    private void answer(HttpExchange exchange, int status, String body) throws IOException {
        record(exchange, status);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    private void record(HttpExchange exchange, int status) {
        requests.add(new Request(exchange.getRequestURI().getPath(), exchange.getRequestURI().getQuery(),
                exchange.getRequestHeaders().getFirst("Range"), exchange.getRequestHeaders().getFirst("Authorization"),
                status));
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
