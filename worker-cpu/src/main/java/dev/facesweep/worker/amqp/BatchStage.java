package dev.facesweep.worker.amqp;

/** The stages of one batch, as timed in results and metrics. */
public enum BatchStage {
    /** Reading the bytes (file or inline) and checking their sha256. */
    DECODE,
    /** Decoding, resizing and normalising the images. */
    PREPROCESS,
    /** Model runs. */
    INFER,
    /** Publishing the result and waiting for the broker's confirm. */
    PUBLISH;

    /** Lower-case tag value, e.g. {@code infer}. */
    public String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
