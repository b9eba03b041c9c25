package dev.facesweep.worker.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.facesweep.protocol.BatchMessage;
import dev.facesweep.protocol.MessageCodec;
import dev.facesweep.protocol.Topology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** One test's private topology (unique prefix) on the test broker, and a client to feed and read it. */
public final class TestQueues implements AutoCloseable {

    public final String prefix = "it-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    public final QueueNames names = QueueNames.withPrefix(prefix);
    public final MessageCodec codec = new MessageCodec();
    private final TestBroker broker;
    private final Connection connection;
    private final Channel channel;

    public TestQueues(TestBroker broker) throws Exception {
        this.broker = broker;
        this.connection = broker.connect("facesweep-it-client " + prefix);
        this.channel = connection.createChannel();
        for (String q : List.of(names.batches(), names.results(), names.parked())) {
            channel.queueDeclare(q, true, false, false, Topology.durableQueueArguments());
        }
        channel.confirmSelect();
    }

    /** Settings for a worker on this topology; fast recovery and heartbeats for tests. */
    public AmqpSettings settings(int prefetch, int maxMessageBytes) {
        return settings(prefetch, maxMessageBytes, Duration.ZERO);
    }

    /** As {@link #settings(int, int)}, with a batch time limit. */
    public AmqpSettings settings(int prefetch, int maxMessageBytes, Duration batchTimeout) {
        return new AmqpSettings(broker.url(), null, null, names, prefetch, 3, maxMessageBytes,
                Duration.ofSeconds(10), Duration.ofMillis(300), Duration.ofMillis(500), Duration.ofSeconds(20),
                batchTimeout, "facesweep-it-worker " + prefix);
    }

    public void publish(BatchMessage batch) throws Exception {
        publishRaw(codec.encode(batch));
    }

    public void publishRaw(byte[] body) throws Exception {
        channel.basicPublish("", names.batches(), true, new AMQP.BasicProperties.Builder().deliveryMode(2).build(),
                body);
        channel.waitForConfirmsOrDie(10_000);
    }

    /** Takes (and acks) the next message of {@code queue}, or null when it is empty. */
    public GetResponse take(String queue) throws Exception {
        return channel.basicGet(queue, true);
    }

    /** Takes every message now in {@code queue}. */
    public List<GetResponse> drain(String queue) throws Exception {
        List<GetResponse> out = new ArrayList<>();
        for (GetResponse r; (r = take(queue)) != null; ) {
            out.add(r);
        }
        return out;
    }

    /** Ready messages in {@code queue}. */
    public long depth(String queue) throws Exception {
        return channel.queueDeclarePassive(queue).getMessageCount();
    }

    public Channel channel() {
        return channel;
    }

    @Override
    public void close() throws Exception {
        try {
            connection.close();
        } finally {
            broker.deleteTopology(names);
        }
    }
}
