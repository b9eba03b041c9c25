package dev.facesweep.protocol;

import java.util.List;
import java.util.Objects;

/**
 * A worker's answer to one {@link BatchMessage}.
 *
 * @param scanId echoed from the batch
 * @param batchId echoed from the batch
 * @param workerId the worker that did the work
 * @param modelId the model actually used
 * @param promptHash the prompt set actually used
 * @param results one entry per image of the batch (may be empty only if the batch was)
 * @param timings how long the batch took per stage
 */
public record ResultMessage(String scanId, String batchId, String workerId, String modelId, String promptHash,
        List<ImageResult> results, Timings timings) implements Message {

    public ResultMessage {
        Objects.requireNonNull(scanId, "scanId");
        Objects.requireNonNull(batchId, "batchId");
        Objects.requireNonNull(workerId, "workerId");
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(promptHash, "promptHash");
        results = List.copyOf(results);
        Objects.requireNonNull(timings, "timings");
    }

    /** Wall time per stage for the whole batch, in milliseconds. */
    public record Timings(double decodeMs, double preprocessMs, double inferMs) {
    }
}
