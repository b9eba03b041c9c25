package dev.facesweep.protocol;

import java.util.Map;

/**
 * The RabbitMQ names and arguments both sides declare (idempotently, so coordinator and workers may start in any
 * order). Plain data: the applications do the declaring with their AMQP client.
 *
 * <ul>
 *   <li>{@link #BATCH_QUEUE}: durable quorum work queue of {@link BatchMessage}s (default exchange, routing key =
 *       queue name). Workers consume with manual acks and a small prefetch.</li>
 *   <li>{@link #RESULT_QUEUE}: durable quorum queue of {@link ResultMessage}s, consumed by the coordinator.</li>
 *   <li>{@link #PARKING_QUEUE}: durable quorum queue of batches given up on (too many attempts, or malformed);
 *       each carries the header {@link #HEADER_PARK_REASON}. The coordinator reports them.</li>
 *   <li>{@link #HEARTBEAT_EXCHANGE}: fanout exchange of {@link Heartbeat}s; each coordinator binds its own
 *       exclusive, auto-delete queue.</li>
 * </ul>
 *
 * <p>Attempts are counted in the message body ({@link BatchMessage#attempt()}), not by the broker: a worker that
 * receives a redelivered batch republishes it with the attempt increased (or parks it past
 * {@link #DEFAULT_MAX_ATTEMPTS}) and acks the original, so the count works on any broker version.
 */
public final class Topology {

    public static final String BATCH_QUEUE = "facesweep.batches";
    public static final String RESULT_QUEUE = "facesweep.results";
    public static final String PARKING_QUEUE = "facesweep.parked";
    public static final String HEARTBEAT_EXCHANGE = "facesweep.heartbeats";

    /** Why a message was parked (string header on messages in {@link #PARKING_QUEUE}). */
    public static final String HEADER_PARK_REASON = "x-facesweep-park-reason";
    /** Which worker parked it. */
    public static final String HEADER_PARKED_BY = "x-facesweep-parked-by";

    public static final int DEFAULT_MAX_ATTEMPTS = 3;

    /** Arguments for the durable queues: quorum queues survive a broker restart with their messages. */
    public static Map<String, Object> durableQueueArguments() {
        return Map.of("x-queue-type", "quorum");
    }

    private Topology() {
    }
}
