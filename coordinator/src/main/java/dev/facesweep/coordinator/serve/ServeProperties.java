package dev.facesweep.coordinator.serve;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration of {@code facesweep serve} (prefix {@code facesweep.serve}); the command line maps its options to
 * these properties. The HTTP port and address are Spring's {@code server.port} and {@code server.address}.
 *
 * @param state the state folder with the scans, plans, overrides and cached thumbnails
 * @param store where the scans are stored
 * @param thumbnails preview images
 * @param metrics the per-scan gauges at {@code /actuator/prometheus}
 */
@ConfigurationProperties("facesweep.serve")
public record ServeProperties(Path state, @DefaultValue Store store, @DefaultValue Thumbnails thumbnails,
        @DefaultValue Metrics metrics) {

    public ServeProperties {
        if (state == null) {
            throw new IllegalArgumentException("facesweep.serve.state is not set: pass --state DIR (the state folder"
                    + " of a scan)");
        }
        state = state.toAbsolutePath().normalize();
    }

    /**
     * @param url JDBC URL, or null for the SQLite database in the state folder
     * @param user null when the URL or the server needs none
     * @param password null when none; from the environment ({@code FACESWEEP_STORE_PASSWORD}), never from code
     */
    public record Store(String url, String user, String password) {

        public Store {
            if (url != null && url.isBlank()) {
                url = null;
            }
            if (url != null && !url.startsWith("jdbc:")) {
                throw new IllegalArgumentException("facesweep.serve.store.url '" + url + "' is not a JDBC URL: use"
                        + " jdbc:postgresql://host:5432/db or jdbc:sqlite:/path/facesweep.db");
            }
        }

        @Override
        public String toString() {
            return "Store[url=" + url + ", user=" + user + ", password=" + (password == null ? "none" : "***") + "]";
        }
    }

    /**
     * @param refresh how often the per-scan gauges are read from the store
     * @param finishedScans how long a finished scan keeps its gauges (unfinished scans always have them)
     */
    public record Metrics(@DefaultValue("5s") Duration refresh, @DefaultValue("1h") Duration finishedScans) {

        public Metrics {
            if (refresh.isNegative() || refresh.isZero()) {
                throw new IllegalArgumentException("facesweep.serve.metrics.refresh must be positive, e.g. 5s, got "
                        + refresh);
            }
            if (finishedScans.isNegative()) {
                throw new IllegalArgumentException("facesweep.serve.metrics.finished-scans must not be negative, got "
                        + finishedScans);
            }
        }
    }

    /** @param size edge of a thumbnail in pixels (16 to 1024) */
    public record Thumbnails(@DefaultValue("128") int size) {

        public Thumbnails {
            if (size < 16 || size > 1024) {
                throw new IllegalArgumentException("facesweep.serve.thumbnails.size must be between 16 and 1024"
                        + " pixels, got " + size);
            }
        }
    }
}
