package dev.facesweep.worker.amqp;

import dev.facesweep.protocol.Topology;
import java.util.Objects;

/**
 * The {@link Topology} names with an optional prefix (empty in production; tests use a unique prefix per test so
 * that runs sharing one broker never see each other's messages).
 *
 * @param batches work queue of batch messages
 * @param results queue of result messages
 * @param parked parking queue for batches given up on
 * @param heartbeats fanout exchange of heartbeats
 */
public record QueueNames(String batches, String results, String parked, String heartbeats) {

    public QueueNames {
        Objects.requireNonNull(batches, "batches");
        Objects.requireNonNull(results, "results");
        Objects.requireNonNull(parked, "parked");
        Objects.requireNonNull(heartbeats, "heartbeats");
    }

    public static QueueNames withPrefix(String prefix) {
        String p = prefix == null ? "" : prefix;
        return new QueueNames(p + Topology.BATCH_QUEUE, p + Topology.RESULT_QUEUE, p + Topology.PARKING_QUEUE,
                p + Topology.HEARTBEAT_EXCHANGE);
    }
}
