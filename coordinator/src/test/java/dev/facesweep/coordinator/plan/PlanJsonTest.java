package dev.facesweep.coordinator.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class PlanJsonTest {

    @TempDir
    Path dir;

    private static Plan sample() {
        FacesetPlan f = new FacesetPlan("faceset_001", Action.PRUNE, "mask", 0.1, 10, 1, Map.of("mask", 1),
                List.of("faceset_001/faces/a b.png"), List.of("faceset_001/faces/bad.png"),
                List.of("faceset_001/faces/ü.png"), List.of(), Map.of("faceset_001/faces/x.png", Force.KEEP));
        FacesetPlan k = new FacesetPlan("faceset_002", Action.KEEP, null, 0, 3, 0, Map.of(), List.of(), List.of(),
                List.of(), List.of(), Map.of());
        return new Plan("p1", "s1", "/data/root", Instant.parse("2025-03-01T10:15:30Z"), "model-x", "abc",
                new Thresholds(0.7, Map.of("mask", 0.6), 0.4, 5, 0.05),
                new Overrides(Map.of("faceset_001/faces/x.png", Force.KEEP), Map.of()), List.of(f, k),
                Map.of("faceset_001/faces/a b.png", new InputFile(12, "ab".repeat(32))));
    }

    @Test
    void roundTripsAndUsesTheIssuesFieldNames() throws Exception {
        Path file = dir.resolve("plan.json");
        PlanJson.write(sample(), file);
        assertThat(PlanJson.read(file)).isEqualTo(sample());
        JsonNode json = JsonMapper.builder().build().readTree(Files.readString(file));
        assertThat(json.get("plan").asString()).isEqualTo("p1");
        assertThat(json.get("scan").asString()).isEqualTo("s1");
        assertThat(json.get("root").asString()).isEqualTo("/data/root");
        assertThat(json.get("thresholds").get("image").asDouble()).isEqualTo(0.7);
        JsonNode f = json.get("facesets").get(0);
        assertThat(f.get("name").asString()).isEqualTo("faceset_001");
        assertThat(f.get("action").asString()).isEqualTo("prune");
        assertThat(f.get("driver").asString()).isEqualTo("mask");
        assertThat(f.get("flagged_fraction").asDouble()).isEqualTo(0.1);
        assertThat(f.get("images").asInt()).isEqualTo(10);
        assertThat(f.get("drop").get(0).asString()).isEqualTo("faceset_001/faces/a b.png");
        assertThat(f.get("unreadable").get(0).asString()).isEqualTo("faceset_001/faces/bad.png");
        assertThat(json.get("facesets").get(1).get("driver").isNull()).isTrue();
        JsonNode in = json.get("inputs").get("faceset_001/faces/a b.png");
        assertThat(in.get("size").asLong()).isEqualTo(12);
        assertThat(in.get("sha256").asString()).isEqualTo("ab".repeat(32));
    }

    @Test
    void badPlansGiveOneLineNamingTheField() throws Exception {
        Path file = dir.resolve("plan.json");
        Files.writeString(file, PlanJson.toText(sample()).replace("\"prune\"", "\"explode\""));
        assertThatThrownBy(() -> PlanJson.read(file)).isInstanceOf(PlanFormatException.class)
                .hasMessageContaining("facesets[0].action").hasMessageContaining("explode");
        Files.writeString(file, "{not json");
        assertThatThrownBy(() -> PlanJson.read(file)).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> PlanJson.read(dir.resolve("missing.json"))).hasMessageContaining("does not exist");
    }

    @Test
    void readsOverridesFiles() throws Exception {
        Path file = dir.resolve("o.json");
        Files.writeString(file, "{\"images\": {\"fs/faces/a.png\": \"drop\", \"fs/faces/b.png\": \"keep\"},"
                + " \"facesets\": {\"fs2\": \"keep\"}}");
        Overrides o = PlanJson.readOverrides(file);
        assertThat(o.images()).isEqualTo(Map.of("fs/faces/a.png", Force.DROP, "fs/faces/b.png", Force.KEEP));
        assertThat(o.facesets()).isEqualTo(Map.of("fs2", Force.KEEP));
        Files.writeString(file, "{\"images\": {\"fs/faces/a.png\": \"maybe\"}}");
        assertThatThrownBy(() -> PlanJson.readOverrides(file)).hasMessageContaining("images.fs/faces/a.png")
                .hasMessageContaining("maybe");
        Files.writeString(file, "{\"facesets\": {\"fs\": \"drop\"}}");
        assertThatThrownBy(() -> PlanJson.readOverrides(file)).hasMessageContaining("only 'keep'");
        Files.writeString(file, "{\"image\": {}}");
        assertThatThrownBy(() -> PlanJson.readOverrides(file)).hasMessageContaining("image");
    }
}
