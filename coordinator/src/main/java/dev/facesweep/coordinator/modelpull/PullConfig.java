package dev.facesweep.coordinator.modelpull;

import dev.facesweep.model.ModelCache;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how {@link ModelPuller} downloads: a Hugging Face-compatible hub, the organisation that holds the
 * Immich-format bundles, an optional access token, and the network limits.
 *
 * @param hubUrl         hub base URL; files are fetched from {@code {hubUrl}/{organization}/{NAME}/resolve/main/{path}}
 * @param organization   owner of the model repositories ({@code immich-app})
 * @param token          bearer token sent to the hub only (never to redirect targets, never logged)
 * @param connectTimeout limit for opening a connection
 * @param idleTimeout    limit for waiting on an answer, and for a download that receives no byte
 * @param attempts       tries per file before giving up (network failures and 5xx answers are retried)
 * @param retryDelay     pause before the second try, growing linearly with each further try
 */
public record PullConfig(URI hubUrl, String organization, Optional<String> token, Duration connectTimeout,
                         Duration idleTimeout, int attempts, Duration retryDelay) {

    public static final URI DEFAULT_HUB = URI.create("https://huggingface.co");
    public static final String DEFAULT_ORGANIZATION = "immich-app";
    /** Environment variable with the hub token (the Hugging Face convention). */
    public static final String TOKEN_ENV = "HF_TOKEN";
    /** Environment variable with another hub base URL, e.g. a mirror (the Hugging Face convention). */
    public static final String ENDPOINT_ENV = "HF_ENDPOINT";

    public PullConfig {
        Objects.requireNonNull(hubUrl, "hubUrl");
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(retryDelay, "retryDelay");
        String scheme = hubUrl.getScheme();
        if (hubUrl.getHost() == null || !("http".equals(scheme) || "https".equals(scheme))) {
            throw new IllegalArgumentException("hub URL " + hubUrl + " is not an http(s) URL: use e.g. " + DEFAULT_HUB);
        }
        if (organization.isBlank() || organization.contains("/")) {
            throw new IllegalArgumentException("hub organization '" + organization + "' must be one name, e.g. "
                    + DEFAULT_ORGANIZATION);
        }
        if (attempts < 1) {
            throw new IllegalArgumentException("download attempts must be at least 1, got " + attempts);
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero() || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("download timeouts must be positive");
        }
        if (retryDelay.isNegative()) {
            throw new IllegalArgumentException("retry delay must not be negative");
        }
        token = token.filter(t -> !t.isBlank()).map(String::trim);
    }

    /** huggingface.co / immich-app, no token, 30 s to connect, 60 s idle limit, 3 tries 2 s apart. */
    public static PullConfig defaults() {
        return new PullConfig(DEFAULT_HUB, DEFAULT_ORGANIZATION, Optional.empty(), Duration.ofSeconds(30),
                Duration.ofSeconds(60), 3, Duration.ofSeconds(2));
    }

    /** The defaults with {@value #TOKEN_ENV} and {@value #ENDPOINT_ENV} applied when set. */
    public static PullConfig fromEnvironment(Map<String, String> env) {
        PullConfig config = defaults().withToken(env.get(TOKEN_ENV));
        String endpoint = env.get(ENDPOINT_ENV);
        if (endpoint != null && !endpoint.isBlank()) {
            try {
                config = config.withHubUrl(new URI(endpoint.trim()));
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(ENDPOINT_ENV + "=" + endpoint + " is not a URL: " + e.getReason());
            }
        }
        return config;
    }

    public PullConfig withHubUrl(URI url) {
        return new PullConfig(url, organization, token, connectTimeout, idleTimeout, attempts, retryDelay);
    }

    public PullConfig withOrganization(String org) {
        return new PullConfig(hubUrl, org, token, connectTimeout, idleTimeout, attempts, retryDelay);
    }

    /** A null or blank token means none. */
    public PullConfig withToken(String newToken) {
        return new PullConfig(hubUrl, organization, Optional.ofNullable(newToken), connectTimeout, idleTimeout,
                attempts, retryDelay);
    }

    public PullConfig withTimeouts(Duration connect, Duration idle) {
        return new PullConfig(hubUrl, organization, token, connect, idle, attempts, retryDelay);
    }

    public PullConfig withRetries(int tries, Duration delay) {
        return new PullConfig(hubUrl, organization, token, connectTimeout, idleTimeout, tries, delay);
    }

    /** {@code organization/NAME}. */
    public String repository(String name) {
        return organization + "/" + ModelCache.checkName(name);
    }

    /** The human-facing page of a model repository, used in messages. */
    URI repositoryUri(String name) {
        return URI.create(base() + "/" + repository(name));
    }

    URI treeUri(String name) {
        return URI.create(base() + "/api/models/" + repository(name) + "/tree/main?recursive=true");
    }

    URI fileUri(String name, String path) {
        return URI.create(base() + "/" + repository(name) + "/resolve/main/" + path);
    }

    private String base() {
        String s = hubUrl.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** Never shows the token. */
    @Override
    public String toString() {
        return "PullConfig[hubUrl=" + hubUrl + ", organization=" + organization
                + ", token=" + (token.isPresent() ? "(set)" : "(none)") + ", connectTimeout=" + connectTimeout
                + ", idleTimeout=" + idleTimeout + ", attempts=" + attempts + ", retryDelay=" + retryDelay + "]";
    }
}
