package dev.facesweep.protocol;

import java.util.List;
import java.util.Objects;

/**
 * Work for a worker: score these images with this model and prompt set.
 *
 * @param scanId the scan the batch belongs to
 * @param batchId unique batch id; the result echoes it
 * @param modelId model the coordinator expects (a worker with another model must not score the batch)
 * @param promptHash hash of the prompt set the scores must be computed with
 * @param attempt 1 for the first dispatch, counting up on each re-dispatch
 * @param images at least one image
 */
public record BatchMessage(String scanId, String batchId, String modelId, String promptHash, int attempt,
        List<BatchImage> images) implements Message {

    public BatchMessage {
        Objects.requireNonNull(scanId, "scanId");
        Objects.requireNonNull(batchId, "batchId");
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(promptHash, "promptHash");
        images = List.copyOf(images);
    }
}
