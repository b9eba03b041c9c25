package dev.facesweep.coordinator.rabbit;

import java.time.Duration;
import java.util.Objects;

/**
 * How the coordinator talks to RabbitMQ.
 *
 * @param uri {@code amqp://user:password@host:5672/vhost} (or {@code amqps://})
 * @param user overrides the URI's user when not null (e.g. from the environment)
 * @param password overrides the URI's password when not null; never put it in code
 * @param names queue and exchange names
 * @param resultPrefetch unacknowledged result messages the coordinator takes at once
 * @param confirmTimeout how long to wait for the broker to confirm a publish before checking the connection
 * @param publishDeadline how long a publish may keep retrying through broker outages before the scan gives up
 * @param liveFor a worker counts as live while its last heartbeat is younger than this
 * @param minOutstanding batches kept out even when no worker has been seen yet
 * @param outstandingPerWorker batches kept out per live worker: about four times a worker's prefetch (8 with the
 *     default prefetch of 2), so each always has its next batch ready, the free slots are claimed a few at a time
 *     in one store transaction (4 per worker made the claims small enough that the store's single SQLite writer
 *     ran about 10 % fewer images per second in docs/benchmarks.md's capacity run), and the queue stays short
 *     enough for re-dispatch at the end of a scan to matter
 * @param connectTimeout first connection attempt
 * @param recoveryInterval pause between reconnection attempts after the connection is lost
 */
public record BrokerSettings(String uri, String user, String password, QueueNames names, int resultPrefetch,
        Duration confirmTimeout, Duration publishDeadline, Duration liveFor, int minOutstanding,
        int outstandingPerWorker, Duration connectTimeout, Duration recoveryInterval) {

    public BrokerSettings {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(names, "names");
        if (resultPrefetch < 1 || minOutstanding < 1 || outstandingPerWorker < 1) {
            throw new IllegalArgumentException("broker prefetch and outstanding limits must be at least 1");
        }
    }

    public static BrokerSettings defaults(String uri) {
        return new BrokerSettings(uri, null, null, QueueNames.DEFAULT, 64, Duration.ofSeconds(10),
                Duration.ofMinutes(5), Duration.ofSeconds(30), 4, 8, Duration.ofSeconds(10), Duration.ofSeconds(2));
    }

    public BrokerSettings withNames(QueueNames n) {
        return new BrokerSettings(uri, user, password, n, resultPrefetch, confirmTimeout, publishDeadline, liveFor,
                minOutstanding, outstandingPerWorker, connectTimeout, recoveryInterval);
    }

    public BrokerSettings withCredentials(String u, String p) {
        return new BrokerSettings(uri, u, p, names, resultPrefetch, confirmTimeout, publishDeadline, liveFor,
                minOutstanding, outstandingPerWorker, connectTimeout, recoveryInterval);
    }

    public BrokerSettings withOutstanding(int min, int perWorker) {
        return new BrokerSettings(uri, user, password, names, resultPrefetch, confirmTimeout, publishDeadline,
                liveFor, min, perWorker, connectTimeout, recoveryInterval);
    }

    public BrokerSettings withRecoveryInterval(Duration interval) {
        return new BrokerSettings(uri, user, password, names, resultPrefetch, confirmTimeout, publishDeadline,
                liveFor, minOutstanding, outstandingPerWorker, connectTimeout, interval);
    }

    /** The URI with any password replaced by {@code ***}, for messages and logs. */
    public String redactedUri() {
        return redact(uri);
    }

    static String redact(String uri) {
        return uri.replaceFirst("^(amqps?://[^:/@]*):[^@/]*@", "$1:***@");
    }
}
