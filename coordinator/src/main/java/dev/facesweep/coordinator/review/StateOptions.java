package dev.facesweep.coordinator.review;

import dev.facesweep.coordinator.cli.UsageError;
import dev.facesweep.coordinator.store.ScanStore;
import dev.facesweep.coordinator.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --state DIR} and {@code --store JDBC_URL} for the review commands, with the same defaults as the scan
 * commands: state folder from the option, else {@code FACESWEEP_STATE}, else {@code ./.facesweep}; store from the
 * option, else {@code FACESWEEP_STORE_URL}, else the SQLite database in the state folder. PostgreSQL credentials
 * come from the URL or from {@code FACESWEEP_STORE_USER} / {@code FACESWEEP_STORE_PASSWORD}.
 */
public final class StateOptions {

    public static final String ENV_STATE = "FACESWEEP_STATE";
    public static final String ENV_STORE_URL = "FACESWEEP_STORE_URL";
    public static final String ENV_STORE_USER = "FACESWEEP_STORE_USER";
    public static final String ENV_STORE_PASSWORD = "FACESWEEP_STORE_PASSWORD";

    @Option(names = "--state", paramLabel = "DIR",
            description = "State folder holding the scans, plans and thumbnails (default: $" + ENV_STATE
                    + ", else ./.facesweep).")
    Path state;

    @Option(names = "--store", paramLabel = "JDBC_URL",
            description = "Store URL, e.g. jdbc:postgresql://host:5432/facesweep (default: $" + ENV_STORE_URL
                    + ", else SQLite in the state folder).")
    String storeUrl;

    /** The state folder, absolute. */
    public Path stateDir(Map<String, String> env) {
        String fromEnv = blankToNull(env.get(ENV_STATE));
        Path chosen = state != null ? state : Path.of(fromEnv != null ? fromEnv : ".facesweep");
        return chosen.toAbsolutePath().normalize();
    }

    /** The JDBC URL of the store, or null for the SQLite store in the state folder. */
    public String storeUrl(Map<String, String> env) {
        String url = storeUrl != null ? storeUrl : blankToNull(env.get(ENV_STORE_URL));
        if (url != null && !url.startsWith("jdbc:")) {
            throw new UsageError("store URL '" + url + "' is not a JDBC URL: use jdbc:postgresql://host:5432/db"
                    + " or jdbc:sqlite:/path/facesweep.db");
        }
        return url;
    }

    /**
     * Opens the store of an existing state folder. A missing SQLite database is a usage error (nothing to review),
     * not a new empty store.
     */
    public static ScanStore openExisting(Path stateDir, String storeUrl, Map<String, String> env, Clock clock) {
        if (storeUrl == null && !Files.isRegularFile(stateDir.resolve(ScanStore.SQLITE_FILE))) {
            throw new UsageError("no scans in " + stateDir + " (no " + ScanStore.SQLITE_FILE + "): pass --state with"
                    + " the state folder of a scan (by default <root>/.facesweep) or run facesweep scan ROOT first");
        }
        try {
            if (storeUrl != null) {
                return ScanStore.jdbc(storeUrl, blankToNull(env.get(ENV_STORE_USER)),
                        blankToNull(env.get(ENV_STORE_PASSWORD)), clock);
            }
            return ScanStore.sqlite(stateDir, clock);
        } catch (StoreException e) {
            throw new UsageError(e.getMessage() + " (state folder " + stateDir
                    + (storeUrl != null ? ", store " + storeUrl : "") + ")", e);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
