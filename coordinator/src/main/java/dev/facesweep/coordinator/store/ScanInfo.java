package dev.facesweep.coordinator.store;

import java.time.Instant;

/**
 * A scan: one pass over a corpus root with one model and prompt set.
 *
 * @param id e.g. {@code 20250301-101530-3fa2c1} (UTC creation time plus a random suffix)
 * @param promptSetJson the prompt set as given at creation, kept verbatim
 * @param finishedAt null while running
 */
public record ScanInfo(String id, String root, String modelId, String promptHash, String promptSetJson,
        ScanState state, Instant createdAt, Instant finishedAt) {
}
