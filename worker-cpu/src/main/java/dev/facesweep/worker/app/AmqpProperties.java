package dev.facesweep.worker.app;

import dev.facesweep.protocol.MessageCodec;
import dev.facesweep.protocol.Topology;
import dev.facesweep.worker.amqp.AmqpSettings;
import dev.facesweep.worker.amqp.QueueNames;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code facesweep.amqp.*}: the broker connection. Credentials come from the URL or from {@code username} /
 * {@code password} (e.g. env {@code FACESWEEP_AMQP_PASSWORD}), never from code. Unset values take the defaults
 * below.
 *
 * @param url {@code amqp://host:5672} or {@code amqps://host:5671}; required ({@code --broker})
 * @param username overrides the URL's user
 * @param password overrides the URL's password
 * @param prefix prepended to every queue and exchange name (tests; empty in production)
 * @param prefetch unacknowledged batches held by this worker (default 2)
 * @param maxAttempts deliveries of a batch before it is parked (default {@link Topology#DEFAULT_MAX_ATTEMPTS})
 * @param maxMessageBytes largest batch message read (default {@link MessageCodec#DEFAULT_MAX_BYTES})
 * @param confirmTimeout wait for a publisher confirm (default 30 s)
 * @param recoveryInterval pause between connection attempts (default 5 s)
 * @param heartbeatInterval heartbeat period (default 5 s)
 */
@ConfigurationProperties("facesweep.amqp")
public record AmqpProperties(
        String url,
        String username,
        String password,
        String prefix,
        Integer prefetch,
        Integer maxAttempts,
        Integer maxMessageBytes,
        Duration confirmTimeout,
        Duration recoveryInterval,
        Duration heartbeatInterval) {

    static final int DEFAULT_PREFETCH = 2;
    static final Duration DEFAULT_CONFIRM_TIMEOUT = Duration.ofSeconds(30);
    static final Duration DEFAULT_RECOVERY_INTERVAL = Duration.ofSeconds(5);
    static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(5);

    /**
     * Validated settings.
     *
     * @throws ConfigurationException naming the first bad property
     */
    AmqpSettings settings(String connectionName, Duration shutdownGrace, Duration batchTimeout) {
        if (url == null || url.isBlank()) {
            throw new ConfigurationException("facesweep.amqp.url", "no broker URL; give --broker amqp://HOST:5672 "
                    + "(or amqps://) or set FACESWEEP_AMQP_URL");
        }
        int pf = positive("facesweep.amqp.prefetch", prefetch, DEFAULT_PREFETCH);
        int attempts = positive("facesweep.amqp.max-attempts", maxAttempts, Topology.DEFAULT_MAX_ATTEMPTS);
        int maxBytes = positive("facesweep.amqp.max-message-bytes", maxMessageBytes, MessageCodec.DEFAULT_MAX_BYTES);
        AmqpSettings settings = new AmqpSettings(url.strip(), blankToNull(username), blankToNull(password),
                QueueNames.withPrefix(prefix == null ? "" : prefix.strip()), pf, attempts, maxBytes,
                positive("facesweep.amqp.confirm-timeout", confirmTimeout, DEFAULT_CONFIRM_TIMEOUT),
                positive("facesweep.amqp.recovery-interval", recoveryInterval, DEFAULT_RECOVERY_INTERVAL),
                positive("facesweep.amqp.heartbeat-interval", heartbeatInterval, DEFAULT_HEARTBEAT_INTERVAL),
                shutdownGrace, batchTimeout, connectionName);
        try {
            settings.connectionFactory();
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("facesweep.amqp.url", e.getMessage());
        }
        return settings;
    }

    static int positive(String property, Integer value, int fallback) {
        if (value == null) {
            return fallback;
        }
        if (value < 1) {
            throw new ConfigurationException(property, "must be 1 or more, was " + value);
        }
        return value;
    }

    static Duration positive(String property, Duration value, Duration fallback) {
        if (value == null) {
            return fallback;
        }
        if (value.isNegative() || value.isZero()) {
            throw new ConfigurationException(property, "must be a positive duration such as 5s, was " + value);
        }
        return value;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    @Override
    public String toString() {
        return "AmqpProperties[url=" + (url == null ? null : url.replaceFirst("(?<=://)([^:@/]*):[^@/]*@", "$1:***@"))
                + ", username=" + username + ", password=" + (password == null ? null : "***") + ", prefix=" + prefix
                + "]";
    }
}
