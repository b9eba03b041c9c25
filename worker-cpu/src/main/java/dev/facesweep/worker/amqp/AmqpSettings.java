package dev.facesweep.worker.amqp;

import com.rabbitmq.client.ConnectionFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * How a worker talks to RabbitMQ.
 *
 * @param url {@code amqp://host[:port][/vhost]} or {@code amqps://...} (TLS, verified against the JVM's trust
 *     store with host-name verification); may carry {@code user:password@}
 * @param username overrides the URL's user when not null
 * @param password overrides the URL's password when not null (never logged)
 * @param names queue and exchange names
 * @param prefetch unacknowledged batches the broker may push to this worker (2: one in the model, one decoding)
 * @param maxAttempts deliveries of one batch before it is parked
 * @param maxMessageBytes largest batch message accepted; larger ones are parked unread
 * @param confirmTimeout how long to wait for the broker to confirm a publish before giving the batch back
 * @param recoveryInterval pause between connection attempts (first connect and automatic recovery)
 * @param heartbeatInterval how often a heartbeat is published
 * @param shutdownGrace how long a graceful stop waits for the in-flight batch
 * @param batchTimeout how long one batch may stay in the model or in decoding before the worker gives up on itself
 *     ({@link HangAction}); {@link Duration#ZERO} never
 * @param connectionName shown in the broker's connection list
 */
public record AmqpSettings(
        String url,
        String username,
        String password,
        QueueNames names,
        int prefetch,
        int maxAttempts,
        int maxMessageBytes,
        Duration confirmTimeout,
        Duration recoveryInterval,
        Duration heartbeatInterval,
        Duration shutdownGrace,
        Duration batchTimeout,
        String connectionName) {

    public AmqpSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(names, "names");
        Objects.requireNonNull(confirmTimeout, "confirmTimeout");
        Objects.requireNonNull(recoveryInterval, "recoveryInterval");
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        Objects.requireNonNull(batchTimeout, "batchTimeout");
        if (batchTimeout.isNegative()) {
            throw new IllegalArgumentException("batch timeout must not be negative, was " + batchTimeout);
        }
        Objects.requireNonNull(connectionName, "connectionName");
        if (prefetch < 1 || maxAttempts < 1 || maxMessageBytes < 1) {
            throw new IllegalArgumentException("prefetch, max attempts and message size must be positive, were "
                    + prefetch + ", " + maxAttempts + ", " + maxMessageBytes);
        }
    }

    /**
     * A connection factory for {@link #url} with automatic recovery (connection, channels, consumers) every
     * {@link #recoveryInterval}.
     *
     * @throws IllegalArgumentException when the URL is not an AMQP URL
     */
    public ConnectionFactory connectionFactory() {
        ConnectionFactory factory = new ConnectionFactory();
        try {
            URI uri = new URI(url);
            if (!"amqp".equalsIgnoreCase(uri.getScheme()) && !"amqps".equalsIgnoreCase(uri.getScheme())) {
                throw new IllegalArgumentException("broker URL " + redactedUrl() + " must start with amqp:// or "
                        + "amqps://");
            }
            factory.setUri(uri);
            if ("amqps".equalsIgnoreCase(uri.getScheme())) {
                // setUri trusts every certificate for amqps; verify against the JVM trust store instead
                factory.useSslProtocol(SSLContext.getDefault());
                factory.enableHostnameVerification();
            }
        } catch (URISyntaxException | KeyManagementException | NoSuchAlgorithmException e) {
            throw new IllegalArgumentException("broker URL " + redactedUrl() + " is not usable: " + e.getMessage(), e);
        }
        if (username != null && !username.isEmpty()) {
            factory.setUsername(username);
        }
        if (password != null && !password.isEmpty()) {
            factory.setPassword(password);
        }
        factory.setAutomaticRecoveryEnabled(true);
        factory.setTopologyRecoveryEnabled(true);
        factory.setNetworkRecoveryInterval(recoveryInterval.toMillis());
        factory.setConnectionTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1000, recoveryInterval.toMillis()
                * 5)));
        factory.setRequestedHeartbeat(30);
        return factory;
    }

    /** The URL with any password replaced by {@code ***}, for logs and messages. */
    public String redactedUrl() {
        return url.replaceFirst("(?<=://)([^:@/]*):[^@/]*@", "$1:***@");
    }

    @Override
    public String toString() {
        return "AmqpSettings[" + redactedUrl() + ", " + names + ", prefetch " + prefetch + ", max attempts "
                + maxAttempts + "]";
    }
}
