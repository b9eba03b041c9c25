package dev.facesweep.coordinator.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;

/**
 * {@link ApplyMetrics} as the counter {@code facesweep_apply_operations_total{type, result}}; every known type and
 * result is registered up front, so the series exist (at 0) before the first apply.
 */
public final class MicrometerApplyMetrics implements ApplyMetrics {

    private final MeterRegistry registry;

    /** @param types every operation type name apply uses (e.g. each {@code OpType.json()}) */
    public MicrometerApplyMetrics(MeterRegistry registry, Collection<String> types) {
        this.registry = registry;
        for (String type : types) {
            for (Result result : Result.values()) {
                counter(type, result);
            }
        }
    }

    @Override
    public void operation(String type, Result result) {
        counter(type, result).increment();
    }

    private Counter counter(String type, Result result) {
        return Counter.builder(CoordinatorMetric.APPLY_OPERATIONS.metricName())
                .description(CoordinatorMetric.APPLY_OPERATIONS.description())
                .tag(CoordinatorMetric.Tag.TYPE.key(), type)
                .tag(CoordinatorMetric.Tag.RESULT.key(), result.tag())
                .register(registry);
    }
}
