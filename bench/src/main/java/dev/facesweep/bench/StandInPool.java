package dev.facesweep.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Delivery;
import dev.facesweep.protocol.BatchImage;
import dev.facesweep.protocol.BatchMessage;
import dev.facesweep.protocol.Heartbeat;
import dev.facesweep.protocol.ImageResult;
import dev.facesweep.protocol.MalformedMessageException;
import dev.facesweep.protocol.MessageCodec;
import dev.facesweep.protocol.ResultMessage;
import dev.facesweep.protocol.Topology;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark-only stand-in for a pool of workers: it answers every batch message at once, without reading a single
 * image, so that a scan through it measures what the coordinator and the broker can move. Never part of a real
 * deployment.
 *
 * <p>Each of the {@code workers} stand-ins behaves like {@code facesweep worker} on the wire: its own channel with
 * manual acks and a prefetch, its own heartbeat (so the coordinator counts it as a live worker and sizes its
 * outstanding batches by the pool), a result message per batch with one unit-length embedding of the model's
 * dimension per image (the protocol's base64 float32, so messages are as large as real ones), published
 * persistent with publisher confirms, and the batch acknowledged only once its result is confirmed. The
 * embeddings come from a fixed set of random unit vectors, picked by the image's hash, so scores vary.
 */
final class StandInPool implements AutoCloseable {

    private static final int VECTORS = 256;
    private static final long HEARTBEAT_MILLIS = 1000;

    private final String prefix;
    private final String modelId;
    private final int batchSize;
    private final float[][] vectors;
    private final MessageCodec codec = new MessageCodec();
    private final Connection connection;
    private final List<Member> members = new ArrayList<>();
    private final ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "standin-heartbeats");
        t.setDaemon(true);
        return t;
    });
    private final Set<String> answered = ConcurrentHashMap.newKeySet();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong images = new AtomicLong();
    private final AtomicLong repeats = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong nacked = new AtomicLong();
    private Channel heartbeatChannel;

    /**
     * Connects, declares the topology the way workers do (idempotent) and starts answering.
     *
     * @param prefix queue-name prefix shared with the coordinator ({@code --queue-prefix})
     * @param modelId the model id the heartbeats announce (the scan's)
     * @param dim embedding width (the model's)
     * @param workers stand-ins, each its own consumer and heartbeat
     * @param prefetch unacknowledged batches per stand-in
     * @param batchSize announced in the heartbeats
     */
    StandInPool(ConnectionFactory factory, String prefix, String modelId, int dim, int workers, int prefetch,
            int batchSize) throws IOException {
        this.prefix = prefix;
        this.modelId = modelId;
        this.batchSize = batchSize;
        this.vectors = unitVectors(dim);
        try {
            this.connection = factory.newConnection("facesweep-capacity-standin " + prefix);
        } catch (TimeoutException e) {
            throw new IOException("cannot connect to the broker: " + e.getMessage(), e);
        }
        Channel topology = connection.createChannel();
        for (String queue : new String[] {Topology.BATCH_QUEUE, Topology.RESULT_QUEUE, Topology.PARKING_QUEUE}) {
            topology.queueDeclare(prefix + queue, true, false, false, Topology.durableQueueArguments());
        }
        topology.exchangeDeclare(prefix + Topology.HEARTBEAT_EXCHANGE, BuiltinExchangeType.FANOUT, true);
        heartbeatChannel = topology;
        String host = hostName();
        for (int i = 1; i <= workers; i++) {
            Member m = new Member("standin-" + i + "@" + host, host);
            m.start(prefetch);
            members.add(m);
        }
        beats.scheduleAtFixedRate(this::heartbeats, 0, HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Batches answered (counting repeats). */
    long batches() {
        return batches.get();
    }

    /** Images answered (counting repeats). */
    long images() {
        return images.get();
    }

    /** Batches answered that had been answered before (a redelivery or a re-dispatch by the coordinator). */
    long repeats() {
        return repeats.get();
    }

    long malformed() {
        return malformed.get();
    }

    /** Results the broker refused (none expected). */
    long nacked() {
        return nacked.get();
    }

    private void heartbeats() {
        for (Member m : members) {
            Heartbeat h = new Heartbeat(m.workerId, m.host, "standin", "standin", "answers at once", modelId,
                    0, batchSize, m.inFlight(), Instant.now());
            try {
                synchronized (heartbeatChannel) {
                    heartbeatChannel.basicPublish(prefix + Topology.HEARTBEAT_EXCHANGE, "", null, codec.encode(h));
                }
            } catch (IOException | RuntimeException e) {
                System.err.println("standin: heartbeat of " + m.workerId + " failed: " + e.getMessage());
            }
        }
    }

    /** One stand-in worker: consumes batches, publishes results with confirms, acks each batch once confirmed. */
    private final class Member {

        final String workerId;
        final String host;
        private Channel channel;
        /** Publish sequence number of a result -> delivery tag of its batch; confirms come in order. */
        private final ConcurrentNavigableMap<Long, Long> unconfirmed = new ConcurrentSkipListMap<>();

        Member(String workerId, String host) {
            this.workerId = workerId;
            this.host = host;
        }

        int inFlight() {
            return unconfirmed.size();
        }

        void start(int prefetch) throws IOException {
            channel = connection.createChannel();
            channel.confirmSelect();
            channel.basicQos(prefetch);
            channel.addConfirmListener(new ConfirmListener() {
                @Override
                public void handleAck(long seq, boolean multiple) {
                    acknowledge(seq, multiple);
                }

                @Override
                public void handleNack(long seq, boolean multiple) {
                    nacked.incrementAndGet();
                    acknowledge(seq, multiple);
                }
            });
            channel.basicConsume(prefix + Topology.BATCH_QUEUE, false, "standin " + workerId,
                    (tag, delivery) -> answer(delivery), tag -> { });
        }

        private void answer(Delivery delivery) throws IOException {
            long tag = delivery.getEnvelope().getDeliveryTag();
            BatchMessage batch;
            try {
                batch = codec.decodeBatch(delivery.getBody());
            } catch (MalformedMessageException e) {
                malformed.incrementAndGet();
                channel.basicAck(tag, false);
                return;
            }
            List<ImageResult> results = new ArrayList<>(batch.images().size());
            for (BatchImage image : batch.images()) {
                results.add(ImageResult.scored(image.id(), vectors[Math.floorMod(image.id().hashCode(), VECTORS)],
                        Map.of()));
            }
            ResultMessage result = new ResultMessage(batch.scanId(), batch.batchId(), workerId, batch.modelId(),
                    batch.promptHash(), results, new ResultMessage.Timings(0, 0, 0));
            byte[] body = codec.encode(result);
            AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().contentType("application/json")
                    .deliveryMode(2).messageId(batch.batchId()).type("result").build();
            unconfirmed.put(channel.getNextPublishSeqNo(), tag);
            channel.basicPublish("", prefix + Topology.RESULT_QUEUE, false, props, body);
            if (!answered.add(batch.batchId())) {
                repeats.incrementAndGet();
            }
            batches.incrementAndGet();
            images.addAndGet(results.size());
        }

        /** The broker has the results up to {@code seq}: acknowledge their batches (one multiple ack). */
        private void acknowledge(long seq, boolean multiple) {
            Map<Long, Long> done = multiple ? unconfirmed.headMap(seq, true) : unconfirmed.subMap(seq, true, seq,
                    true);
            long last = -1;
            for (long tag : done.values()) {
                last = Math.max(last, tag);
            }
            done.clear();
            if (last < 0) {
                return;
            }
            try {
                // deliveries and publishes are in the same order on this channel, so every batch up to `last`
                // has its result confirmed once this confirm is in
                channel.basicAck(last, multiple);
            } catch (IOException | RuntimeException e) {
                System.err.println("standin: ack failed on " + workerId + ": " + e.getMessage());
            }
        }
    }

    /** Random unit vectors of width {@code dim} (fixed seed). */
    static float[][] unitVectors(int dim) {
        SplittableRandom random = new SplittableRandom(20261128L);
        float[][] out = new float[VECTORS][dim];
        for (float[] v : out) {
            double sum = 0;
            for (int i = 0; i < dim; i++) {
                // sum of uniforms: a cheap, roughly normal value, so the directions spread evenly enough
                double x = random.nextDouble() + random.nextDouble() + random.nextDouble() - 1.5;
                v[i] = (float) x;
                sum += x * x;
            }
            float inv = (float) (1 / Math.sqrt(sum));
            for (int i = 0; i < dim; i++) {
                v[i] *= inv;
            }
        }
        return out;
    }

    /** Deletes the prefix's queues and heartbeat exchange (call after the coordinator stopped). */
    void deleteTopology() throws IOException {
        Channel ch = connection.createChannel();
        for (String queue : new String[] {Topology.BATCH_QUEUE, Topology.RESULT_QUEUE, Topology.PARKING_QUEUE}) {
            ch.queueDelete(prefix + queue);
        }
        ch.exchangeDelete(prefix + Topology.HEARTBEAT_EXCHANGE);
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }

    @Override
    public void close() {
        beats.shutdownNow();
        try {
            connection.close(5000);
        } catch (IOException | RuntimeException e) {
            System.err.println("standin: closing the connection: " + e.getMessage());
        }
    }
}
