package dev.facesweep.worker.amqp;

import dev.facesweep.protocol.Heartbeat;
import java.util.Objects;

/**
 * What a worker says about itself in every heartbeat.
 *
 * @param workerId stable id (e.g. host plus device)
 * @param host host name
 * @param provider execution provider actually in use (e.g. {@code CPU}, {@code DirectML})
 * @param configuredProvider the provider asked for; differs from {@code provider} after a fallback
 * @param device device description
 * @param modelId the loaded model
 * @param batchSize images per model run
 * @param tuning threads and where the values came from, or null when not reported
 */
public record WorkerIdentity(String workerId, String host, String provider, String configuredProvider, String device,
        String modelId, int batchSize, Heartbeat.Tuning tuning) {

    /** An identity that reports no tuning. */
    public WorkerIdentity(String workerId, String host, String provider, String configuredProvider, String device,
            String modelId, int batchSize) {
        this(workerId, host, provider, configuredProvider, device, modelId, batchSize, null);
    }

    public WorkerIdentity {
        Objects.requireNonNull(workerId, "workerId");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(configuredProvider, "configuredProvider");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(modelId, "modelId");
    }
}
