package dev.facesweep.coordinator.cli;

import dev.facesweep.coordinator.store.ScanInfo;
import dev.facesweep.coordinator.store.ScanStore;
import dev.facesweep.coordinator.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code --state DIR} (see {@link StateOptions}) and {@code --store JDBC_URL} for every command that reads or writes
 * the scan store. Store: the option; else {@code $FACESWEEP_STORE_URL}; else the SQLite database in the state folder.
 * PostgreSQL credentials come from the URL or from {@code FACESWEEP_STORE_USER} / {@code FACESWEEP_STORE_PASSWORD}.
 */
public final class StoreOptions {

    /** The scan argument that means the most recent scan. */
    public static final String LATEST = "latest";

    @Mixin
    StateOptions state = new StateOptions();

    @Option(names = "--store", paramLabel = "JDBC_URL",
            description = "Scan store, e.g. jdbc:postgresql://host:5432/facesweep (default: $"
                    + Environment.STORE_URL + ", else SQLite in the state folder).")
    String storeUrl;

    /**
     * The state folder, absolute (see {@link StateOptions}).
     *
     * @param root the corpus root when the command knows it, else null
     */
    public Path stateDir(Map<String, String> env, Path root) {
        return StateOptions.resolve(state.state, env, root, Path.of(""), storeUrl(env) != null);
    }

    /** The JDBC URL of the store, or null for the SQLite store in the state folder. */
    public String storeUrl(Map<String, String> env) {
        String url = storeUrl != null ? storeUrl : Environment.get(env, Environment.STORE_URL);
        if (url != null && !url.startsWith("jdbc:")) {
            throw new UsageError("store URL '" + url + "' is not a JDBC URL: use jdbc:postgresql://host:5432/db"
                    + " or jdbc:sqlite:/path/facesweep.db");
        }
        return url;
    }

    /** Opens (creating if needed) the store; failures are usage errors naming the store and the fix. */
    public ScanStore open(Map<String, String> env, Path stateDir, Clock clock) {
        String url = storeUrl(env);
        try {
            if (url != null) {
                return ScanStore.jdbc(url, Environment.get(env, Environment.STORE_USER),
                        Environment.get(env, Environment.STORE_PASSWORD), clock);
            }
            return ScanStore.sqlite(stateDir, clock);
        } catch (StoreException e) {
            throw new UsageError(e.getMessage() + " (state folder " + stateDir + (url != null ? ", store " + url
                    : "") + ")", e);
        }
    }

    /** Opens the store of existing scans: a missing SQLite store is a usage error, not a new empty store. */
    public ScanStore openExisting(Map<String, String> env, Path stateDir, Clock clock) {
        if (storeUrl(env) == null && !Files.isRegularFile(stateDir.resolve(ScanStore.SQLITE_FILE))) {
            throw new UsageError("no scans in " + stateDir + " (no " + ScanStore.SQLITE_FILE + "): pass --state"
                    + " with the state folder of a scan (by default <root>/.facesweep), --store with its store, or"
                    + " run facesweep scan ROOT first");
        }
        return open(env, stateDir, clock);
    }

    /** A scan by id, or the most recent one for {@code latest} (or null). */
    public static ScanInfo find(ScanStore store, String idOrLatest, Path stateDir) {
        if (idOrLatest == null || idOrLatest.equals(LATEST)) {
            return store.latestScan().orElseThrow(() -> new UsageError("there is no scan in " + stateDir
                    + " yet: run facesweep scan ROOT first"));
        }
        return store.scan(idOrLatest).orElseThrow(() -> new UsageError("no scan '" + idOrLatest + "' in "
                + stateDir + ": pass an id that facesweep status lists, or latest"));
    }
}
