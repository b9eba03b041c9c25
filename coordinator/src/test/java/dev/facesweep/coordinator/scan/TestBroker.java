package dev.facesweep.coordinator.scan;

import static org.assertj.core.api.Assertions.fail;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.facesweep.coordinator.rabbit.QueueNames;
import java.util.UUID;

/**
 * The RabbitMQ the integration tests use: {@code FACESWEEP_TEST_AMQP_URL}, default
 * {@code amqp://guest:guest@localhost:5672}. Each test gets its own queue names and deletes them afterwards.
 * An unreachable broker fails the test with the command that starts one.
 */
final class TestBroker {

    static final String URL = System.getenv().getOrDefault("FACESWEEP_TEST_AMQP_URL",
            "amqp://guest:guest@localhost:5672");

    private TestBroker() {
    }

    static Connection connect(String name) {
        try {
            ConnectionFactory factory = new ConnectionFactory();
            factory.setUri(URL);
            factory.setConnectionTimeout(5000);
            return factory.newConnection(name);
        } catch (Exception e) {
            return fail("RabbitMQ is not reachable at " + URL + " (" + e.getMessage() + "); start one with:"
                    + " rabbitmq-server -detached (or set FACESWEEP_TEST_AMQP_URL)");
        }
    }

    static QueueNames uniqueNames() {
        return QueueNames.withPrefix("it-" + UUID.randomUUID().toString().substring(0, 8) + ".");
    }

    static void delete(QueueNames names) throws Exception {
        try (Connection c = connect("facesweep-it-cleanup"); Channel ch = c.createChannel()) {
            ch.queueDelete(names.batches());
            ch.queueDelete(names.results());
            ch.queueDelete(names.parked());
            ch.exchangeDelete(names.heartbeats());
        }
    }
}
