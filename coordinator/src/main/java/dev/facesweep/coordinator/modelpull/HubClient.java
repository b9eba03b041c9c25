package dev.facesweep.coordinator.modelpull;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GET requests to the hub. Redirects are followed here rather than by {@link HttpClient}, so that the token
 * goes to the hub's own origin only and never to the storage host a file redirects to.
 */
final class HubClient {

    private static final int MAX_REDIRECTS = 10;
    private static final String USER_AGENT = "facesweep-model-pull";
    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

    private final HttpClient http;
    private final PullConfig config;

    HubClient(HttpClient http, PullConfig config) {
        this.http = Objects.requireNonNull(http, "http");
        this.config = Objects.requireNonNull(config, "config");
    }

    static HttpClient newHttpClient(PullConfig config) {
        return HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** The final (non-redirect) answer; the caller closes its body. */
    HttpResponse<InputStream> get(URI uri, Map<String, String> headers) throws IOException, InterruptedException {
        URI current = uri;
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(current)
                    .timeout(config.idleTimeout())
                    .header("User-Agent", USER_AGENT)
                    .GET();
            headers.forEach(request::header);
            if (config.token().isPresent() && sameOrigin(current, config.hubUrl())) {
                request.header("Authorization", "Bearer " + config.token().get());
            }
            HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            if (!isRedirect(response.statusCode())) {
                return response;
            }
            response.body().close();
            if (hop >= MAX_REDIRECTS) {
                throw new IOException("more than " + MAX_REDIRECTS + " redirects");
            }
            current = redirectTarget(current, response);
        }
    }

    /** The {@code rel="next"} page of a paginated listing, if any. */
    static Optional<URI> nextPage(URI current, HttpResponse<?> response) {
        for (String link : response.headers().allValues("Link")) {
            Matcher m = NEXT_LINK.matcher(link);
            if (m.find()) {
                try {
                    return Optional.of(current.resolve(m.group(1)));
                } catch (IllegalArgumentException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static URI redirectTarget(URI current, HttpResponse<?> response) throws IOException {
        String location = response.headers().firstValue("Location")
                .orElseThrow(() -> new IOException("HTTP " + response.statusCode() + " redirect without a Location"));
        URI next;
        try {
            next = current.resolve(location);
        } catch (IllegalArgumentException e) {
            throw new IOException("redirect to a malformed location");
        }
        String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new IOException("redirect to a non-http location");
        }
        if ("https".equalsIgnoreCase(current.getScheme()) && scheme.equals("http")) {
            throw new IOException("refused a redirect from https to plain http");
        }
        return next;
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static int port(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }
}
