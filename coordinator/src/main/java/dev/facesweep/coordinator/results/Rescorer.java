package dev.facesweep.coordinator.results;

import dev.facesweep.coordinator.store.ImageRecord;
import dev.facesweep.coordinator.store.ImageState;
import dev.facesweep.coordinator.store.Rescored;
import dev.facesweep.coordinator.store.ScanCounts;
import dev.facesweep.coordinator.store.ScanInfo;
import dev.facesweep.coordinator.store.ScanStore;
import dev.facesweep.coordinator.store.StagedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores stored image embeddings for a prompt set, without the image model and without any worker.
 *
 * <ul>
 *   <li>{@link #rescoreStaged}: during a scan, the staged images whose content already has an embedding (from an
 *       earlier scan with other prompts) are scored here instead of being dispatched.</li>
 *   <li>{@link #rescore}: a finished scan under a new prompt set becomes a new scan of the same images; images
 *       with a stored embedding are scored, images that failed before keep their error, and images never scored
 *       stay staged for the next {@code facesweep scan} of the root to finish.</li>
 * </ul>
 */
public final class Rescorer {

    private static final Logger log = LoggerFactory.getLogger(Rescorer.class);
    private static final int CHUNK = 500;

    private final ScanStore store;

    public Rescorer(ScanStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * Scores the scan's staged images that have a stored embedding but no result for the scan's prompt set.
     *
     * @param scoring must be the scan's model and prompt set
     * @return images marked reused
     */
    public long rescoreStaged(String scanId, PromptScoring scoring) {
        ScanInfo scan = store.scan(scanId).orElseThrow(() -> new IllegalArgumentException("no scan " + scanId));
        if (!scan.modelId().equals(scoring.modelId()) || !scan.promptHash().equals(scoring.promptHash())) {
            throw new IllegalArgumentException("scan " + scanId + " uses " + scan.modelId() + " / "
                    + scan.promptHash() + ", not " + scoring.modelId() + " / " + scoring.promptHash());
        }
        long[] marked = {0};
        List<Rescored> chunk = new ArrayList<>(CHUNK);
        Consumer<List<Rescored>> flush = list -> {
            if (!list.isEmpty()) {
                marked[0] += store.recordRescored(scanId, List.copyOf(list));
                list.clear();
            }
        };
        store.forEachRescorable(scanId, stored -> {
            if (stored.embedding().length != scoring.dimension()) {
                log.warn("stored embedding of {} has {} values, the model makes {}; it will be scored again",
                        stored.sha256(), stored.embedding().length, scoring.dimension());
                return;
            }
            chunk.add(new Rescored(stored.sha256(), scoring.score(stored.embedding())));
            if (chunk.size() == CHUNK) {
                flush.accept(chunk);
            }
        });
        flush.accept(chunk);
        return marked[0];
    }

    /**
     * What {@link #rescore} did.
     *
     * @param scan the new scan
     * @param from the scan it was made from
     * @param rescored images scored from stored embeddings (or whose result for the new prompt set was stored
     *     already)
     * @param pending images that still need a worker (no stored embedding); a {@code facesweep scan} of the root
     *     with the same prompts finishes them
     */
    public record Outcome(ScanInfo scan, ScanInfo from, ScanCounts counts, long rescored, long pending) {
    }

    /**
     * Makes a new scan of {@code from}'s images under {@code scoring}'s prompt set, scored from stored embeddings.
     * Finished when nothing is pending.
     *
     * @param promptSetJson the prompt set as stored with the scan
     * @throws IllegalArgumentException when {@code scoring} is for another model than {@code from}
     */
    public Outcome rescore(ScanInfo from, PromptScoring scoring, String promptSetJson) {
        if (!from.modelId().equals(scoring.modelId())) {
            throw new IllegalArgumentException("scan " + from.id() + " was made with model " + from.modelId()
                    + " but the given model is " + scoring.modelId() + ": pass --model with the scan's bundle");
        }
        ScanInfo scan = store.createScan(from.root(), from.modelId(), scoring.promptHash(), promptSetJson);
        String scanId = scan.id();
        List<StagedImage> chunk = new ArrayList<>(ScanStore.STAGE_CHUNK);
        store.forEachImage(from.id(), record -> {
            chunk.add(staged(record));
            if (chunk.size() == ScanStore.STAGE_CHUNK) {
                store.stage(scanId, chunk.iterator());
                chunk.clear();
            }
        });
        store.stage(scanId, chunk.iterator());
        long reused = store.reuseKnownResults(scan.id());
        long rescored = reused + rescoreStaged(scan.id(), scoring);
        ScanCounts counts = store.counts(scan.id());
        if (counts.remaining() == 0) {
            store.finishScan(scan.id());
            scan = store.scan(scan.id()).orElseThrow();
        }
        return new Outcome(scan, from, counts, rescored, counts.remaining());
    }

    /** An image of the old scan as staged into the new one: failures keep their error, the rest their hash. */
    private static StagedImage staged(ImageRecord record) {
        if (record.sha256() == null || record.state() == ImageState.FAILED) {
            String error = record.error() == null ? "failed in an earlier scan" : record.error();
            return StagedImage.unreadable(record.relativePath(), record.faceset(), record.size(), error);
        }
        return StagedImage.hashed(record.relativePath(), record.faceset(), record.sha256(), record.size(), 0L);
    }
}
