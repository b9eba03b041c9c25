package dev.facesweep.coordinator.results;

import dev.facesweep.coordinator.store.RecordSummary;
import dev.facesweep.coordinator.store.ScanStore;
import dev.facesweep.model.Embeddings;
import dev.facesweep.protocol.ImageResult;
import dev.facesweep.protocol.ResultMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a worker's result message into stored results: each embedding is checked (width, finite values, unit
 * length) and scored with the scan's prompt set here, on the coordinator; then the store upserts the message
 * idempotently. Scores a worker may have sent are ignored: the coordinator's prompt embeddings are the reference.
 * Thread-safe.
 */
public final class ResultRecorder {

    /** How far from 1 an embedding's length may be (float32 rounding of a normalised vector is far smaller). */
    static final double NORM_TOLERANCE = 1e-3;

    private static final Logger log = LoggerFactory.getLogger(ResultRecorder.class);

    private final ScanStore store;
    private final PromptScoring scoring;
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong invalidEmbeddings = new AtomicLong();

    public ResultRecorder(ScanStore store, PromptScoring scoring) {
        this.store = Objects.requireNonNull(store, "store");
        this.scoring = Objects.requireNonNull(scoring, "scoring");
    }

    /**
     * Scores and stores one result message.
     *
     * @throws RejectedResultException when the message was made with another model or for another prompt set than
     *     this recorder scores (nothing is stored)
     * @throws dev.facesweep.coordinator.store.StoreException when the store cannot be written
     */
    public RecordSummary record(ResultMessage message) throws RejectedResultException {
        reject(message);
        RecordSummary summary = store.recordResults(scored(message));
        duplicates.addAndGet(summary.duplicates());
        return summary;
    }

    /**
     * Scores several result messages and stores them in one transaction. A message this recorder cannot score
     * (another model or prompt set) stores nothing and gets a {@link RecordSummary.Status#MISMATCH} summary saying
     * why, also logged.
     *
     * @return one summary per message, in order
     * @throws dev.facesweep.coordinator.store.StoreException when the store cannot be written (then nothing is
     *     stored)
     */
    public List<RecordSummary> recordAll(List<ResultMessage> messages) {
        RecordSummary[] summaries = new RecordSummary[messages.size()];
        List<ResultMessage> scorable = new ArrayList<>(messages.size());
        List<Integer> positions = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            ResultMessage message = messages.get(i);
            try {
                reject(message);
                scorable.add(scored(message));
                positions.add(i);
            } catch (RejectedResultException e) {
                log.warn(e.getMessage());
                summaries[i] = new RecordSummary(message.batchId(), RecordSummary.Status.MISMATCH, 0, 0,
                        message.results().size(), 0, e.getMessage());
            }
        }
        List<RecordSummary> stored = store.recordResults(scorable);
        for (int i = 0; i < stored.size(); i++) {
            summaries[positions.get(i)] = stored.get(i);
            duplicates.addAndGet(stored.get(i).duplicates());
        }
        return List.of(summaries);
    }

    private void reject(ResultMessage message) throws RejectedResultException {
        if (!message.modelId().equals(scoring.modelId())) {
            throw new RejectedResultException("worker " + message.workerId() + " answered batch "
                    + message.batchId() + " with model " + message.modelId() + ", but this coordinator scores "
                    + scoring.modelId() + "; result dropped (run the workers with the same model bundle)");
        }
        if (!message.promptHash().equals(scoring.promptHash())) {
            throw new RejectedResultException("result of batch " + message.batchId() + " (scan "
                    + message.scanId() + ") is for prompt set " + message.promptHash() + ", but this coordinator"
                    + " scores " + scoring.promptHash() + "; result dropped (re-run that scan to finish it)");
        }
    }

    /** The message with every embedding checked and scored here. */
    private ResultMessage scored(ResultMessage message) {
        List<ImageResult> scored = new ArrayList<>(message.results().size());
        for (ImageResult result : message.results()) {
            scored.add(score(result, message.workerId()));
        }
        return new ResultMessage(message.scanId(), message.batchId(), message.workerId(), message.modelId(),
                message.promptHash(), scored, message.timings());
    }

    private ImageResult score(ImageResult result, String workerId) {
        if (result.failed()) {
            return ImageResult.failed(result.id(), result.error());
        }
        String problem = check(result.embedding());
        if (problem != null) {
            invalidEmbeddings.incrementAndGet();
            return ImageResult.failed(result.id(), "worker " + workerId + " returned an unusable embedding: "
                    + problem);
        }
        return ImageResult.scored(result.id(), result.embedding(), scoring.score(result.embedding()));
    }

    /** Why the embedding cannot be scored, or null when it can. */
    String check(float[] embedding) {
        if (embedding.length != scoring.dimension()) {
            return embedding.length + " values, the model makes " + scoring.dimension();
        }
        double sum = Embeddings.sumOfSquares(embedding);
        if (!Double.isFinite(sum)) {
            for (float v : embedding) {
                if (!Float.isFinite(v)) {
                    return "it contains " + v;
                }
            }
        }
        double norm = Math.sqrt(sum);
        if (Math.abs(norm - 1) > NORM_TOLERANCE) {
            return "its length is " + norm + ", not 1 (workers send L2-normalised embeddings)";
        }
        return null;
    }

    /** Result entries so far that changed nothing (duplicate or late deliveries). */
    public long duplicates() {
        return duplicates.get();
    }

    /** Embeddings so far that could not be scored (wrong width, not finite, not normalised). */
    public long invalidEmbeddings() {
        return invalidEmbeddings.get();
    }

    public PromptScoring scoring() {
        return scoring;
    }
}
