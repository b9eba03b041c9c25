package dev.facesweep.coordinator.store;

import java.util.List;

/**
 * A batch to publish: one entry per distinct image content (paths sharing a sha256 ride along and get the same
 * result).
 *
 * @param attempt the attempt number to put in the message: 1 on the first dispatch, then 2, 3...
 */
public record ClaimedBatch(String batchId, String scanId, String modelId, String promptHash, int attempt,
        List<Image> images) {

    public ClaimedBatch {
        images = List.copyOf(images);
    }

    /** @param relativePath one of the scan's paths with this content (the first staged) */
    public record Image(String sha256, String relativePath) {
    }
}
