package dev.facesweep.worker;

import dev.facesweep.protocol.BatchMessage;
import dev.facesweep.protocol.ResultMessage;

/**
 * Scores one batch: the single piece of work shared by RabbitMQ workers and the embedded (in-process) mode.
 *
 * <p>Per-image problems (unreadable, missing, outside the allowed roots) are results with an error inside a
 * successful batch. An exception means the batch as a whole failed (e.g. the model crashed); the transport then
 * retries it a bounded number of times.
 */
public interface BatchHandler {

    /** Model id of the loaded model; a batch for another model id must not be scored. */
    String modelId();

    ResultMessage handle(BatchMessage batch);
}
