package dev.facesweep.coordinator.rabbit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;
import dev.facesweep.coordinator.dispatch.DispatchException;
import dev.facesweep.coordinator.dispatch.DispatchListener;
import dev.facesweep.coordinator.dispatch.Dispatcher;
import dev.facesweep.coordinator.dispatch.WorkerRegistry;
import dev.facesweep.coordinator.dispatch.WorkerStatus;
import dev.facesweep.protocol.BatchMessage;
import dev.facesweep.protocol.Heartbeat;
import dev.facesweep.protocol.MalformedMessageException;
import dev.facesweep.protocol.MessageCodec;
import dev.facesweep.protocol.ResultMessage;
import dev.facesweep.protocol.Topology;
import java.io.IOException;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RabbitMQ transport: batches go to the durable quorum work queue with publisher confirms, results and parked
 * batches come back on durable queues with manual acknowledgements, and heartbeats arrive on a fanout exchange
 * through this coordinator's own exclusive queue.
 *
 * <h2>How it works</h2>
 * <ul>
 *   <li>The topology is declared idempotently at connect, so coordinator and workers may start in any order. A
 *       queue or exchange that already exists with other properties is used as it is (with a warning) rather
 *       than failing the scan.</li>
 *   <li>{@link #publish} sends every batch as a persistent message and waits for the broker's confirms. If the
 *       connection drops before they arrive, it waits for the client's automatic recovery and sends them all
 *       again (a batch delivered twice costs a duplicate result, which the store ignores), for up to
 *       {@link BrokerSettings#publishDeadline()}.</li>
 *   <li>A result is acknowledged only after {@link DispatchListener#onResult} returned, i.e. after the store
 *       committed it; if that throws, the message is returned to the queue after a short pause. A malformed
 *       result is logged, reported and dropped.</li>
 *   <li>Parked messages carry their reason in the {@link Topology#HEADER_PARK_REASON} header; each is reported
 *       and removed from the parking queue once the store has recorded it.</li>
 *   <li>{@link #capacity()} is {@code outstandingPerWorker} per live worker, at least {@code minOutstanding}.</li>
 * </ul>
 *
 * <p>Things to note: one coordinator per set of queue names at a time (the result queue is shared; a second
 * coordinator would take the first one's results).
 */
public final class RabbitDispatcher implements Dispatcher {

    private static final Logger log = LoggerFactory.getLogger(RabbitDispatcher.class);
    private static final String CONNECTION_NAME = "facesweep-coordinator";
    private static final long RETRY_PAUSE_MILLIS = 1000;

    private final BrokerSettings settings;
    private final Connection connection;
    private final MessageCodec codec = new MessageCodec();
    private final WorkerRegistry registry;
    private final Object recovery = new Object();
    private final AtomicLong malformedHeartbeats = new AtomicLong();
    private final AtomicLong recoveries = new AtomicLong();
    private Channel publishChannel;
    private Channel topologyChannel;
    private DispatchListener listener;

    private RabbitDispatcher(BrokerSettings settings, Connection connection, Clock clock) {
        this.settings = settings;
        this.connection = connection;
        this.registry = new WorkerRegistry(clock, settings.liveFor());
    }

    /**
     * Connects and declares the topology.
     *
     * @throws DispatchException with one line naming the broker (password hidden) when it cannot be reached, the
     *     URL is malformed, or the credentials are refused
     */
    public static RabbitDispatcher connect(BrokerSettings settings, Clock clock) throws DispatchException {
        ConnectionFactory factory = new ConnectionFactory();
        String where = settings.redactedUri();
        try {
            factory.setUri(settings.uri());
        } catch (URISyntaxException | GeneralSecurityException | IllegalArgumentException e) {
            throw new DispatchException("broker URL " + where + " is not usable (" + e.getMessage() + "): use"
                    + " amqp://user:password@host:5672/ or amqps://...", e);
        }
        if (settings.user() != null) {
            factory.setUsername(settings.user());
        }
        if (settings.password() != null) {
            factory.setPassword(settings.password());
        }
        factory.setAutomaticRecoveryEnabled(true);
        factory.setTopologyRecoveryEnabled(true);
        factory.setNetworkRecoveryInterval(settings.recoveryInterval().toMillis());
        factory.setConnectionTimeout((int) settings.connectTimeout().toMillis());
        factory.setRequestedHeartbeat(15);
        Connection connection;
        try {
            connection = factory.newConnection(CONNECTION_NAME + " " + settings.names().batches());
        } catch (IOException | TimeoutException e) {
            throw new DispatchException("cannot connect to the broker at " + where + " (" + describe(e)
                    + "): start RabbitMQ (e.g. rabbitmq-server -detached) or check --broker", e);
        }
        RabbitDispatcher dispatcher = new RabbitDispatcher(settings, connection, clock);
        try {
            dispatcher.declareTopology();
            dispatcher.publishChannel = dispatcher.newPublishChannel();
        } catch (IOException | RuntimeException e) {
            dispatcher.close();
            throw new DispatchException("cannot set up the queues on " + where + ": " + describe(e), e);
        }
        ((Recoverable) connection).addRecoveryListener(dispatcher.new RecoverySignal());
        return dispatcher;
    }

    // ---------------------------------------------------------------- topology

    /**
     * Declares on a channel kept open for the dispatcher's lifetime: the client's topology recovery re-declares
     * through the channel each entity was declared on, so a closed one would make recovery fail.
     */
    private void declareTopology() throws IOException {
        QueueNames names = settings.names();
        topologyChannel = connection.createChannel();
        declareQueue(names.batches());
        declareQueue(names.results());
        declareQueue(names.parked());
        try {
            topologyChannel.exchangeDeclare(names.heartbeats(), BuiltinExchangeType.FANOUT, true);
        } catch (IOException e) {
            log.warn("heartbeat exchange {} exists with other properties ({}); using it as it is",
                    names.heartbeats(), describe(e));
            topologyChannel = connection.createChannel();
            topologyChannel.exchangeDeclarePassive(names.heartbeats());
        }
    }

    private void declareQueue(String name) throws IOException {
        try {
            topologyChannel.queueDeclare(name, true, false, false, Topology.durableQueueArguments());
        } catch (IOException e) {
            log.warn("queue {} exists with other properties ({}); using it as it is", name, describe(e));
            topologyChannel = connection.createChannel();
            topologyChannel.queueDeclarePassive(name);
        }
    }

    private Channel newPublishChannel() throws IOException {
        Channel ch = connection.createChannel();
        ch.confirmSelect();
        return ch;
    }

    // ---------------------------------------------------------------- consuming

    @Override
    public void start(DispatchListener listener) throws DispatchException {
        this.listener = listener;
        QueueNames names = settings.names();
        try {
            Channel results = connection.createChannel();
            results.basicQos(settings.resultPrefetch());
            results.basicConsume(names.results(), false, "facesweep-results",
                    (tag, delivery) -> onResult(results, delivery),
                    tag -> log.warn("the broker cancelled the consumer of {}", names.results()));
            Channel parked = connection.createChannel();
            parked.basicQos(16);
            parked.basicConsume(names.parked(), false, "facesweep-parked",
                    (tag, delivery) -> onParked(parked, delivery),
                    tag -> log.warn("the broker cancelled the consumer of {}", names.parked()));
            Channel heartbeats = connection.createChannel();
            String queue = heartbeats.queueDeclare().getQueue();
            heartbeats.queueBind(queue, names.heartbeats(), "");
            heartbeats.basicConsume(queue, true, (tag, delivery) -> onHeartbeat(delivery), tag -> { });
        } catch (IOException | RuntimeException e) {
            throw new DispatchException("cannot consume from the broker at " + settings.redactedUri() + ": "
                    + describe(e), e);
        }
    }

    private void onResult(Channel ch, Delivery delivery) {
        long tag = delivery.getEnvelope().getDeliveryTag();
        ResultMessage result;
        try {
            result = codec.decodeResult(delivery.getBody());
        } catch (MalformedMessageException e) {
            listener.onRejected("malformed result message dropped: " + e.getMessage());
            ack(ch, tag);
            return;
        }
        try {
            listener.onResult(result);
        } catch (RuntimeException e) {
            log.error("could not record the result of batch {} ({}); it goes back to the queue", result.batchId(),
                    describe(e));
            pause();
            nack(ch, tag);
            return;
        }
        ack(ch, tag);
    }

    private void onParked(Channel ch, Delivery delivery) {
        long tag = delivery.getEnvelope().getDeliveryTag();
        Map<String, Object> headers = delivery.getProperties().getHeaders();
        String reason = header(headers, Topology.HEADER_PARK_REASON);
        String by = header(headers, Topology.HEADER_PARKED_BY);
        String why = (reason == null ? "no reason given" : reason) + (by == null ? "" : " (parked by " + by + ")");
        String batchId;
        try {
            batchId = codec.decodeBatch(delivery.getBody()).batchId();
        } catch (MalformedMessageException e) {
            batchId = null;
            why = why + "; message: " + e.getMessage();
        }
        try {
            listener.onParked(batchId, why);
        } catch (RuntimeException e) {
            log.error("could not record parked batch {} ({}); it stays in the parking queue", batchId, describe(e));
            pause();
            nack(ch, tag);
            return;
        }
        ack(ch, tag);
    }

    private void onHeartbeat(Delivery delivery) {
        try {
            Heartbeat heartbeat = codec.decodeHeartbeat(delivery.getBody());
            if (registry.seen(heartbeat)) {
                log.info("worker {} on {} ({}, {}) is live", heartbeat.workerId(), heartbeat.host(),
                        heartbeat.provider(), heartbeat.device());
            }
        } catch (MalformedMessageException e) {
            if (malformedHeartbeats.getAndIncrement() % 100 == 0) {
                log.warn("malformed heartbeat ignored: {}", e.getMessage());
            }
        }
    }

    private static String header(Map<String, Object> headers, String name) {
        if (headers == null) {
            return null;
        }
        Object value = headers.get(name);
        return value == null ? null : value.toString();
    }

    private static void ack(Channel ch, long tag) {
        try {
            ch.basicAck(tag, false);
        } catch (IOException | AlreadyClosedException e) {
            log.warn("acknowledgement lost ({}); the broker will deliver the message again", describe(e));
        }
    }

    private static void nack(Channel ch, long tag) {
        try {
            ch.basicNack(tag, false, true);
        } catch (IOException | AlreadyClosedException e) {
            log.warn("negative acknowledgement lost ({}); the broker will deliver the message again", describe(e));
        }
    }

    /** A short pause before a failed message is returned, so a store outage does not spin the consumer. */
    private static void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(RETRY_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- publishing

    @Override
    public int capacity() {
        return Math.max(settings.minOutstanding(), settings.outstandingPerWorker() * registry.liveCount());
    }

    @Override
    public synchronized void publish(List<BatchMessage> batches) throws DispatchException {
        if (batches.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + settings.publishDeadline().toNanos();
        boolean send = true;
        String lastProblem = "";
        while (true) {
            try {
                if (send) {
                    ensurePublishChannel();
                    for (BatchMessage batch : batches) {
                        publishChannel.basicPublish("", settings.names().batches(), false, properties(batch),
                                codec.encode(batch));
                    }
                }
                publishChannel.waitForConfirmsOrDie(settings.confirmTimeout().toMillis());
                return;
            } catch (TimeoutException e) {
                lastProblem = "no confirm within " + settings.confirmTimeout().toSeconds() + " s";
                send = publishChannel == null || !publishChannel.isOpen();
                log.warn("the broker has not confirmed {} batch(es) yet; still waiting", batches.size());
            } catch (IOException | ShutdownSignalException e) {
                lastProblem = describe(e);
                send = true;
                log.warn("publishing {} batch(es) failed ({}); sending them again once the connection is back",
                        batches.size(), lastProblem);
                awaitConnection(deadline);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DispatchException("interrupted while publishing to " + settings.redactedUri(), e);
            }
            if (System.nanoTime() - deadline > 0) {
                throw new DispatchException("the broker at " + settings.redactedUri() + " did not take "
                        + batches.size() + " batch(es) within " + settings.publishDeadline().toSeconds() + " s ("
                        + lastProblem + "); run the scan again once the broker is back");
            }
        }
    }

    private void ensurePublishChannel() throws IOException {
        if (publishChannel == null || !publishChannel.isOpen()) {
            publishChannel = newPublishChannel();
        }
    }

    private static AMQP.BasicProperties properties(BatchMessage batch) {
        return new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .deliveryMode(2)
                .messageId(batch.batchId())
                .type("batch")
                .build();
    }

    /** Waits (until the deadline) for the automatic recovery to bring the connection back. */
    private void awaitConnection(long deadline) throws DispatchException {
        synchronized (recovery) {
            while (!connection.isOpen()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(recovery, Math.min(left, TimeUnit.SECONDS.toNanos(1)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new DispatchException("interrupted while waiting for the broker at "
                            + settings.redactedUri(), e);
                }
            }
        }
    }

    private final class RecoverySignal implements RecoveryListener {
        @Override
        public void handleRecovery(Recoverable recoverable) {
            recoveries.incrementAndGet();
            log.info("connection to {} recovered", settings.redactedUri());
            synchronized (recovery) {
                recovery.notifyAll();
            }
        }

        @Override
        public void handleRecoveryStarted(Recoverable recoverable) {
            log.warn("connection to {} lost; reconnecting", settings.redactedUri());
        }
    }

    // ---------------------------------------------------------------- the rest

    @Override
    public List<WorkerStatus> workers() {
        return registry.workers();
    }

    /** How often the connection was lost and recovered. */
    public long recoveries() {
        return recoveries.get();
    }

    public WorkerRegistry registry() {
        return registry;
    }

    @Override
    public String description() {
        return "RabbitMQ at " + settings.redactedUri() + " (queue " + settings.names().batches() + ")";
    }

    @Override
    public void close() {
        try {
            connection.close(5000);
        } catch (IOException | AlreadyClosedException e) {
            log.debug("closing the broker connection: {}", describe(e));
        }
    }

    static String describe(Throwable e) {
        Throwable t = e;
        if (t instanceof IOException && t.getCause() instanceof ShutdownSignalException s) {
            t = s;
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return message.replaceAll("\\s+", " ").strip();
    }

    /** For logs and tests. */
    Duration liveFor() {
        return settings.liveFor();
    }
}
