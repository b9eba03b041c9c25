package dev.facesweep.coordinator.scan;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Delivery;
import dev.facesweep.coordinator.rabbit.QueueNames;
import dev.facesweep.protocol.BatchMessage;
import dev.facesweep.protocol.Heartbeat;
import dev.facesweep.protocol.MessageCodec;
import dev.facesweep.protocol.ResultMessage;
import dev.facesweep.protocol.Topology;
import dev.facesweep.worker.BatchHandler;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The test playing a worker over RabbitMQ: consumes batches with manual acks, answers with a
 * {@link BatchHandler}'s results, sends heartbeats. What it does with each batch is up to the test's
 * {@link Behaviour}.
 */
class TestWorker implements AutoCloseable {

    /** What to do with one delivered batch. */
    interface Behaviour {
        void onBatch(TestWorker worker, BatchMessage batch, long deliveryTag) throws IOException;
    }

    final String id;
    final List<BatchMessage> received = new CopyOnWriteArrayList<>();
    private final QueueNames names;
    private final BatchHandler handler;
    private final MessageCodec codec = new MessageCodec();
    private final Connection connection;
    private final Channel channel;

    TestWorker(String id, QueueNames names, BatchHandler handler, int prefetch, Behaviour behaviour)
            throws IOException {
        this.id = id;
        this.names = names;
        this.handler = handler;
        this.connection = TestBroker.connect("facesweep-it-worker " + id);
        this.channel = connection.createChannel();
        channel.queueDeclare(names.batches(), true, false, false, Topology.durableQueueArguments());
        channel.queueDeclare(names.results(), true, false, false, Topology.durableQueueArguments());
        channel.queueDeclare(names.parked(), true, false, false, Topology.durableQueueArguments());
        channel.basicQos(prefetch);
        heartbeat();
        channel.basicConsume(names.batches(), false, (tag, delivery) -> onDelivery(behaviour, delivery),
                tag -> { });
    }

    private void onDelivery(Behaviour behaviour, Delivery delivery) throws IOException {
        BatchMessage batch;
        try {
            batch = codec.decodeBatch(delivery.getBody());
        } catch (Exception e) {
            throw new IOException(e);
        }
        received.add(batch);
        behaviour.onBatch(this, batch, delivery.getEnvelope().getDeliveryTag());
    }

    ResultMessage answer(BatchMessage batch) {
        return handler.handle(batch);
    }

    synchronized void publishResult(ResultMessage result) throws IOException {
        channel.basicPublish("", names.results(), new AMQP.BasicProperties.Builder().deliveryMode(2).build(),
                codec.encode(result));
    }

    synchronized void publishRawResult(byte[] body) throws IOException {
        channel.basicPublish("", names.results(), null, body);
    }

    synchronized void park(BatchMessage batch, String reason) throws IOException {
        channel.basicPublish("", names.parked(), new AMQP.BasicProperties.Builder().deliveryMode(2)
                .headers(Map.of(Topology.HEADER_PARK_REASON, reason, Topology.HEADER_PARKED_BY, id)).build(),
                codec.encode(batch));
    }

    synchronized void ack(long tag) throws IOException {
        channel.basicAck(tag, false);
    }

    synchronized void heartbeat() throws IOException {
        channel.exchangeDeclare(names.heartbeats(), "fanout", true);
        channel.basicPublish(names.heartbeats(), "", null, codec.encode(new Heartbeat(id, "test-host", "CPU",
                "CPU", "test cpu", handler.modelId(), 10.0, 4, 1, Instant.now())));
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }
}
