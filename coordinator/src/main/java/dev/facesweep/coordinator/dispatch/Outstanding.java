package dev.facesweep.coordinator.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The batches a scan has published and not yet had answered, with their publish times. Owned by the scan loop
 * (one thread); not thread-safe.
 */
public final class Outstanding {

    /**
     * One outstanding batch.
     *
     * @param firstPublished when it was first published by this process
     * @param lastPublished when it was last (re-)published
     * @param redispatches how often this process re-published it
     */
    public record Batch(String batchId, int images, Instant firstPublished, Instant lastPublished,
            int redispatches) {

        /** Time since the last publish. */
        public Duration age(Instant now) {
            return Duration.between(lastPublished, now);
        }
    }

    private final Map<String, Batch> batches = new LinkedHashMap<>();

    public void published(String batchId, int images, Instant at) {
        batches.put(batchId, new Batch(batchId, images, at, at, 0));
    }

    /** Records a re-publish of an outstanding batch (no-op for an unknown one). */
    public void republished(String batchId, Instant at) {
        batches.computeIfPresent(batchId, (id, b) -> new Batch(id, b.images(), b.firstPublished(), at,
                b.redispatches() + 1));
    }

    /**
     * Removes an answered (or parked) batch.
     *
     * @return the batch as it was, empty when it was not outstanding (a duplicate or another scan's batch)
     */
    public Optional<Batch> remove(String batchId) {
        return Optional.ofNullable(batches.remove(batchId));
    }

    public boolean contains(String batchId) {
        return batches.containsKey(batchId);
    }

    public int size() {
        return batches.size();
    }

    public boolean isEmpty() {
        return batches.isEmpty();
    }

    /** Images in outstanding batches. */
    public long images() {
        return batches.values().stream().mapToLong(Batch::images).sum();
    }

    /** In publish order. */
    public Collection<Batch> batches() {
        return Collections.unmodifiableCollection(batches.values());
    }
}
