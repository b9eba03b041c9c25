package dev.facesweep.coordinator.scan;

import dev.facesweep.coordinator.store.ScanStore;
import java.util.List;
import java.util.Optional;

/**
 * Hashes recorded by earlier scans of the same root, so that a re-scan (or a resumed scan) does not read
 * unchanged files again: a path whose size and modification time match an earlier scan's row takes that row's
 * sha256. Thread-safe.
 */
interface KnownHashes {

    KnownHashes NONE = (path, size, modified) -> Optional.empty();

    Optional<String> lookup(String relativePath, long size, long modifiedMillis);

    /** Looks in each scan in turn (most useful first). */
    static KnownHashes fromScans(ScanStore store, List<String> scanIds) {
        if (scanIds.isEmpty()) {
            return NONE;
        }
        List<String> ids = List.copyOf(scanIds);
        return (path, size, modified) -> {
            for (String id : ids) {
                Optional<String> sha = store.knownSha256(id, path, size, modified);
                if (sha.isPresent()) {
                    return sha;
                }
            }
            return Optional.empty();
        };
    }
}
