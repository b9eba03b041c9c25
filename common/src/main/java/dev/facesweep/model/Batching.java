package dev.facesweep.model;

import java.util.ArrayList;
import java.util.List;

/** Splits a run of items into model runs; with a fixed batch dimension every run is padded to the full size. */
final class Batching {

    /**
     * One model run: items {@code [start, start + count)} of the input, fed as a tensor of {@code runSize} rows
     * (the rows after {@code count} are padding whose outputs are dropped).
     */
    record Chunk(int start, int count, int runSize) {
        int padding() {
            return runSize - count;
        }
    }

    private Batching() {
    }

    /**
     * @param total items to embed
     * @param batchSize items per run
     * @param fixed whether the session only accepts exactly {@code batchSize} rows
     */
    static List<Chunk> plan(int total, int batchSize, boolean fixed) {
        if (total < 0) {
            throw new IllegalArgumentException("item count must not be negative, was " + total);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, was " + batchSize);
        }
        List<Chunk> chunks = new ArrayList<>((total + batchSize - 1) / batchSize);
        for (int start = 0; start < total; start += batchSize) {
            int count = Math.min(batchSize, total - start);
            chunks.add(new Chunk(start, count, fixed ? batchSize : count));
        }
        return chunks;
    }
}
