package dev.facesweep.coordinator.scan;

import dev.facesweep.coordinator.results.PromptScoring;
import dev.facesweep.coordinator.store.ScanInfo;
import dev.facesweep.coordinator.store.ScanState;
import dev.facesweep.coordinator.store.ScanStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Picks the scan a {@code facesweep scan ROOT} works on: the root's latest scan when it is unfinished and uses the
 * same model and prompt set (a killed run is continued), otherwise a new scan. Either way nothing already stored
 * is scored again: results and embeddings are shared by all scans of a store.
 */
final class ScanSetup {

    /** Earlier scans of the root consulted for known hashes. */
    static final int HASH_SOURCES = 3;

    /**
     * @param resumed whether an unfinished scan is continued
     * @param known hashes of earlier scans of the root (the resumed one first)
     */
    record Opened(ScanInfo scan, boolean resumed, KnownHashes known) {
    }

    private ScanSetup() {
    }

    static Opened openOrResume(ScanStore store, Path root, PromptScoring scoring, String promptSetJson) {
        String rootText = root.toString();
        List<String> earlier = new ArrayList<>();
        for (ScanInfo scan : store.scans()) {
            if (scan.root().equals(rootText) && earlier.size() < HASH_SOURCES) {
                earlier.add(scan.id());
            }
        }
        Optional<ScanInfo> latest = store.latestScan(rootText);
        if (latest.isPresent() && latest.get().state() == ScanState.RUNNING
                && latest.get().modelId().equals(scoring.modelId())
                && latest.get().promptHash().equals(scoring.promptHash())) {
            return new Opened(latest.get(), true, KnownHashes.fromScans(store, earlier));
        }
        ScanInfo scan = store.createScan(rootText, scoring.modelId(), scoring.promptHash(), promptSetJson);
        return new Opened(scan, false, KnownHashes.fromScans(store, earlier));
    }
}
