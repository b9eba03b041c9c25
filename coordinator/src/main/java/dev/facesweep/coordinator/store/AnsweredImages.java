package dev.facesweep.coordinator.store;

import java.util.Map;

/**
 * Images of answered batches within a time window.
 *
 * @param total all of them
 * @param byWorker per worker that answered first (batches without a recorded worker count only in the total)
 */
public record AnsweredImages(long total, Map<String, Long> byWorker) {

    public AnsweredImages {
        byWorker = Map.copyOf(byWorker);
    }
}
