package dev.facesweep.worker.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;
import dev.facesweep.protocol.BatchMessage;
import dev.facesweep.protocol.Heartbeat;
import dev.facesweep.protocol.ImageResult;
import dev.facesweep.protocol.MalformedMessageException;
import dev.facesweep.protocol.MessageCodec;
import dev.facesweep.protocol.ResultMessage;
import dev.facesweep.protocol.Topology;
import dev.facesweep.worker.BatchHandler;
import dev.facesweep.worker.BatchStages;
import dev.facesweep.worker.WrongModelException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RabbitMQ side of a worker: consumes batch messages, runs them through a {@link BatchHandler}, publishes the
 * results with publisher confirms and only then acknowledges the batch.
 *
 * <h2>How it works</h2>
 * <ul>
 *   <li>Connects (retrying until stopped; a worker may start before the broker), declares the {@link Topology}
 *       queues (durable quorum queues) and the heartbeat fanout exchange idempotently, and consumes the batch queue
 *       with manual acks and the configured prefetch. Automatic recovery reconnects after a broker restart or a
 *       dropped connection and re-registers the consumer.</li>
 *   <li>Three threads form a pipeline: the <em>prepare</em> thread decodes each message strictly
 *       ({@link MessageCodec}) and reads and preprocesses its images; the <em>inference</em> thread runs the model;
 *       the <em>publish</em> thread publishes each result, waits for its confirm and acks the batch. With prefetch
 *       2 the next batch decodes while the model runs the current one, and the model starts on the next batch
 *       while the result of the last one is on its way: on an accelerator the model is never waiting for the
 *       network or the CPU.</li>
 *   <li>Malformed messages (not JSON, wrong schema, oversized, missing fields) and batches for another model go to
 *       the parking queue as they came, with the reason in {@link Topology#HEADER_PARK_REASON}, and are acked.</li>
 *   <li>Attempts are counted in the message ({@link Topology}): a delivery flagged as redelivered means a worker
 *       took it and never answered (it crashed, hung or lost its connection), so it is republished with its
 *       attempt increased and the original acked, or parked once the attempts exceed the maximum. A batch whose
 *       handler throws is treated the same way. Note that a prefetched batch that was waiting behind a crashing
 *       one is redelivered too and loses an attempt.</li>
 *   <li>After a connection loss, batches received before it are dropped unanswered (the broker delivers them
 *       again). Results are published as mandatory messages; when the broker nacks or returns one (results queue
 *       missing or full) or does not confirm it in time, the batch goes back to the queue unchanged (its attempt
 *       is not counted) and the worker pauses for the recovery interval.</li>
 *   <li>A batch that stays in the model, or in decoding, longer than {@link AmqpSettings#batchTimeout()} means
 *       the worker hung: the thread cannot be stopped, so the worker reports it and gives up on itself through
 *       its {@link HangAction} (by default it halts; its service restarts it and the broker delivers the batch
 *       again, one attempt counted).</li>
 *   <li>{@link #stop()} cancels the consumer, lets the batch already being worked on finish (up to the grace
 *       period), returns unstarted prefetched batches unchanged, then closes the connection (which returns
 *       anything still unacknowledged).</li>
 * </ul>
 */
public final class AmqpWorker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AmqpWorker.class);
    private static final String JSON = "application/json";
    /** Header on result messages naming the worker that answered. */
    public static final String HEADER_WORKER = "x-facesweep-worker";

    /**
     * What health checks and metrics show.
     *
     * @param oldestInFlightEpochMillis when the oldest batch still unanswered arrived (epoch millis), 0 when none
     */
    public record Status(boolean connected, String lastError, int inFlight, double imagesPerSecond,
            long batchesDone, long lastBatchEpochMillis, long oldestInFlightEpochMillis) {
    }

    /** One message as received; settled (acked or nacked) at most once. */
    private static final class Delivery {
        final long generation;
        final long tag;
        final boolean redelivered;
        final AMQP.BasicProperties props;
        final byte[] body;
        final long receivedMillis;
        final AtomicBoolean settled = new AtomicBoolean();

        Delivery(long generation, long tag, boolean redelivered, AMQP.BasicProperties props, byte[] body,
                long receivedMillis) {
            this.generation = generation;
            this.tag = tag;
            this.redelivered = redelivered;
            this.props = props;
            this.body = body;
            this.receivedMillis = receivedMillis;
        }
    }

    private record Prepared(Delivery delivery, BatchMessage batch, Object value, RuntimeException failure) {
    }

    /** A batch in a stage (decoding or the model) since {@code startNanos}. */
    private record Working(String batchId, String stage, long startNanos) {
    }

    /** A batch the model answered, for the publish thread. */
    private record Answer(Delivery delivery, BatchMessage batch, ResultMessage result) {
    }

    private static final Delivery STOP_DELIVERY = new Delivery(-1, -1, false, null, null, 0);
    private static final Prepared STOP_PREPARED = new Prepared(null, null, null, null);
    private static final Answer STOP_ANSWER = new Answer(null, null, null);

    private interface ChannelOp {
        void run(Channel channel) throws IOException;
    }

    private final AmqpSettings settings;
    private final QueueNames names;
    private final BatchHandler handler;
    private final BatchStages stages;
    private final WorkerIdentity identity;
    private final WorkerEvents events;
    private final Clock clock;
    private final MessageCodec codec;
    private final Throughput throughput;

    private final BlockingQueue<Delivery> inbox = new LinkedBlockingQueue<>();
    private final BlockingQueue<Prepared> ready = new LinkedBlockingQueue<>(1);
    private final BlockingQueue<Answer> answered = new LinkedBlockingQueue<>(1);
    private final AtomicInteger inFlight = new AtomicInteger();
    /** The deliveries counted in {@link #inFlight}, for the age of the oldest one. */
    private final Set<Delivery> held = ConcurrentHashMap.newKeySet();
    private final AtomicLong generation = new AtomicLong();
    private final AtomicLong batchesDone = new AtomicLong();
    private final AtomicLong lastBatchMillis = new AtomicLong();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final Object publishLock = new Object();
    private final Object ackLock = new Object();
    private final HangAction hangAction;
    /** The batch being decoded and the one in the model, for the hang check; null when none. */
    private final AtomicReference<Working> preparing = new AtomicReference<>();
    private final AtomicReference<Working> inferring = new AtomicReference<>();
    private final AtomicBoolean hung = new AtomicBoolean();

    private volatile Connection connection;
    private volatile Channel consumeChannel;
    private volatile Channel publishChannel;
    private volatile Channel heartbeatChannel;
    private volatile String consumerTag;
    private volatile String lastError = "not connected yet";
    /** Set by the return listener during a publish (guarded by publishLock for the publishing side). */
    private volatile String returned;

    private Thread connector;
    private Thread preparer;
    private Thread inferrer;
    private Thread publisher;
    private ScheduledExecutorService heartbeats;
    /** Its own thread: a heartbeat blocked by the broker must not delay it. */
    private ScheduledExecutorService hangCheck;

    public AmqpWorker(AmqpSettings settings, BatchHandler handler, WorkerIdentity identity, WorkerEvents events,
            Clock clock) {
        this(settings, handler, identity, events, clock, HangAction.HALT);
    }

    /** As the other constructor, with what to do when a batch outlives {@link AmqpSettings#batchTimeout()}. */
    public AmqpWorker(AmqpSettings settings, BatchHandler handler, WorkerIdentity identity, WorkerEvents events,
            Clock clock, HangAction hangAction) {
        this.hangAction = Objects.requireNonNull(hangAction, "hangAction");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.names = settings.names();
        this.handler = Objects.requireNonNull(handler, "handler");
        this.stages = BatchStages.of(handler);
        this.identity = Objects.requireNonNull(identity, "identity");
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.codec = new MessageCodec(settings.maxMessageBytes());
        this.throughput = new Throughput(clock, Duration.ofMinutes(1));
    }

    /** Starts connecting (in the background, retrying until {@link #stop}) and the worker threads. */
    public void start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("worker already started");
        }
        preparer = thread("facesweep-prepare", this::prepareLoop);
        inferrer = thread("facesweep-infer", this::inferLoop);
        publisher = thread("facesweep-publish", this::publishLoop);
        connector = thread("facesweep-connect", this::connectLoop);
        heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "facesweep-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long every = settings.heartbeatInterval().toMillis();
        heartbeats.scheduleAtFixedRate(this::sendHeartbeat, every, every, TimeUnit.MILLISECONDS);
        long limit = settings.batchTimeout().toMillis();
        if (limit > 0) {
            long check = Math.max(50, Math.min(1000, limit / 10));
            hangCheck = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "facesweep-hang-check");
                t.setDaemon(true);
                return t;
            });
            hangCheck.scheduleAtFixedRate(this::checkHang, check, check, TimeUnit.MILLISECONDS);
        }
    }

    /** On its own thread: gives up on this worker once a batch has outlived the batch time limit. */
    private void checkHang() {
        long limit = settings.batchTimeout().toNanos();
        long now = System.nanoTime();
        for (Working w : new Working[] {inferring.get(), preparing.get()}) {
            if (w != null && now - w.startNanos() > limit && !stopping.get() && hung.compareAndSet(false, true)) {
                long limitMillis = settings.batchTimeout().toMillis();
                String reason = "batch " + w.batchId() + " has been in " + w.stage() + " for "
                        + String.format(java.util.Locale.ROOT, "%.1f", (now - w.startNanos()) / 1e9)
                        + " s, over the limit of " + (limitMillis % 1000 == 0 ? limitMillis / 1000 + " s"
                                : limitMillis + " ms") + " (facesweep.worker.batch-timeout): this worker is"
                        + " hung and exits; its service restarts it and the batch is delivered again, one attempt"
                        + " counted";
                lastError = reason;
                log.error(reason);
                hangAction.hung(reason);
                return;
            }
        }
    }

    /** Runs one stage of a batch, visible to the hang check meanwhile. */
    private <T> T watched(AtomicReference<Working> slot, String batchId, String stage, Supplier<T> work) {
        slot.set(new Working(batchId, stage, System.nanoTime()));
        try {
            return work.get();
        } finally {
            slot.set(null);
        }
    }

    public Status status() {
        Connection c = connection;
        Channel consume = consumeChannel;
        boolean connected = c != null && c.isOpen() && consume != null && consume.isOpen();
        long oldest = held.stream().mapToLong(d -> d.receivedMillis).min().orElse(0);
        return new Status(connected, connected ? null : lastError, inFlight.get(), throughput.imagesPerSecond(),
                batchesDone.get(), lastBatchMillis.get(), oldest);
    }

    public WorkerIdentity identity() {
        return identity;
    }

    /** The heartbeat this worker would send now. */
    public Heartbeat heartbeat() {
        return new Heartbeat(identity.workerId(), identity.host(), identity.provider(), identity.configuredProvider(),
                identity.device(), identity.modelId(), throughput.imagesPerSecond(), identity.batchSize(),
                inFlight.get(), clock.instant(), identity.tuning());
    }

    // ---- connection ----

    private void connectLoop() {
        int failures = 0;
        while (!stopping.get()) {
            try {
                connect();
                return;
            } catch (IOException | TimeoutException | RuntimeException e) {
                failures++;
                lastError = "cannot connect to " + settings.redactedUrl() + ": " + describe(e);
                if (failures == 1 || failures % 30 == 0) {
                    log.warn("{}; retrying every {} ms", lastError, settings.recoveryInterval().toMillis());
                }
            }
            try {
                if (stopSignal.await(settings.recoveryInterval().toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void connect() throws IOException, TimeoutException {
        Connection c = settings.connectionFactory().newConnection(settings.connectionName());
        try {
            Channel consume = c.createChannel();
            consume.addShutdownListener(cause -> {
                if (!cause.isInitiatedByApplication() && !cause.isHardError()) {
                    // a channel-level close (e.g. the broker's consumer_timeout after a hung batch) is not recovered
                    lastError = "the broker closed the consuming channel (" + describe(cause) + "); restart the "
                            + "worker";
                    log.error(lastError);
                }
            });
            declareTopology(consume);
            consume.basicQos(settings.prefetch());
            Channel publish = c.createChannel();
            publish.confirmSelect();
            // mandatory publishes: an unroutable message comes back (before its confirm) instead of vanishing
            publish.addReturnListener(r -> returned = r.getReplyCode() + " " + r.getReplyText());
            Channel beat = c.createChannel();
            ((Recoverable) c).addRecoveryListener(new RecoveryListener() {
                @Override
                public void handleRecoveryStarted(Recoverable recoverable) {
                    generation.incrementAndGet();
                    log.warn("connection to the broker lost; reconnecting (batches received before the loss will be "
                            + "delivered again)");
                }

                @Override
                public void handleRecovery(Recoverable recoverable) {
                    log.info("reconnected to {}", settings.redactedUrl());
                }
            });
            c.addShutdownListener(cause -> {
                if (!cause.isInitiatedByApplication()) {
                    lastError = "connection lost: " + describe(cause);
                }
            });
            synchronized (ackLock) {
                consumeChannel = consume;
            }
            synchronized (publishLock) {
                publishChannel = publish;
            }
            heartbeatChannel = beat;
            connection = c;
            if (stopping.get()) {
                return;
            }
            consumerTag = consume.basicConsume(names.batches(), false, new DefaultConsumer(consume) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties,
                        byte[] body) {
                    Delivery d = new Delivery(generation.get(), envelope.getDeliveryTag(), envelope.isRedeliver(),
                            properties, body, clock.millis());
                    inFlight.incrementAndGet();
                    held.add(d);
                    inbox.add(d);
                }

                @Override
                public void handleCancel(String tag) {
                    lastError = "the broker cancelled the consumer of " + names.batches() + " (queue deleted?)";
                    log.warn(lastError);
                }
            });
            lastError = null;
            log.info("connected to {} as {}; consuming {} with prefetch {}", settings.redactedUrl(),
                    identity.workerId(), names.batches(), settings.prefetch());
            sendHeartbeat();
        } catch (IOException | RuntimeException e) {
            connection = null;
            c.abort();
            throw e;
        }
    }

    private void declareTopology(Channel channel) throws IOException {
        Map<String, Object> quorum = Topology.durableQueueArguments();
        for (String queue : new String[] {names.batches(), names.results(), names.parked()}) {
            channel.queueDeclare(queue, true, false, false, quorum);
        }
        channel.exchangeDeclare(names.heartbeats(), BuiltinExchangeType.FANOUT, true);
    }

    // ---- prepare stage ----

    private void prepareLoop() {
        try {
            while (true) {
                Delivery d = inbox.take();
                if (d == STOP_DELIVERY) {
                    break;
                }
                try {
                    intake(d);
                } catch (RuntimeException e) {
                    log.error("unexpected failure taking in a batch; returning it to the queue", e);
                    nack(d, true);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            putQuietly(STOP_PREPARED);
        }
    }

    private void intake(Delivery d) throws InterruptedException {
        if (stale(d)) {
            dropStale(d);
            return;
        }
        BatchMessage batch;
        try {
            batch = codec.decodeBatch(d.body);
        } catch (MalformedMessageException e) {
            park(d, null, e.getMessage());
            return;
        }
        if (d.redelivered) {
            retryOrPark(d, batch, "attempt " + batch.attempt() + " went unanswered (it crashed or hung a worker, "
                    + "or the worker lost its connection)");
            return;
        }
        if (stopping.get()) {
            giveBack(d, batch);
            return;
        }
        if (!batch.modelId().equals(handler.modelId())) {
            park(d, batch, new WrongModelException(batch.batchId(), batch.modelId(), handler.modelId()).getMessage());
            return;
        }
        throughput.started();
        Object value = null;
        RuntimeException failure = null;
        try {
            value = watched(preparing, batch.batchId(), "decoding", () -> stages.prepare(batch));
        } catch (RuntimeException e) {
            failure = e;
        }
        ready.put(new Prepared(d, batch, value, failure));
    }

    // ---- inference stage ----

    private void inferLoop() {
        try {
            while (true) {
                Prepared p = ready.take();
                if (p == STOP_PREPARED) {
                    answered.put(STOP_ANSWER);
                    break;
                }
                try {
                    process(p);
                } catch (RuntimeException e) {
                    log.error("unexpected failure answering batch {}; returning it to the queue", p.batch().batchId(),
                            e);
                    nack(p.delivery(), true);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void process(Prepared p) throws InterruptedException {
        Delivery d = p.delivery();
        BatchMessage batch = p.batch();
        if (stale(d)) {
            dropStale(d);
            return;
        }
        if (p.failure() != null) {
            failed(d, batch, p.failure());
            return;
        }
        ResultMessage result;
        try {
            result = watched(inferring, batch.batchId(), "the model", () -> stages.infer(batch, p.value()));
        } catch (RuntimeException e) {
            failed(d, batch, e);
            return;
        }
        answered.put(new Answer(d, batch, result));
    }

    // ---- publish stage ----

    private void publishLoop() {
        try {
            while (true) {
                Answer a = answered.take();
                if (a == STOP_ANSWER) {
                    break;
                }
                try {
                    answer(a);
                } catch (RuntimeException e) {
                    log.error("unexpected failure publishing the result of batch {}; returning it to the queue",
                            a.batch().batchId(), e);
                    nack(a.delivery(), true);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Publishes a batch's result, waits for the broker's confirm, then acks the batch. */
    private void answer(Answer a) {
        Delivery d = a.delivery();
        BatchMessage batch = a.batch();
        ResultMessage result = a.result();
        if (stale(d)) {
            // the connection dropped since it arrived: the broker delivers the batch again
            dropStale(d);
            return;
        }
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().contentType(JSON).deliveryMode(2)
                .messageId(batch.batchId()).appId("facesweep-worker").timestamp(Date.from(clock.instant()))
                .headers(Map.of(HEADER_WORKER, identity.workerId()))
                .build();
        long t0 = System.nanoTime();
        boolean confirmed = publish(names.results(), props, codec.encode(result));
        Duration publishTime = Duration.ofNanos(System.nanoTime() - t0);
        if (!confirmed) {
            log.warn("the result of batch {} was not accepted by the broker; returning the batch unchanged and "
                    + "pausing {} ms", batch.batchId(), settings.recoveryInterval().toMillis());
            events.resultRefused();
            giveBack(d, batch);
            pause(settings.recoveryInterval());
            return;
        }
        ack(d);
        int failedImages = (int) result.results().stream().filter(ImageResult::failed).count();
        events.imagesScored(result.results().size() - failedImages, failedImages);
        events.stage(BatchStage.DECODE, millis(result.timings().decodeMs()));
        events.stage(BatchStage.PREPROCESS, millis(result.timings().preprocessMs()));
        events.stage(BatchStage.INFER, millis(result.timings().inferMs()));
        events.stage(BatchStage.PUBLISH, publishTime);
        long now = clock.millis();
        events.batchDone(now);
        throughput.record(result.results().size());
        batchesDone.incrementAndGet();
        lastBatchMillis.set(now);
        log.debug("batch {}: {} images ({} failed) in {} ms", batch.batchId(), result.results().size(), failedImages,
                Math.round(result.timings().decodeMs() + result.timings().preprocessMs() + result.timings().inferMs()));
    }

    private void failed(Delivery d, BatchMessage batch, RuntimeException e) {
        if (e instanceof WrongModelException) {
            park(d, batch, e.getMessage());
            return;
        }
        String reason = "attempt " + batch.attempt() + " failed: " + describe(e);
        log.warn("batch {}: {}", batch.batchId(), reason);
        log.debug("batch {} failure", batch.batchId(), e);
        retryOrPark(d, batch, reason);
    }

    // ---- outcomes ----

    /** Republishes the batch with its attempt increased and acks the original, or parks it past the maximum. */
    private void retryOrPark(Delivery d, BatchMessage batch, String reason) {
        int next = batch.attempt() + 1;
        if (next > settings.maxAttempts()) {
            park(d, batch, reason + "; parked after " + settings.maxAttempts() + " attempts");
            return;
        }
        BatchMessage again = new BatchMessage(batch.scanId(), batch.batchId(), batch.modelId(), batch.promptHash(),
                next, batch.images());
        if (publish(names.batches(), copyProps(d.props, Map.of()), codec.encode(again))) {
            ack(d);
            events.batchRetried();
            log.info("batch {} requeued as attempt {} of {}: {}", batch.batchId(), next, settings.maxAttempts(),
                    reason);
        } else {
            nack(d, true);
        }
    }

    /** Moves the message as it came to the parking queue with the reason, then acks it. */
    private void park(Delivery d, BatchMessage batch, String reason) {
        String oneLine = reason.replaceAll("\\s*[\\r\\n]+\\s*", " ");
        Map<String, Object> extra = Map.of(Topology.HEADER_PARK_REASON, oneLine, Topology.HEADER_PARKED_BY,
                identity.workerId());
        if (publish(names.parked(), copyProps(d.props, extra), d.body)) {
            ack(d);
            events.batchParked();
            log.warn("parked {}: {}", batch == null ? "a malformed message (" + d.body.length + " bytes)"
                    : "batch " + batch.batchId(), oneLine);
        } else {
            log.warn("could not park {}; returning it to the queue", batch == null ? "a malformed message"
                    : "batch " + batch.batchId());
            nack(d, true);
        }
    }

    /** Returns an unstarted batch unchanged (same attempt) during shutdown. */
    private void giveBack(Delivery d, BatchMessage batch) {
        if (publish(names.batches(), copyProps(d.props, Map.of()), d.body)) {
            ack(d);
            log.info("returned unstarted batch {} to the queue", batch == null ? "?" : batch.batchId());
        } else {
            nack(d, true);
        }
    }

    private static AMQP.BasicProperties copyProps(AMQP.BasicProperties props, Map<String, Object> extraHeaders) {
        AMQP.BasicProperties base = props == null ? new AMQP.BasicProperties() : props;
        Map<String, Object> headers = new HashMap<>();
        if (base.getHeaders() != null) {
            headers.putAll(base.getHeaders());
        }
        headers.putAll(extraHeaders);
        return base.builder().headers(headers).deliveryMode(2).build();
    }

    private boolean publish(String queue, AMQP.BasicProperties props, byte[] body) {
        synchronized (publishLock) {
            Channel channel = publishChannel;
            if (channel == null) {
                return false;
            }
            try {
                returned = null;
                channel.basicPublish("", queue, true, props, body);
                boolean acked = channel.waitForConfirms(settings.confirmTimeout().toMillis());
                if (!acked) {
                    log.warn("the broker refused (nacked) a message for {}", queue);
                } else if (returned != null) {
                    log.warn("the broker could not route a message to {} ({}); does the queue exist?", queue,
                            returned);
                    return false;
                }
                return acked;
            } catch (TimeoutException e) {
                log.warn("no confirm from the broker within {} ms for a message to {}",
                        settings.confirmTimeout().toMillis(), queue);
                return false;
            } catch (IOException | ShutdownSignalException e) {
                log.warn("cannot publish to {}: {}", queue, describe(e));
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private void ack(Delivery d) {
        settle(d, channel -> channel.basicAck(d.tag, false));
    }

    private void nack(Delivery d, boolean requeue) {
        settle(d, channel -> channel.basicNack(d.tag, false, requeue));
    }

    private void settle(Delivery d, ChannelOp op) {
        if (!d.settled.compareAndSet(false, true)) {
            return;
        }
        try {
            synchronized (ackLock) {
                if (!stale(d)) {
                    op.run(consumeChannel);
                }
            }
        } catch (IOException | AlreadyClosedException e) {
            log.warn("cannot acknowledge a batch ({}); the broker will deliver it again", describe(e));
        } finally {
            held.remove(d);
            inFlight.decrementAndGet();
        }
    }

    private boolean stale(Delivery d) {
        return d.generation != generation.get();
    }

    private void dropStale(Delivery d) {
        if (d.settled.compareAndSet(false, true)) {
            held.remove(d);
            inFlight.decrementAndGet();
        }
        log.info("dropping a batch received before the connection was lost; the broker delivers it again");
    }

    // ---- heartbeats ----

    private void sendHeartbeat() {
        Channel channel = heartbeatChannel;
        if (channel == null || !channel.isOpen()) {
            return;
        }
        try {
            long ttl = settings.heartbeatInterval().toMillis() * 3;
            AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().contentType(JSON)
                    .expiration(Long.toString(ttl)).build();
            synchronized (channel) {
                channel.basicPublish(names.heartbeats(), "", props, codec.encode(heartbeat()));
            }
        } catch (IOException | RuntimeException e) {
            log.debug("heartbeat not sent: {}", describe(e));
        }
    }

    // ---- shutdown ----

    /**
     * Graceful stop: no new batches; the one in progress finishes within the grace period; unstarted ones go back
     * unchanged; then the connection closes. Idempotent.
     */
    public void stop() {
        if (!started.get() || !stopping.compareAndSet(false, true)) {
            return;
        }
        stopSignal.countDown();
        String tag = consumerTag;
        Channel consume = consumeChannel;
        if (tag != null && consume != null && consume.isOpen()) {
            try {
                consume.basicCancel(tag);
            } catch (IOException | RuntimeException e) {
                log.debug("cancelling the consumer failed: {}", describe(e));
            }
        }
        inbox.add(STOP_DELIVERY);
        long deadline = System.nanoTime() + settings.shutdownGrace().toNanos();
        boolean finished = join(preparer, deadline) && join(inferrer, deadline) && join(publisher, deadline);
        if (finished) {
            for (Delivery d; (d = inbox.poll()) != null; ) {
                if (d != STOP_DELIVERY) {
                    giveBack(d, null);
                }
            }
        } else {
            log.warn("the batch in progress did not finish within {} ms; closing the connection returns it to the "
                    + "queue", settings.shutdownGrace().toMillis());
            preparer.interrupt();
            inferrer.interrupt();
            publisher.interrupt();
        }
        heartbeats.shutdownNow();
        if (hangCheck != null) {
            hangCheck.shutdownNow();
        }
        join(connector, System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
        Connection c = connection;
        if (c != null) {
            try {
                c.close(5000);
            } catch (IOException | RuntimeException e) {
                c.abort(1000);
            }
        }
        log.info("worker {} stopped", identity.workerId());
    }

    @Override
    public void close() {
        stop();
    }

    /** Back-pressure after a refused result: waits, returning early when the worker stops. */
    private void pause(Duration time) {
        try {
            stopSignal.await(time.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void putQuietly(Prepared p) {
        try {
            ready.put(p);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean join(Thread t, long deadlineNanos) {
        try {
            long left = deadlineNanos - System.nanoTime();
            if (left > 0) {
                TimeUnit.NANOSECONDS.timedJoin(t, left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !t.isAlive();
    }

    private static Thread thread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static Duration millis(double ms) {
        return Duration.ofNanos(Math.round(ms * 1e6));
    }

    static String describe(Throwable e) {
        Throwable t = e;
        if (t instanceof IOException && t.getCause() instanceof ShutdownSignalException cause) {
            t = cause;
        }
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            message = t.getClass().getSimpleName();
        }
        return message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
