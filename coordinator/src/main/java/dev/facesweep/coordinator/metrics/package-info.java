/**
 * The coordinator's metrics: every name and tag key ({@link dev.facesweep.coordinator.metrics.CoordinatorMetric}),
 * the framework-free ports other features report through ({@link dev.facesweep.coordinator.metrics.ApplyMetrics}),
 * their Micrometer adapters, and the small HTTP endpoint {@code facesweep scan} serves {@code /metrics} with.
 * docs/metrics.md lists every metric; docs/operations.md says which process exposes what.
 */
package dev.facesweep.coordinator.metrics;
