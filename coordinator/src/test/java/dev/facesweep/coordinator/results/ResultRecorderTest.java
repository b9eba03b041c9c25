package dev.facesweep.coordinator.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.facesweep.coordinator.store.ClaimedBatch;
import dev.facesweep.coordinator.store.ImageRecord;
import dev.facesweep.coordinator.store.RecordSummary;
import dev.facesweep.coordinator.store.ScanInfo;
import dev.facesweep.coordinator.store.ScanStore;
import dev.facesweep.coordinator.store.StagedImage;
import dev.facesweep.coordinator.testing.SettableClock;
import dev.facesweep.protocol.ImageResult;
import dev.facesweep.protocol.ResultMessage;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultRecorderTest {

    private static final String A = "a".repeat(64);
    private static final String B = "b".repeat(64);
    private static final String C = "c".repeat(64);

    @TempDir
    Path tmp;

    private ScanStore store;
    private ScanInfo scan;
    private ClaimedBatch batch;
    private final PromptScoring scoring = TestScoring.maskAlongX();
    private ResultRecorder recorder;

    @BeforeEach
    void open() {
        store = ScanStore.sqlite(tmp, new SettableClock(Instant.parse("2025-03-01T10:00:00Z")));
        scan = store.createScan("/corpus", scoring.modelId(), scoring.promptHash(), "{}");
        store.stage(scan.id(), List.of(StagedImage.hashed("s/faces/a.png", "s", A, 1, 1),
                StagedImage.hashed("s/faces/b.png", "s", B, 1, 1),
                StagedImage.hashed("s/faces/c.png", "s", C, 1, 1)).iterator());
        batch = store.claimBatch(scan.id(), 3).orElseThrow();
        store.markPublished(batch.batchId());
        recorder = new ResultRecorder(store, scoring);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private ResultMessage message(String model, String prompts, List<ImageResult> results) {
        return new ResultMessage(scan.id(), batch.batchId(), "w1", model, prompts, results,
                new ResultMessage.Timings(1, 2, 3));
    }

    private Map<String, ImageRecord> records() {
        Map<String, ImageRecord> out = new java.util.HashMap<>();
        store.forEachImage(scan.id(), r -> out.put(r.sha256(), r));
        return out;
    }

    @Test
    void scoresEmbeddingsHereIgnoringWorkerScoresAndCountsDuplicates() throws Exception {
        float[] alongX = {1, 0};
        float[] diagonal = {(float) Math.sqrt(0.5), (float) Math.sqrt(0.5)};
        List<ImageResult> results = List.of(ImageResult.scored(A, alongX, Map.of("mask", 0.123)),
                ImageResult.scored(B, diagonal, Map.of()), ImageResult.failed(C, "truncated PNG"));

        RecordSummary first = recorder.record(message(scoring.modelId(), scoring.promptHash(), results));
        RecordSummary again = recorder.record(message(scoring.modelId(), scoring.promptHash(), results));

        assertThat(first.status()).isEqualTo(RecordSummary.Status.RECORDED);
        assertThat(first.scored()).isEqualTo(2);
        assertThat(first.failed()).isEqualTo(1);
        assertThat(again.changedNothing()).isTrue();
        assertThat(recorder.duplicates()).isEqualTo(3);
        Map<String, ImageRecord> records = records();
        double e = Math.E;
        assertThat(records.get(A).scores().get("mask")).isCloseTo(e / (e + 1), within(1e-6));
        assertThat(records.get(B).scores().get("mask")).isCloseTo(0.5, within(1e-6));
        assertThat(records.get(C).error()).isEqualTo("truncated PNG");
    }

    @Test
    void unusableEmbeddingsFailTheirImageOnly() throws Exception {
        List<ImageResult> results = new ArrayList<>();
        results.add(ImageResult.scored(A, new float[] {1, 0, 0}, Map.of()));
        results.add(ImageResult.scored(B, new float[] {Float.NaN, 1}, Map.of()));
        results.add(ImageResult.scored(C, new float[] {3, 4}, Map.of()));

        recorder.record(message(scoring.modelId(), scoring.promptHash(), results));

        Map<String, ImageRecord> records = records();
        assertThat(records.get(A).error()).contains("3 values, the model makes 2");
        assertThat(records.get(B).error()).contains("NaN");
        assertThat(records.get(C).error()).contains("length is 5.0");
        assertThat(recorder.invalidEmbeddings()).isEqualTo(3);
    }

    @Test
    void resultsOfAnotherModelOrPromptSetAreRejectedAndStoreNothing() {
        List<ImageResult> results = List.of(ImageResult.scored(A, new float[] {1, 0}, Map.of()));
        assertThatThrownBy(() -> recorder.record(message("other@123", scoring.promptHash(), results)))
                .isInstanceOf(RejectedResultException.class).hasMessageContaining("other@123");
        assertThatThrownBy(() -> recorder.record(message(scoring.modelId(), "old-prompts", results)))
                .isInstanceOf(RejectedResultException.class).hasMessageContaining("old-prompts");
        assertThat(store.counts(scan.id()).scored()).isZero();
    }

    @Test
    void recordingSeveralAtOnceScoresEachAndTurnsAnotherModelIntoAMismatchThatStoresNothing() {
        ResultMessage other = message("other@123", scoring.promptHash(),
                List.of(ImageResult.scored(C, new float[] {1, 0}, Map.of())));
        ResultMessage good = message(scoring.modelId(), scoring.promptHash(), List.of(
                ImageResult.scored(A, new float[] {1, 0}, Map.of()), ImageResult.scored(B, new float[] {0, 1},
                        Map.of())));

        List<RecordSummary> summaries = recorder.recordAll(List.of(other, good, good));

        assertThat(summaries).extracting(RecordSummary::status).containsExactly(RecordSummary.Status.MISMATCH,
                RecordSummary.Status.RECORDED, RecordSummary.Status.LATE);
        assertThat(summaries.get(0).detail()).contains("other@123");
        assertThat(summaries.get(1).scored()).isEqualTo(2);
        assertThat(summaries.get(1).missing()).as("C had no answer from the right model").isEqualTo(1);
        assertThat(recorder.duplicates()).isEqualTo(2);
        Map<String, ImageRecord> records = records();
        assertThat(records.get(A).scores().get("mask")).isCloseTo(Math.E / (Math.E + 1), within(1e-6));
        assertThat(records.get(C).error()).contains("returned no result");
    }
}
