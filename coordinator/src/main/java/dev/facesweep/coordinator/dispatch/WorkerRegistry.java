package dev.facesweep.coordinator.dispatch;

import dev.facesweep.protocol.Heartbeat;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is alive, from heartbeats: a worker is live while its last heartbeat arrived less than {@code liveFor} ago
 * by the coordinator's clock (the worker's own timestamp is not trusted: clocks of different boxes drift).
 * Thread-safe.
 */
public final class WorkerRegistry {

    private final Clock clock;
    private final Duration liveFor;
    private final Map<String, Seen> workers = new ConcurrentHashMap<>();

    private record Seen(Heartbeat heartbeat, Instant at) {
    }

    public WorkerRegistry(Clock clock, Duration liveFor) {
        this.clock = clock;
        this.liveFor = liveFor;
    }

    /** Records a heartbeat; returns true when the worker was not known before (or had been presumed dead). */
    public boolean seen(Heartbeat heartbeat) {
        Instant now = clock.instant();
        Seen previous = workers.put(heartbeat.workerId(), new Seen(heartbeat, now));
        return previous == null || !isLive(previous, now);
    }

    /** Every worker seen so far, live ones first, then by id. */
    public List<WorkerStatus> workers() {
        Instant now = clock.instant();
        List<WorkerStatus> out = new ArrayList<>();
        for (Seen seen : workers.values()) {
            Heartbeat h = seen.heartbeat();
            out.add(new WorkerStatus(h.workerId(), h.host(), h.provider(), h.configuredProvider(), h.device(),
                    h.modelId(), h.imagesPerSecond(), h.batchSize(), h.inFlight(), seen.at(), isLive(seen, now)));
        }
        out.sort(Comparator.comparing((WorkerStatus w) -> !w.live()).thenComparing(WorkerStatus::workerId));
        return out;
    }

    public List<WorkerStatus> live() {
        return workers().stream().filter(WorkerStatus::live).toList();
    }

    public int liveCount() {
        Instant now = clock.instant();
        return (int) workers.values().stream().filter(s -> isLive(s, now)).count();
    }

    /** Sum of the live workers' own rates, images per second. */
    public double liveRate() {
        return live().stream().mapToDouble(WorkerStatus::imagesPerSecond).sum();
    }

    public boolean anySeen() {
        return !workers.isEmpty();
    }

    private boolean isLive(Seen seen, Instant now) {
        return Duration.between(seen.at(), now).compareTo(liveFor) < 0;
    }
}
