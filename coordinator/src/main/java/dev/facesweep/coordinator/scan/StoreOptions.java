package dev.facesweep.coordinator.scan;

import dev.facesweep.coordinator.cli.UsageError;
import dev.facesweep.coordinator.store.ScanInfo;
import dev.facesweep.coordinator.store.ScanStore;
import dev.facesweep.coordinator.store.StoreException;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine.Option;

/**
 * {@code --state DIR} and {@code --store JDBC_URL}: where scans are kept. The store is the SQLite database in the
 * state folder unless a JDBC URL is given (option, or environment {@code FACESWEEP_STORE_URL}); PostgreSQL
 * credentials come from the URL or from {@code FACESWEEP_STORE_USER} / {@code FACESWEEP_STORE_PASSWORD}.
 */
public final class StoreOptions {

    static final String LATEST = "latest";

    @Option(names = "--state", paramLabel = "DIR",
            description = "State folder with the SQLite store (scan: <root>/.facesweep; other commands:"
                    + " environment FACESWEEP_STATE, else ./.facesweep).")
    Path state;

    @Option(names = "--store", paramLabel = "JDBC_URL",
            description = "Store URL, e.g. jdbc:postgresql://host:5432/facesweep (default: environment"
                    + " FACESWEEP_STORE_URL, else SQLite in the state folder).")
    String storeUrl;

    /** The state folder: the option, else {@code defaultState}. */
    Path stateDir(Path defaultState) {
        return (state != null ? state : defaultState).toAbsolutePath().normalize();
    }

    /** The state folder for commands on stored scans: option, FACESWEEP_STATE, ./.facesweep. */
    Path stateDirForStoredScans() {
        String env = Environment.get(Environment.STATE);
        return stateDir(env != null ? Path.of(env) : Path.of(".facesweep"));
    }

    /** Opens the store; failures are usage errors naming the store and the fix. */
    ScanStore open(Path stateDir, Clock clock) {
        String url = storeUrl != null ? storeUrl : Environment.get(Environment.STORE_URL);
        try {
            if (url != null) {
                if (!url.startsWith("jdbc:")) {
                    throw new UsageError("store URL '" + url + "' is not a JDBC URL: use"
                            + " jdbc:postgresql://host:5432/db or jdbc:sqlite:/path/facesweep.db");
                }
                return ScanStore.jdbc(url, Environment.get(Environment.STORE_USER),
                        Environment.get(Environment.STORE_PASSWORD), clock);
            }
            return ScanStore.sqlite(stateDir, clock);
        } catch (StoreException e) {
            throw new UsageError(e.getMessage() + " (state folder " + stateDir + (url != null ? ", store " + url
                    : "") + ")", e);
        }
    }

    /** Opens the store of an existing state folder; a missing SQLite store is a usage error, not a new store. */
    ScanStore openExisting(Path stateDir, Clock clock) {
        String url = storeUrl != null ? storeUrl : Environment.get(Environment.STORE_URL);
        if (url == null && !java.nio.file.Files.isRegularFile(stateDir.resolve(ScanStore.SQLITE_FILE))) {
            throw new UsageError("no scans in " + stateDir + " (no " + ScanStore.SQLITE_FILE + "): pass --state"
                    + " with the state folder of a scan (by default <root>/.facesweep) or run facesweep scan ROOT");
        }
        return open(stateDir, clock);
    }

    /** A scan by id, or the most recent one for {@code latest}. */
    static ScanInfo find(ScanStore store, String idOrLatest, Path stateDir) {
        if (idOrLatest == null || idOrLatest.equals(LATEST)) {
            return store.latestScan().orElseThrow(() -> new UsageError("there is no scan in " + stateDir
                    + " yet: run facesweep scan ROOT first"));
        }
        return store.scan(idOrLatest).orElseThrow(() -> new UsageError("no scan '" + idOrLatest + "' in "
                + stateDir + ": pass an id printed by facesweep scan, or latest"));
    }
}
