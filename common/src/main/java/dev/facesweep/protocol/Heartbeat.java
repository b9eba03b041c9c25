package dev.facesweep.protocol;

import java.time.Instant;
import java.util.Objects;

/**
 * A worker's periodic "alive and this is what I run on".
 *
 * @param workerId stable worker id (e.g. host plus device index)
 * @param host host name
 * @param provider execution provider actually in use (e.g. {@code DML}, {@code CPU})
 * @param configuredProvider the provider the worker was asked for; differs from {@code provider} on a silent
 *     fallback
 * @param device device description (e.g. {@code Radeon RX Vega}, {@code cpu})
 * @param modelId the loaded model
 * @param imagesPerSecond recent throughput
 * @param batchSize the fixed batch size of the worker's session
 * @param inFlight batches being worked on now
 * @param timestamp when the heartbeat was made
 * @param tuning how the worker splits its work, or null (workers before it was reported)
 */
public record Heartbeat(String workerId, String host, String provider, String configuredProvider, String device,
        String modelId, double imagesPerSecond, int batchSize, int inFlight, Instant timestamp, Tuning tuning)
        implements Message {

    /**
     * How a worker splits its work, and why (an optional part of the heartbeat).
     *
     * @param intraOpThreads ONNX Runtime threads per model run; 0 means ONNX Runtime's own default
     * @param decodeThreads threads reading and preprocessing images
     * @param origin one line saying where the batch size and thread counts came from, e.g.
     *     {@code "cpu defaults for 8 cores"} or {@code "configured batch size; cpu defaults for the rest"}
     */
    public record Tuning(int intraOpThreads, int decodeThreads, String origin) {

        public Tuning {
            Objects.requireNonNull(origin, "origin");
        }
    }

    /** A heartbeat without {@link Tuning}. */
    public Heartbeat(String workerId, String host, String provider, String configuredProvider, String device,
            String modelId, double imagesPerSecond, int batchSize, int inFlight, Instant timestamp) {
        this(workerId, host, provider, configuredProvider, device, modelId, imagesPerSecond, batchSize, inFlight,
                timestamp, null);
    }

    public Heartbeat {
        Objects.requireNonNull(workerId, "workerId");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(configuredProvider, "configuredProvider");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(timestamp, "timestamp");
    }
}
