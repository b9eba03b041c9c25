package dev.facesweep.coordinator.rabbit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 *   <li>{@link #publish} sends every batch as a persistent message; the broker's confirms are tracked in the
 *       background. A batch the broker refuses, or that is unconfirmed when the connection drops, is sent again
 *       (after the client's automatic recovery); a batch delivered twice costs a duplicate result, which the
 *       store ignores. {@link #check()} fails the scan when a batch stays unconfirmed past
 *       {@link BrokerSettings#publishDeadline()}.</li>
 *   <li>Results are handed to one recording thread, which takes every result that has arrived (up to the result
 *       prefetch) and passes them together to {@link DispatchListener#onResults}, so the store commits them in one
 *       transaction; under load that is many results per commit, with a trickle one each. They are acknowledged
 *       (one multiple ack) only after that returned, i.e. after the store committed them. If it throws, each
 *       result is tried alone, and one that still fails is returned to the queue after a short pause. A malformed
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
    private final ConcurrentNavigableMap<Long, Pending> unconfirmed = new ConcurrentSkipListMap<>();
    private final Queue<Pending> waiting = new ConcurrentLinkedQueue<>();
    private final ExecutorService resender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "facesweep-republish");
        t.setDaemon(true);
        return t;
    });
    private boolean recovering;
    private final AtomicLong malformedHeartbeats = new AtomicLong();
    private final AtomicLong recoveries = new AtomicLong();
    private Channel publishChannel;
    private Channel topologyChannel;
    private DispatchListener listener;
    /** Result deliveries waiting for the recording thread, in delivery order. */
    private final BlockingQueue<Delivery> arrived = new LinkedBlockingQueue<>();
    private Thread recording;

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

    // ---------------------------------------------------------------- consuming

    @Override
    public void start(DispatchListener listener) throws DispatchException {
        this.listener = listener;
        QueueNames names = settings.names();
        try {
            Channel results = connection.createChannel();
            results.basicQos(settings.resultPrefetch());
            recording = new Thread(() -> recordResults(results), "facesweep-results");
            recording.setDaemon(true);
            recording.start();
            results.basicConsume(names.results(), false, "facesweep-results",
                    (tag, delivery) -> arrived.add(delivery),
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

    /** The recording thread: records what has arrived, in groups, until the dispatcher closes. */
    private void recordResults(Channel ch) {
        List<Delivery> group = new ArrayList<>();
        while (true) {
            try {
                group.add(arrived.take());
            } catch (InterruptedException e) {
                return;
            }
            arrived.drainTo(group, settings.resultPrefetch() - 1);
            record(ch, group);
            group.clear();
        }
    }

    private void record(Channel ch, List<Delivery> group) {
        List<ResultMessage> results = new ArrayList<>(group.size());
        List<Long> tags = new ArrayList<>(group.size());
        List<Long> malformed = new ArrayList<>();
        for (Delivery delivery : group) {
            try {
                results.add(codec.decodeResult(delivery.getBody()));
                tags.add(delivery.getEnvelope().getDeliveryTag());
            } catch (MalformedMessageException e) {
                listener.onRejected("malformed result message dropped: " + e.getMessage());
                malformed.add(delivery.getEnvelope().getDeliveryTag());
            }
        }
        long last = group.get(group.size() - 1).getEnvelope().getDeliveryTag();
        if (results.isEmpty()) {
            ack(ch, last, true);
            return;
        }
        try {
            listener.onResults(results);
            // every delivery up to `last` was in this group or an earlier one: acknowledge them all at once
            ack(ch, last, true);
            return;
        } catch (RuntimeException e) {
            if (results.size() == 1) {
                log.error("could not record the result of batch {} ({}); it goes back to the queue",
                        results.get(0).batchId(), describe(e));
                pause();
                nack(ch, tags.get(0));
                malformed.forEach(tag -> ack(ch, tag, false));
                return;
            }
            log.warn("could not record {} results together ({}); recording them one by one", results.size(),
                    describe(e));
        }
        for (int i = 0; i < results.size(); i++) {
            try {
                listener.onResults(List.of(results.get(i)));
                ack(ch, tags.get(i), false);
            } catch (RuntimeException e) {
                log.error("could not record the result of batch {} ({}); it goes back to the queue",
                        results.get(i).batchId(), describe(e));
                pause();
                nack(ch, tags.get(i));
            }
        }
        malformed.forEach(tag -> ack(ch, tag, false));
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
        ack(ch, tag, false);
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

    private static void ack(Channel ch, long tag, boolean multiple) {
        try {
            ch.basicAck(tag, multiple);
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

    /**
     * Sends the batches as persistent messages and returns without waiting for the broker: confirms are tracked
     * in the background. A batch the broker rejects (nack) is sent again at once; batches unconfirmed when the
     * connection drops are sent again as soon as it is back. {@link #check()} reports batches that stay
     * unconfirmed longer than {@link BrokerSettings#publishDeadline()}.
     */
    @Override
    public void publish(List<BatchMessage> batches) throws DispatchException {
        check();
        for (BatchMessage batch : batches) {
            send(new Pending(batch.batchId(), codec.encode(batch), properties(batch), System.nanoTime()));
        }
    }

    /**
     * @throws DispatchException when a published batch has been waiting for the broker's confirm longer than the
     *     publish deadline (the broker is gone for good, or dropping messages)
     */
    @Override
    public void check() throws DispatchException {
        resendWaiting();
        long now = System.nanoTime();
        long deadline = settings.publishDeadline().toNanos();
        long stale = 0;
        for (Pending p : unconfirmed.values()) {
            stale += now - p.firstSent() > deadline ? 1 : 0;
        }
        for (Pending p : waiting) {
            stale += now - p.firstSent() > deadline ? 1 : 0;
        }
        if (stale > 0) {
            throw new DispatchException("the broker at " + settings.redactedUri() + " has not confirmed " + stale
                    + " batch(es) within " + settings.publishDeadline().toSeconds() + " s; run the scan again once"
                    + " the broker is back");
        }
    }

    /** Sends again what waits for the connection once it is open (a publish may race the recovery's end). */
    private void resendWaiting() {
        List<Pending> again = new ArrayList<>();
        synchronized (this) {
            if (recovering || !connection.isOpen()) {
                return;
            }
            Pending p;
            while ((p = waiting.poll()) != null) {
                again.add(p);
            }
        }
        if (!again.isEmpty()) {
            resender.execute(() -> again.forEach(this::send));
        }
    }

    /** Batches published and not yet confirmed (including those waiting for the connection). */
    public int unconfirmed() {
        return unconfirmed.size() + waiting.size();
    }

    /** A batch on its way: kept until the broker confirms it, to be sent again if it does not. */
    private record Pending(String batchId, byte[] body, AMQP.BasicProperties properties, long firstSent) {
    }

    /** Publishes one message, or keeps it for after the recovery when the connection is down. */
    private synchronized void send(Pending pending) {
        if (recovering || !connection.isOpen()) {
            waiting.add(pending);
            return;
        }
        long seq = -1;
        try {
            ensurePublishChannel();
            seq = publishChannel.getNextPublishSeqNo();
            unconfirmed.put(seq, pending);
            publishChannel.basicPublish("", settings.names().batches(), false, pending.properties(),
                    pending.body());
        } catch (IOException | ShutdownSignalException e) {
            if (seq >= 0) {
                unconfirmed.remove(seq);
            }
            log.warn("publishing batch {} failed ({}); it is sent again once the connection is back",
                    pending.batchId(), describe(e));
            waiting.add(pending);
        }
    }

    private void ensurePublishChannel() throws IOException {
        if (publishChannel == null || !publishChannel.isOpen()) {
            publishChannel = newPublishChannel();
        }
    }

    private Channel newPublishChannel() throws IOException {
        Channel ch = connection.createChannel();
        ch.confirmSelect();
        ch.addConfirmListener(new ConfirmListener() {
            @Override
            public void handleAck(long tag, boolean multiple) {
                confirmed(tag, multiple);
            }

            @Override
            public void handleNack(long tag, boolean multiple) {
                List<Pending> rejected = confirmed(tag, multiple);
                log.warn("the broker refused {} batch(es); sending them again", rejected.size());
                resender.execute(() -> rejected.forEach(RabbitDispatcher.this::send));
            }
        });
        return ch;
    }

    private List<Pending> confirmed(long tag, boolean multiple) {
        if (!multiple) {
            Pending p = unconfirmed.remove(tag);
            return p == null ? List.of() : List.of(p);
        }
        Map<Long, Pending> done = unconfirmed.headMap(tag, true);
        List<Pending> out = new ArrayList<>(done.values());
        done.clear();
        return out;
    }

    private static AMQP.BasicProperties properties(BatchMessage batch) {
        return new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .deliveryMode(2)
                .messageId(batch.batchId())
                .type("batch")
                .build();
    }

    /**
     * Publish sequence numbers start again on a recovered channel, so unconfirmed batches are taken out of the
     * book when recovery starts and sent again when it is done; publishes in between wait with them.
     */
    private final class RecoverySignal implements RecoveryListener {
        @Override
        public void handleRecoveryStarted(Recoverable recoverable) {
            synchronized (RabbitDispatcher.this) {
                recovering = true;
                waiting.addAll(unconfirmed.values());
                unconfirmed.clear();
            }
            log.warn("connection to {} lost; reconnecting ({} batch(es) to send again)", settings.redactedUri(),
                    waiting.size());
        }

        @Override
        public void handleRecovery(Recoverable recoverable) {
            recoveries.incrementAndGet();
            List<Pending> again = new ArrayList<>();
            synchronized (RabbitDispatcher.this) {
                recovering = false;
                Pending p;
                while ((p = waiting.poll()) != null) {
                    again.add(p);
                }
            }
            log.info("connection to {} recovered; sending {} batch(es) again", settings.redactedUri(),
                    again.size());
            resender.execute(() -> again.forEach(RabbitDispatcher.this::send));
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
        resender.shutdownNow();
        if (recording != null) {
            recording.interrupt();
        }
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
