package dev.facesweep.coordinator.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.facesweep.coordinator.results.ResultRecorder;
import dev.facesweep.coordinator.results.TestScoring;
import dev.facesweep.coordinator.store.ClaimedBatch;
import dev.facesweep.coordinator.store.ScanInfo;
import dev.facesweep.coordinator.store.ScanStore;
import dev.facesweep.coordinator.store.StagedImage;
import dev.facesweep.coordinator.testing.SettableClock;
import dev.facesweep.protocol.ImageResult;
import dev.facesweep.protocol.ResultMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** The machine-readable outputs other tools parse, character for character. */
class JsonShapesTest {

    private static final String A = "a".repeat(64);
    private static final String B = "b".repeat(64);

    @TempDir
    Path tmp;

    private final SettableClock clock = new SettableClock(Instant.parse("2025-03-01T10:00:00Z"));
    private ScanStore store;
    private ScanInfo scan;

    @BeforeEach
    void scanWithOneScoredOneFailedAndOneUnreadableImage() throws Exception {
        store = ScanStore.sqlite(tmp, clock);
        var scoring = TestScoring.maskAlongX();
        scan = store.createScan("/corpus", scoring.modelId(), scoring.promptHash(), "{}");
        store.stage(scan.id(), List.of(StagedImage.hashed("set 1/faces/a.png", "set 1", A, 10, 1),
                StagedImage.hashed("set 1/faces/b.png", "set 1", B, 10, 1),
                StagedImage.unreadable("set 2/faces/c.png", "set 2", 0, "empty file (0 bytes): not an image"))
                .iterator());
        ClaimedBatch batch = store.claimBatch(scan.id(), 2).orElseThrow();
        store.markPublished(batch.batchId());
        clock.advance(Duration.ofSeconds(4));
        new ResultRecorder(store, scoring).record(new ResultMessage(scan.id(), batch.batchId(), "w1",
                scoring.modelId(), scoring.promptHash(), List.of(ImageResult.scored(A, new float[] {0, 1}, Map.of()),
                        ImageResult.failed(B, "truncated PNG")), new ResultMessage.Timings(1, 1, 1)));
        store.finishScan(scan.id());
        scan = store.scan(scan.id()).orElseThrow();
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void scanSummary() {
        ScanOutcome outcome = new ScanOutcome(scan.id(), false, store.counts(scan.id()), 1, 0, 0, 0);
        assertThat(ScanReport.json(store, outcome)).isEqualTo("{\"scan\":\"" + scan.id() + "\",\"images\":3,"
                + "\"scored\":1,\"reused\":0,\"failed\":2,\"parked\":0,\"failures\":["
                + "{\"image\":\"set 1/faces/b.png\",\"error\":\"truncated PNG\"},"
                + "{\"image\":\"set 2/faces/c.png\",\"error\":\"empty file (0 bytes): not an image\"}]}");
        assertThat(outcome.complete()).isFalse();
    }

    @Test
    void scoresLines() {
        List<String> lines = new ArrayList<>();
        store.forEachImage(scan.id(), r -> lines.add(JsonMapper.shared().writeValueAsString(ScoresCommand.line(r))));
        double e = Math.E;
        assertThat(lines).containsExactly(
                "{\"faceset\":\"set 1\",\"image\":\"set 1/faces/a.png\",\"sha256\":\"" + A + "\",\"scores\":"
                        + "{\"mask\":" + (1 / (e + 1)) + "},\"error\":null}",
                "{\"faceset\":\"set 1\",\"image\":\"set 1/faces/b.png\",\"sha256\":\"" + B + "\",\"scores\":{},"
                        + "\"error\":\"truncated PNG\"}",
                "{\"faceset\":\"set 2\",\"image\":\"set 2/faces/c.png\",\"sha256\":null,\"scores\":{},"
                        + "\"error\":\"empty file (0 bytes): not an image\"}");
    }

    @Test
    void status() {
        ScanStatus status = ScanStatus.of(store, scan, clock.instant());
        assertThat(JsonMapper.shared().writeValueAsString(StatusCommand.json(status))).isEqualTo("{\"scan\":\""
                + scan.id() + "\",\"root\":\"/corpus\",\"state\":\"finished\",\"model\":\"" + TestScoring.MODEL
                + "\",\"promptHash\":\"prompts-x\",\"images\":3,\"staged\":0,\"inFlight\":0,\"scored\":1,"
                + "\"reused\":0,\"failed\":2,\"parked\":0,\"remaining\":0,\"imagesPerSecond\":0.5,"
                + "\"etaSeconds\":null,\"workers\":[{\"worker\":\"w1\",\"scored\":1,\"failed\":1,\"batches\":1,"
                + "\"imagesPerSecond\":0.5}]}");
    }
}
