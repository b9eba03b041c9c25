package dev.facesweep.coordinator.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Decides which outstanding batches to publish again near the end of a run, so that a slow worker cannot hold the
 * tail: a batch is due when it has been outstanding longer than {@code factor} times the median round trip of
 * recent batches (and longer than {@code floor}), and has been re-published fewer than {@code maxRedispatches}
 * times. The copy goes to whichever worker is free (an idle fast one, near the end); whichever result comes first
 * wins and the other is a harmless duplicate.
 *
 * <p>The round trip (publish to result) is what a batch costs as seen from here, queueing included. Most batches
 * are answered by the fast workers, so the median tracks them; a batch stuck on a box twenty times slower stands
 * out. Before any round trip is known, {@code unknownAfter} stands in for the threshold.
 *
 * <p>Only batches never re-published give samples (the answer to a re-published batch may be to either copy).
 * Not thread-safe; owned by the scan loop.
 */
public final class RedispatchPolicy {

    /**
     * @param factor how many median round trips make a batch overdue
     * @param floor never re-dispatch a batch younger than this
     * @param unknownAfter the threshold while no round trip is known yet
     * @param maxRedispatches re-publishes per batch at most
     * @param window how many recent round trips the median is taken over
     */
    public record Settings(double factor, Duration floor, Duration unknownAfter, int maxRedispatches, int window) {

        public Settings {
            if (!(factor >= 1)) {
                throw new IllegalArgumentException("re-dispatch factor must be at least 1, got " + factor);
            }
            if (floor.isNegative() || unknownAfter.isNegative()) {
                throw new IllegalArgumentException("re-dispatch times must not be negative");
            }
            if (maxRedispatches < 0 || window < 1) {
                throw new IllegalArgumentException("re-dispatch limits must be positive");
            }
        }

        /** 3x the median round trip, at least 30 s; 10 min while unknown; twice per batch; over 64 batches. */
        public static Settings defaults() {
            return new Settings(3.0, Duration.ofSeconds(30), Duration.ofMinutes(10), 2, 64);
        }

        /** Never re-dispatches. */
        public static Settings disabled() {
            return new Settings(1.0, Duration.ZERO, Duration.ZERO, 0, 1);
        }
    }

    private final Settings settings;
    private final Deque<Duration> recent = new ArrayDeque<>();

    public RedispatchPolicy(Settings settings) {
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    /** Records the round trip of a batch answered without having been re-published. */
    public void roundTrip(Duration duration) {
        if (duration.isNegative()) {
            return;
        }
        recent.addLast(duration);
        while (recent.size() > settings.window()) {
            recent.removeFirst();
        }
    }

    /** The median of the recent round trips, empty before the first. */
    public Optional<Duration> median() {
        if (recent.isEmpty()) {
            return Optional.empty();
        }
        List<Duration> sorted = new ArrayList<>(recent);
        sorted.sort(Comparator.naturalOrder());
        int n = sorted.size();
        Duration median = n % 2 == 1 ? sorted.get(n / 2) : sorted.get(n / 2 - 1).plus(sorted.get(n / 2)).dividedBy(2);
        return Optional.of(median);
    }

    /** How long a batch may be outstanding before it is due. */
    public Duration threshold() {
        Duration byMedian = median()
                .map(m -> Duration.ofNanos((long) Math.min(Long.MAX_VALUE, m.toNanos() * settings.factor())))
                .orElse(settings.unknownAfter());
        return byMedian.compareTo(settings.floor()) > 0 ? byMedian : settings.floor();
    }

    /** The outstanding batches to publish again now, oldest first. */
    public List<Outstanding.Batch> due(Collection<Outstanding.Batch> outstanding, Instant now) {
        if (settings.maxRedispatches() == 0) {
            return List.of();
        }
        Duration threshold = threshold();
        return outstanding.stream()
                .filter(b -> b.redispatches() < settings.maxRedispatches())
                .filter(b -> b.age(now).compareTo(threshold) > 0)
                .sorted(Comparator.comparing(Outstanding.Batch::lastPublished))
                .toList();
    }
}
