package dev.facesweep.coordinator.results;

import dev.facesweep.protocol.BatchImage;
import dev.facesweep.protocol.BatchMessage;
import dev.facesweep.protocol.ImageResult;
import dev.facesweep.protocol.ResultMessage;
import dev.facesweep.worker.BatchHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link BatchHandler} without a model: each image gets {@link TestScoring#embeddingOf}; ids in
 * {@link #poison} make the whole batch throw; ids in {@link #unreadable} get a per-image error. Counts what it was
 * asked to do.
 */
public final class FakeHandler implements BatchHandler {

    public final Set<String> poison = ConcurrentHashMap.newKeySet();
    public final Set<String> unreadable = ConcurrentHashMap.newKeySet();
    public final Map<String, AtomicInteger> imageCalls = new ConcurrentHashMap<>();
    public final List<BatchMessage> batches = new CopyOnWriteArrayList<>();
    private final String workerId;

    public FakeHandler(String workerId) {
        this.workerId = workerId;
    }

    @Override
    public String modelId() {
        return TestScoring.MODEL;
    }

    @Override
    public ResultMessage handle(BatchMessage batch) {
        batches.add(batch);
        List<ImageResult> results = new ArrayList<>();
        for (BatchImage image : batch.images()) {
            imageCalls.computeIfAbsent(image.id(), id -> new AtomicInteger()).incrementAndGet();
            if (poison.contains(image.id())) {
                throw new IllegalStateException("the model crashed on " + image.path());
            }
            results.add(unreadable.contains(image.id()) ? ImageResult.failed(image.id(), "not a PNG image")
                    : ImageResult.scored(image.id(), TestScoring.embeddingOf(image.id()), Map.of()));
        }
        return new ResultMessage(batch.scanId(), batch.batchId(), workerId, modelId(), batch.promptHash(), results,
                new ResultMessage.Timings(1, 1, 1));
    }

    public int calls(String sha) {
        AtomicInteger n = imageCalls.get(sha);
        return n == null ? 0 : n.get();
    }
}
