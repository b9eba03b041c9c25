package dev.facesweep.worker.amqp;

import java.time.Duration;

/**
 * What the transport reports as it works, for metrics; the Spring application adapts it to Micrometer. Calls come
 * from the worker's threads and must not block.
 */
public interface WorkerEvents {

    /** Reports nothing. */
    WorkerEvents NONE = new WorkerEvents() {
    };

    /** Outcome of the images of one answered batch. */
    default void imagesScored(int scored, int failed) {
    }

    /** Wall time of one stage of one batch. */
    default void stage(BatchStage stage, Duration time) {
    }

    /** A batch was given another attempt (republished with its attempt count increased). */
    default void batchRetried() {
    }

    /** A message went to the parking queue (malformed, wrong model, or out of attempts). */
    default void batchParked() {
    }

    /** The broker did not accept a result (nacked, unroutable or no confirm in time); its batch went back. */
    default void resultRefused() {
    }

    /** A batch result was published and the batch acknowledged; {@code epochMillis} is when. */
    default void batchDone(long epochMillis) {
    }
}
