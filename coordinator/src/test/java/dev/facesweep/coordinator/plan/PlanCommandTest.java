package dev.facesweep.coordinator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.facesweep.coordinator.cli.CliRunner;
import dev.facesweep.coordinator.store.ClaimedBatch;
import dev.facesweep.coordinator.store.ScanInfo;
import dev.facesweep.coordinator.store.ScanStore;
import dev.facesweep.coordinator.store.StagedImage;
import dev.facesweep.corpus.ContentHash;
import dev.facesweep.protocol.ImageResult;
import dev.facesweep.protocol.ResultMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code facesweep plan} against a real SQLite scan store holding made-up scores. */
class PlanCommandTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path tmp;

    private Path root;
    private Path state;
    private String scanId;
    /** rel path -> scores (null: unreadable). */
    private final Map<String, Map<String, Double>> scores = new HashMap<>();

    private void image(String rel, Map<String, Double> p) throws Exception {
        Path file = root.resolve(rel);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "bytes of " + rel);
        scores.put(rel, p);
    }

    @BeforeEach
    void scanWithScores() throws Exception {
        root = tmp.resolve("corpus");
        state = root.resolve(".facesweep");
        for (int i = 0; i < 10; i++) {
            // prune: one image over the mask threshold the prompt set gives (0.6), one just under the default 0.7
            image("alpha/faces/" + i + ".png", Map.of("mask", i == 0 ? 0.65 : 0.1, "sunglasses", i == 1 ? 0.69
                    : 0.1));
        }
        Files.writeString(root.resolve("alpha/manifest.json"), "{\"faces\": []}");
        for (int i = 0; i < 3; i++) {
            image("beta/faces/" + i + ".png", Map.of("mask", 0.05, "sunglasses", 0.9));
        }
        for (int i = 0; i < 3; i++) {
            image("gamma/faces/" + i + ".png", Map.of("mask", 0.05, "sunglasses", 0.05));
        }
        image("gamma/faces/bad.png", null);
        String prompts = "{\"attributes\": {\"mask\": {\"positive\": [\"a masked face\"], \"negative\": [\"a face\"],"
                + " \"threshold\": 0.6}, \"sunglasses\": {\"positive\": [\"sunglasses\"], \"negative\": [\"eyes\"]}}}";
        ContentHash hash = new ContentHash();
        try (ScanStore store = ScanStore.sqlite(state, Clock.systemUTC())) {
            ScanInfo scan = store.createScan(root.toString(), "model-x", "prompts-y", prompts);
            scanId = scan.id();
            List<StagedImage> staged = new ArrayList<>();
            for (String rel : scores.keySet().stream().sorted().toList()) {
                Path file = root.resolve(rel);
                staged.add(StagedImage.hashed(rel, rel.substring(0, rel.indexOf('/')), hash.sha256(file),
                        Files.size(file), 0));
            }
            store.stage(scanId, staged.iterator());
            ClaimedBatch batch = store.claimBatch(scanId, 100).orElseThrow();
            store.markPublished(batch.batchId());
            List<ImageResult> results = new ArrayList<>();
            for (ClaimedBatch.Image image : batch.images()) {
                Map<String, Double> p = scores.get(image.relativePath());
                results.add(p == null ? ImageResult.failed(image.sha256(), "truncated PNG")
                        : ImageResult.scored(image.sha256(), new float[] {1, 0}, p));
            }
            store.recordResults(new ResultMessage(scanId, batch.batchId(), "w1", "model-x", "prompts-y", results,
                    new ResultMessage.Timings(1, 1, 1)));
            store.finishScan(scanId);
        }
    }

    @Test
    void writesThePlanWithTheRulesThresholdsAndInputs() throws Exception {
        Path out = tmp.resolve("plan.json");

        CliRunner.Result r = CliRunner.run("plan", "latest", "--state", state.toString(), "--out", out.toString());

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("prune").contains("quarantine_masked").contains("images to prune: 1")
                .contains("unreadable: 1").contains("near threshold: 2");
        Plan plan = PlanJson.read(out);
        assertThat(plan.scanId()).isEqualTo(scanId);
        assertThat(plan.root()).isEqualTo(root.toString());
        assertThat(plan.modelId()).isEqualTo("model-x");
        assertThat(plan.thresholds().thresholdFor("mask")).isEqualTo(0.6);
        assertThat(plan.thresholds().thresholdFor("sunglasses")).isEqualTo(0.7);
        FacesetPlan alpha = plan.faceset("alpha");
        assertThat(alpha.action()).isEqualTo(Action.PRUNE);
        assertThat(alpha.drop()).containsExactly("alpha/faces/0.png");
        assertThat(alpha.nearThreshold()).containsExactly("alpha/faces/0.png", "alpha/faces/1.png");
        assertThat(plan.faceset("beta").action()).isEqualTo(Action.QUARANTINE_MASKED);
        assertThat(plan.faceset("beta").driver()).isEqualTo("sunglasses");
        assertThat(plan.faceset("gamma").action()).isEqualTo(Action.KEEP);
        assertThat(plan.faceset("gamma").unreadable()).containsExactly("gamma/faces/bad.png");
        ContentHash hash = new ContentHash();
        assertThat(plan.inputs().keySet()).containsExactlyInAnyOrder("alpha/faces/0.png", "alpha/manifest.json",
                "beta/faces/0.png", "beta/faces/1.png", "beta/faces/2.png");
        for (Map.Entry<String, InputFile> e : plan.inputs().entrySet()) {
            Path file = root.resolve(e.getKey());
            assertThat(e.getValue()).isEqualTo(new InputFile(Files.size(file), hash.sha256(file)));
        }
        assertThat(state.resolve("plans").resolve(plan.id() + ".json")).exists();
    }

    @Test
    void commandLineThresholdsAndOverridesChangeThePlanAndAreRecorded() throws Exception {
        Path overrides = tmp.resolve("overrides.json");
        Files.writeString(overrides, "{\"images\": {\"alpha/faces/5.png\": \"drop\"}, \"facesets\": {\"beta\":"
                + " \"keep\"}}");
        Path out = tmp.resolve("plan.json");

        CliRunner.Result r = CliRunner.run("plan", scanId, "--state", state.toString(), "--out", out.toString(),
                "--attribute-threshold", "sunglasses=0.65", "--attribute-threshold", "mask=0.9", "--overrides",
                overrides.toString(), "--json");

        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode line = JSON.readTree(r.out());
        assertThat(line.get("plan").asString()).isNotBlank();
        assertThat(line.get("drop").asInt()).isEqualTo(2);
        assertThat(line.get("forced").asInt()).isEqualTo(2);
        Plan plan = PlanJson.read(out);
        assertThat(plan.faceset("alpha").drop()).containsExactly("alpha/faces/1.png", "alpha/faces/5.png");
        assertThat(plan.faceset("beta").action()).isEqualTo(Action.KEEP);
        assertThat(plan.faceset("beta").forced()).containsEntry("beta", Force.KEEP);
        assertThat(plan.overrides().images()).containsEntry("alpha/faces/5.png", Force.DROP);
        assertThat(plan.thresholds().thresholdFor("mask")).isEqualTo(0.9);
    }

    @Test
    void badInputsAreOneLineUsageErrors() throws Exception {
        Path out = tmp.resolve("plan.json");
        CliRunner.Result noScan = CliRunner.run("plan", "nope", "--state", state.toString(), "--out", out.toString());
        assertThat(noScan.exit()).isEqualTo(2);
        assertThat(noScan.err()).contains("no scan 'nope'");
        CliRunner.Result noStore = CliRunner.run("plan", "latest", "--state", tmp.resolve("empty").toString(),
                "--out", out.toString());
        assertThat(noStore.exit()).isEqualTo(2);
        assertThat(noStore.err()).contains("no scans in " + tmp.resolve("empty")).contains("--state");
        Path overrides = tmp.resolve("o.json");
        Files.writeString(overrides, "{\"facesets\": {\"beta\": \"drop\"}}");
        CliRunner.Result badOverride = CliRunner.run("plan", "latest", "--state", state.toString(), "--out",
                out.toString(), "--overrides", overrides.toString());
        assertThat(badOverride.exit()).isEqualTo(2);
        assertThat(badOverride.err()).contains("only 'keep'");
        CliRunner.Result badThreshold = CliRunner.run("plan", "latest", "--state", state.toString(), "--out",
                out.toString(), "--image-threshold", "1.5");
        assertThat(badThreshold.exit()).isEqualTo(2);
        assertThat(badThreshold.err()).contains("image threshold must be in [0, 1]");
        assertThat(out).doesNotExist();
    }
}
