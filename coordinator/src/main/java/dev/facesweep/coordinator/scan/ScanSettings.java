package dev.facesweep.coordinator.scan;

import dev.facesweep.coordinator.dispatch.RedispatchPolicy;
import java.time.Duration;

/**
 * How a scan runs. Defaults live in {@link #defaults()}; the command line overrides a few.
 *
 * @param batchSize images per batch message (distinct contents)
 * @param inline send image bytes in the messages, for workers without the shared folder
 * @param inlineBudgetBytes largest total of inline image bytes per message (larger images go by path only, so a
 *     message stays well under the codec's size limit)
 * @param stageChunk images staged (and checked for reusable results) per store transaction
 * @param hashThreads threads hashing images ahead of staging
 * @param hashLookahead images hashed ahead at most
 * @param redispatch when long-outstanding batches are sent again near the end
 * @param tick longest wait of the scan loop between looks at the clock (progress, re-dispatch)
 * @param progressEvery how often progress is reported
 * @param noWorkerHint after how long without any worker heartbeat to print a hint; null when workers are
 *     in-process
 */
public record ScanSettings(int batchSize, boolean inline, long inlineBudgetBytes, int stageChunk, int hashThreads,
        int hashLookahead, RedispatchPolicy.Settings redispatch, Duration tick, Duration progressEvery,
        Duration noWorkerHint) {

    public static final int DEFAULT_BATCH_SIZE = 16;

    public ScanSettings {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (stageChunk < 1 || hashThreads < 1 || hashLookahead < 1 || inlineBudgetBytes < 0) {
            throw new IllegalArgumentException("staging limits must be positive");
        }
    }

    public static ScanSettings defaults() {
        int cores = Runtime.getRuntime().availableProcessors();
        return new ScanSettings(DEFAULT_BATCH_SIZE, false, 32L << 20, 256, Math.max(1, cores), 256,
                RedispatchPolicy.Settings.defaults(), Duration.ofMillis(200), Duration.ofSeconds(1),
                Duration.ofSeconds(30));
    }

    public ScanSettings withBatchSize(int n) {
        return new ScanSettings(n, inline, inlineBudgetBytes, stageChunk, hashThreads, hashLookahead, redispatch,
                tick, progressEvery, noWorkerHint);
    }

    public ScanSettings withInline(boolean on) {
        return new ScanSettings(batchSize, on, inlineBudgetBytes, stageChunk, hashThreads, hashLookahead,
                redispatch, tick, progressEvery, noWorkerHint);
    }

    public ScanSettings withRedispatch(RedispatchPolicy.Settings settings) {
        return new ScanSettings(batchSize, inline, inlineBudgetBytes, stageChunk, hashThreads, hashLookahead,
                settings, tick, progressEvery, noWorkerHint);
    }

    public ScanSettings withNoWorkerHint(Duration after) {
        return new ScanSettings(batchSize, inline, inlineBudgetBytes, stageChunk, hashThreads, hashLookahead,
                redispatch, tick, progressEvery, after);
    }

    public ScanSettings withTick(Duration tick) {
        return new ScanSettings(batchSize, inline, inlineBudgetBytes, stageChunk, hashThreads, hashLookahead,
                redispatch, tick, progressEvery, noWorkerHint);
    }

    public ScanSettings withStageChunk(int n) {
        return new ScanSettings(batchSize, inline, inlineBudgetBytes, n, hashThreads, hashLookahead, redispatch,
                tick, progressEvery, noWorkerHint);
    }
}
