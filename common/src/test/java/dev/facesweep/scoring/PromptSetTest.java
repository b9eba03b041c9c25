package dev.facesweep.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.facesweep.testing.ScoringReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptSetTest {

    @TempDir
    Path tmp;

    @Test
    void loadsTheFixturePromptsJsonIgnoringUnknownTopLevelKeys() throws Exception {
        ScoringReference ref = ScoringReference.load();
        PromptSet set = PromptSet.load(ScoringReference.promptsFile());
        assertThat(set.attributeNames()).containsExactlyElementsOf(ref.attributes());
        for (String a : ref.attributes()) {
            assertThat(set.attributes().get(a).positive()).containsExactlyElementsOf(ref.attributePrompts(a, "positive"));
            assertThat(set.attributes().get(a).negative()).containsExactlyElementsOf(ref.attributePrompts(a, "negative"));
            assertThat(set.attributes().get(a).threshold()).isEmpty();
        }
    }

    @Test
    void yamlKeepsAttributeOrderAndThresholds() throws Exception {
        PromptSet set = parse("""
                attributes:
                  zebra:
                    positive: [a striped face]
                    negative: [a plain face]
                    threshold: 0.6
                  alpha:
                    positive: ["a face with a hat"]
                    negative:
                      - a face without a hat
                      - a bald head
                """);
        assertThat(set.attributeNames()).containsExactly("zebra", "alpha");
        assertThat(set.attributes().get("zebra").threshold()).hasValue(0.6);
        assertThat(set.attributes().get("alpha").negative()).containsExactly("a face without a hat", "a bald head");
        assertThat(set.thresholds(0.7)).containsExactly(java.util.Map.entry("zebra", 0.6),
                java.util.Map.entry("alpha", 0.7));
    }

    @Test
    void defaultsHaveSunglassesAndMaskWithTheNearMissesOnTheNegativeSide() {
        PromptSet set = PromptSet.defaults();
        assertThat(set.attributeNames()).containsExactly("sunglasses", "mask");
        PromptSet.Attribute sunglasses = set.attributes().get("sunglasses");
        PromptSet.Attribute mask = set.attributes().get("mask");
        assertThat(sunglasses.positive()).hasSizeGreaterThanOrEqualTo(4);
        assertThat(sunglasses.negative()).hasSizeGreaterThanOrEqualTo(4)
                .anySatisfy(p -> assertThat(p).contains("pushed up on the forehead").contains("eyes visible"));
        assertThat(sunglasses.positive()).noneSatisfy(p -> assertThat(p).contains("forehead"));
        assertThat(mask.positive()).hasSizeGreaterThanOrEqualTo(4);
        assertThat(mask.negative()).hasSizeGreaterThanOrEqualTo(4)
                .anySatisfy(p -> assertThat(p).contains("under the chin"));
        assertThat(set.thresholds(0.5).values()).containsOnly(0.7);
    }

    @Test
    void hashIsSha256OfTheDocumentedCanonicalJson() throws Exception {
        PromptSet set = parse("""
                attributes:
                  mask:
                    positive: ["a masked face", "a \\"quoted\\" face"]
                    negative: [a bare face]
                    threshold: 0.8
                """);
        String canonical = "{\"format\":\"facesweep-prompt-set/1\",\"model\":\"m@1\",\"attributes\":[{\"name\":\"mask\","
                + "\"positive\":[\"a masked face\",\"a \\\"quoted\\\" face\"],\"negative\":[\"a bare face\"]}]}";
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(canonical.getBytes(StandardCharsets.UTF_8)));
        assertThat(set.hash("m@1")).isEqualTo(expected);
    }

    @Test
    void hashIgnoresThresholdsAndFormattingButNotModelOrPrompts() throws Exception {
        PromptSet yaml = parse("""
                # comment
                attributes:
                  mask: {positive: [a masked face], negative: [a bare face], threshold: 0.9}
                """);
        PromptSet json = parse("{\"attributes\": {\"mask\": {\"negative\": [\"a bare face\"], "
                + "\"positive\": [\"a masked face\"]}}, \"extra\": 1}");
        PromptSet otherPrompt = parse("{\"attributes\": {\"mask\": {\"positive\": [\"a masked face!\"], "
                + "\"negative\": [\"a bare face\"]}}}");
        PromptSet swapped = parse("{\"attributes\": {\"mask\": {\"positive\": [\"a bare face\"], "
                + "\"negative\": [\"a masked face\"]}}}");
        assertThat(yaml.hash("m")).isEqualTo(json.hash("m")).hasSize(64).matches("[0-9a-f]{64}");
        assertThat(yaml.hash("m")).isNotEqualTo(yaml.hash("n"));
        assertThat(otherPrompt.hash("m")).isNotEqualTo(yaml.hash("m"));
        assertThat(swapped.hash("m")).isNotEqualTo(yaml.hash("m"));
    }

    @Test
    void attributeWithoutNegativePrompts() {
        assertRejected("attributes:\n  mask:\n    positive: [a]\n", "attribute 'mask' has no negative prompts");
    }

    @Test
    void attributeWithEmptyPositiveList() {
        assertRejected("attributes:\n  mask:\n    positive: []\n    negative: [b]\n",
                "attribute 'mask' has no positive prompts");
    }

    @Test
    void promptThatIsNotText() {
        assertRejected("attributes:\n  mask:\n    positive: [a, {x: 1}]\n    negative: [b]\n",
                "attribute 'mask': positive prompt 2");
        assertRejected("attributes:\n  mask:\n    positive: a\n    negative: [b]\n",
                "positive must be a list of prompts");
    }

    @Test
    void thresholdOutsideTheOpenUnitInterval() {
        for (String t : List.of("0", "1", "1.5", "-0.2", "high")) {
            assertRejected("attributes:\n  mask:\n    positive: [a]\n    negative: [b]\n    threshold: " + t + "\n",
                    "attribute 'mask': threshold");
        }
    }

    @Test
    void emptyFile() throws Exception {
        Path file = tmp.resolve("empty.yaml");
        Files.writeString(file, "");
        assertThatThrownBy(() -> PromptSet.load(file)).isInstanceOf(PromptSetException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("is empty");
        Files.writeString(file, "# only a comment\n");
        assertThatThrownBy(() -> PromptSet.load(file)).isInstanceOf(PromptSetException.class)
                .hasMessageContaining("is empty");
    }

    @Test
    void malformedYamlNamesFileAndLine() throws Exception {
        Path file = tmp.resolve("bad.yaml");
        Files.writeString(file, "attributes:\n  mask:\n    positive: [a, b\n    negative: [c]\n");
        assertThatThrownBy(() -> PromptSet.load(file)).isInstanceOf(PromptSetException.class)
                .hasMessageContaining(file.toString()).hasMessageMatching(".*is not valid YAML \\(line \\d+\\).*")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void missingFile() {
        Path file = tmp.resolve("nope.yaml");
        assertThatThrownBy(() -> PromptSet.load(file)).isInstanceOf(PromptSetException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("does not exist");
    }

    @Test
    void noAttributes() {
        assertRejected("tokenizer_only: [a]\n", "has no attributes");
        assertRejected("attributes: {}\n", "has no attributes");
        assertRejected("- a\n- b\n", "is not a map");
    }

    @Test
    void duplicateAttributeIsAnError() {
        assertRejected("attributes:\n  mask: {positive: [a], negative: [b]}\n  mask: {positive: [c], negative: [d]}\n",
                "not valid YAML");
    }

    @Test
    void badAttributeName() {
        assertRejected("attributes:\n  'two words': {positive: [a], negative: [b]}\n", "has a bad name");
    }

    private static PromptSet parse(String text) throws PromptSetException {
        return PromptSet.parse(text, "test prompts");
    }

    private static void assertRejected(String text, String expected) {
        assertThatThrownBy(() -> parse(text)).isInstanceOf(PromptSetException.class)
                .hasMessageStartingWith("test prompts").hasMessageContaining(expected)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
