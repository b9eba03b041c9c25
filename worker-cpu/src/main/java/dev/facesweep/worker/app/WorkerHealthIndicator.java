package dev.facesweep.worker.app;

import dev.facesweep.worker.amqp.AmqpWorker;
import dev.facesweep.worker.amqp.WorkerIdentity;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * {@code /actuator/health}: UP while connected to the broker; details name the provider in use and the one
 * configured ({@code providerFallback: true} after a fallback to the CPU).
 */
final class WorkerHealthIndicator implements HealthIndicator {

    private final AmqpWorker worker;
    private final LoadedModel model;
    private final String broker;

    WorkerHealthIndicator(AmqpWorker worker, LoadedModel model, String broker) {
        this.worker = worker;
        this.model = model;
        this.broker = broker;
    }

    @Override
    public Health health() {
        AmqpWorker.Status status = worker.status();
        WorkerIdentity id = worker.identity();
        Health.Builder builder = status.connected() ? Health.up() : Health.down();
        if (status.lastError() != null) {
            builder.withDetail("error", status.lastError());
        }
        return builder.withDetail("broker", broker)
                .withDetail("workerId", id.workerId())
                .withDetail("model", id.modelId())
                .withDetail("provider", id.provider())
                .withDetail("configuredProvider", id.configuredProvider())
                .withDetail("providerFallback", model.fellBack())
                .withDetail("providerDetail", model.check().detail())
                .withDetail("device", id.device())
                .withDetail("batchSize", id.batchSize())
                .withDetail("inFlight", status.inFlight())
                .withDetail("imagesPerSecond", status.imagesPerSecond())
                .withDetail("batchesDone", status.batchesDone())
                .build();
    }
}
