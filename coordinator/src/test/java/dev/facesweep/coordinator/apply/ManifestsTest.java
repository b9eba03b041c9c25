package dev.facesweep.coordinator.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

class ManifestsTest {

    @Test
    void removesTheEntriesThatNameAPrunedImageWhateverTheirShape() throws Exception {
        String text = """
                {
                  "z_first": 1,
                  "faces": [
                    {"file": "faces/a.png", "w": 512},
                    {"png": "b.png", "id": 2},
                    "faces/c.png",
                    {"path": "E:\\\\corpus\\\\set\\\\faces\\\\d.png"},
                    {"file": "faces/keep.png", "note": "a.png is mentioned but not as a path"},
                    {"file": "faces/xa.png"},
                    {"nested": {"file": "a.png"}}
                  ],
                  "unknown": {"k": [1, 2]}
                }
                """;
        Manifests.FacesetEdit edit = Manifests.editFaceset(text, Set.of("a.png", "b.png", "c.png", "d.png"));

        assertThat(edit.removed()).hasSize(4);
        JsonNode out = JsonStyle.parse(edit.text());
        assertThat(out.propertyNames()).containsExactly("z_first", "faces", "unknown");
        assertThat(out.get("faces")).hasSize(3);
        assertThat(out.get("faces").get(0).get("file").asString()).isEqualTo("faces/keep.png");
        assertThat(out.get("faces").get(1).get("file").asString()).isEqualTo("faces/xa.png");
        assertThat(out.get("faces").get(2).has("nested")).isTrue();
        assertThat(out.get("unknown")).isEqualTo(JsonStyle.parse("{\"k\": [1, 2]}"));
    }

    @Test
    void leavesTextAloneWhenNothingMatches() throws Exception {
        String text = "{\"faces\": [\"x.png\"], \"a\": 1.50}";
        assertThat(Manifests.editFaceset(text, Set.of("y.png")).text()).isSameAs(text);
        String noFaces = "{\"name\": \"set\"}";
        assertThat(Manifests.editFaceset(noFaces, Set.of("y.png")).removed()).isEmpty();
    }

    @Test
    void malformedManifestsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> Manifests.editFaceset("[1]", Set.of("a.png"))).hasMessage("is not a JSON object");
        assertThatThrownBy(() -> Manifests.editFaceset("{\"faces\": 3}", Set.of("a.png")))
                .hasMessage("\"faces\" is not an array");
        assertThatThrownBy(() -> Manifests.editFaceset("{\"faces\": [", Set.of("a.png")))
                .hasMessageStartingWith("is not valid JSON");
        assertThatThrownBy(() -> Manifests.checkMaster("{\"thin\": {}}")).hasMessage("\"thin\" is not an array");
    }

    private static ObjectNode entry(String name) {
        return JsonNodeFactory.instance.objectNode().put("name", name);
    }

    @Test
    void masterManifestGetsEntriesAndKeepsRunHistory() throws Exception {
        String text = "{\n  \"merged\": [],\n  \"masked\": [\n    {\n      \"name\": \"old\"\n    }\n  ],\n"
                + "  \"occlusion_filter_run\": {\n    \"date\": \"2024\"\n  }\n}\n";
        ObjectNode run = JsonNodeFactory.instance.objectNode().put("date", "2025");
        String out = Manifests.editMaster(text, List.of(entry("m1")), List.of(entry("t1")), run);

        JsonNode tree = JsonStyle.parse(out);
        assertThat(tree.propertyNames()).containsExactly("merged", "masked", "occlusion_filter_run",
                "thin", "occlusion_filter_run_history");
        assertThat(tree.get("masked")).hasSize(2);
        assertThat(tree.get("masked").get(1).get("name").asString()).isEqualTo("m1");
        assertThat(tree.get("thin").get(0).get("name").asString()).isEqualTo("t1");
        assertThat(tree.get("occlusion_filter_run").get("date").asString()).isEqualTo("2025");
        assertThat(tree.get("occlusion_filter_run_history").get(0).get("date").asString()).isEqualTo("2024");
        assertThat(out).startsWith("{\n  \"merged\": [],\n  \"masked\": [\n    {\n      \"name\": \"old\"\n    },");
    }

    @Test
    void aRunArrayIsAppendedToAndAMissingMasterIsCreated() throws Exception {
        ObjectNode run = JsonNodeFactory.instance.objectNode().put("date", "2025");
        String appended = Manifests.editMaster("{\"occlusion_filter_run\": [{\"date\": \"2024\"}]}", List.of(),
                List.of(), run);
        assertThat(JsonStyle.parse(appended).get("occlusion_filter_run")).hasSize(2);
        assertThat(JsonStyle.parse(appended).has("masked")).isFalse();

        String created = Manifests.editMaster(null, List.of(entry("Zoë")), List.of(), run);
        assertThat(created).isEqualTo("{\n  \"masked\": [\n    {\n      \"name\": \"Zo\\u00eb\"\n    }\n  ],\n"
                + "  \"occlusion_filter_run\": {\n    \"date\": \"2025\"\n  }\n}\n");
    }
}
