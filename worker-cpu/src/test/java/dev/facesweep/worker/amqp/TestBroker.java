package dev.facesweep.worker.amqp;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container;
import org.testcontainers.rabbitmq.RabbitMQContainer;

/**
 * The RabbitMQ the integration tests run against: a Testcontainers broker when a Docker engine answers, else the
 * one at {@code FACESWEEP_TEST_AMQP_URL} (default {@code amqp://guest:guest@localhost:5672}). With neither the
 * tests fail, saying how to start one. Tests isolate themselves with a unique queue-name prefix.
 */
public final class TestBroker {

    public static final String ENV_URL = "FACESWEEP_TEST_AMQP_URL";
    private static final String DEFAULT_URL = "amqp://guest:guest@localhost:5672";
    private static TestBroker instance;

    private final String url;
    private final RabbitMQContainer container;

    private TestBroker(String url, RabbitMQContainer container) {
        this.url = url;
        this.container = container;
    }

    public static synchronized TestBroker get() {
        if (instance == null) {
            instance = start();
        }
        return instance;
    }

    private static TestBroker start() {
        String configured = System.getenv(ENV_URL);
        if ((configured == null || configured.isBlank()) && dockerAvailable()) {
            RabbitMQContainer container = new RabbitMQContainer("rabbitmq:3.13-management");
            container.start();
            String url = "amqp://" + container.getAdminUsername() + ":" + container.getAdminPassword() + "@"
                    + container.getHost() + ":" + container.getAmqpPort();
            return new TestBroker(url, container);
        }
        String url = configured == null || configured.isBlank() ? DEFAULT_URL : configured.strip();
        try (Connection c = factory(url).newConnection("facesweep-it-probe")) {
            c.isOpen();
        } catch (Exception e) {
            throw new IllegalStateException("no RabbitMQ for the integration tests: no Docker engine for "
                    + "Testcontainers and nothing usable at " + url.replaceFirst(":[^:@/]*@", ":***@") + " ("
                    + e.getMessage() + "); start a local broker with `rabbitmq-server -detached`, start Docker, or "
                    + "set " + ENV_URL);
        }
        return new TestBroker(url, null);
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    static ConnectionFactory factory(String url) {
        ConnectionFactory f = new ConnectionFactory();
        try {
            f.setUri(new URI(url));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
        f.setConnectionTimeout(5000);
        return f;
    }

    public String url() {
        return url;
    }

    public Connection connect(String name) throws Exception {
        return factory(url).newConnection(name);
    }

    /** Deletes the queues and exchange of a test's prefix. */
    public void deleteTopology(QueueNames names) {
        try (Connection c = connect("facesweep-it-cleanup"); Channel ch = c.createChannel()) {
            for (String q : List.of(names.batches(), names.results(), names.parked())) {
                ch.queueDelete(q);
            }
            ch.exchangeDelete(names.heartbeats());
        } catch (Exception e) {
            throw new IllegalStateException("cannot clean up test queues: " + e.getMessage(), e);
        }
    }

    /**
     * Has the broker close every connection whose client-provided name contains {@code nameFragment}, as a broker
     * restart or network drop would (through {@code rabbitmqctl}).
     *
     * @return how many connections were closed
     */
    public int closeConnections(String nameFragment) throws Exception {
        String listing = rabbitmqctl("list_connections", "-q", "--no-table-headers", "pid", "client_properties");
        List<String> pids = new ArrayList<>();
        for (String line : listing.split("\\R")) {
            if (line.contains(nameFragment)) {
                pids.add(line.strip().split("\\s+", 2)[0]);
            }
        }
        for (String pid : pids) {
            rabbitmqctl("close_connection", pid, "facesweep integration test: simulated connection drop");
        }
        return pids.size();
    }

    private String rabbitmqctl(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add("rabbitmqctl");
        command.addAll(List.of(args));
        if (container != null) {
            Container.ExecResult result = container.execInContainer(command.toArray(String[]::new));
            if (result.getExitCode() != 0) {
                throw new IOException("rabbitmqctl " + String.join(" ", args) + " failed: " + result.getStderr());
            }
            return result.getStdout();
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("rabbitmqctl " + String.join(" ", args) + " failed (is rabbitmqctl on the PATH "
                    + "of the broker's host?): " + out);
        }
        return out;
    }
}
