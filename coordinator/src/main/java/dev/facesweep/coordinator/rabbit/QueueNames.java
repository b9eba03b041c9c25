package dev.facesweep.coordinator.rabbit;

import dev.facesweep.protocol.Topology;

/**
 * The queue and exchange names a coordinator uses. {@link #DEFAULT} are the names every worker uses
 * ({@link Topology}); a prefix keeps test runs (or separate installations sharing a broker) apart.
 *
 * @param heartbeats the fanout exchange workers publish heartbeats to
 */
public record QueueNames(String batches, String results, String parked, String heartbeats) {

    public static final QueueNames DEFAULT = new QueueNames(Topology.BATCH_QUEUE, Topology.RESULT_QUEUE,
            Topology.PARKING_QUEUE, Topology.HEARTBEAT_EXCHANGE);

    /** The default names with {@code prefix} in front, e.g. {@code it-3f2a.facesweep.batches}. */
    public static QueueNames withPrefix(String prefix) {
        return new QueueNames(prefix + DEFAULT.batches, prefix + DEFAULT.results, prefix + DEFAULT.parked,
                prefix + DEFAULT.heartbeats);
    }
}
