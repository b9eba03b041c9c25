package dev.facesweep.coordinator.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.facesweep.coordinator.cli.CliRunner;
import dev.facesweep.coordinator.cli.JsonOutput;
import dev.facesweep.testing.Fixtures;
import dev.facesweep.testing.ScoringReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code facesweep prompts} against the open_clip reference. */
class PromptsCommandIT {

    private static final ScoringReference REF = ScoringReference.load();
    private static final String MODEL = Fixtures.clipTinyModel().toString();

    @Test
    void jsonReportHasOpenClipTokenIdsAndEnsembleCosines() {
        CliRunner.Result result = CliRunner.run("prompts", "--model", MODEL, "--prompts",
                ScoringReference.promptsFile().toString(), "--json");

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.outLines()).hasSize(1);
        JsonNode attributes = JsonOutput.mapper().readTree(result.out()).get("attributes");
        assertThat(attributes.size()).isEqualTo(REF.attributes().size());
        for (String attribute : REF.attributes()) {
            JsonNode node = attributes.get(attribute);
            for (String side : List.of("positive", "negative")) {
                List<String> expectedTexts = REF.attributePrompts(attribute, side);
                JsonNode lines = node.get(side);
                assertThat(lines.size()).isEqualTo(expectedTexts.size());
                for (int i = 0; i < lines.size(); i++) {
                    JsonNode line = lines.get(i);
                    String text = expectedTexts.get(i);
                    assertThat(line.get("text").asString()).isEqualTo(text);
                    assertThat(ints(line.get("token_ids"))).as(text).containsExactly(REF.tokenIds(text));
                    assertThat(line.get("truncated").asBoolean()).isFalse();
                }
            }
            double expectedCosine = dot(REF.ensemble(attribute, "positive"), REF.ensemble(attribute, "negative"));
            assertThat(node.get("ensemble_cosine").asDouble()).isCloseTo(expectedCosine, within(1e-4));
        }
    }

    @Test
    void readableReportWarnsAboutTruncatedPromptsAndNearlyIdenticalEnsembles(@TempDir Path dir) throws IOException {
        String longPrompt = "a face " + "with very many words ".repeat(30);
        Path prompts = Files.writeString(dir.resolve("p.yaml"), """
                attributes:
                  hat:
                    positive: ["%s"]
                    negative: ["a face with a hat"]
                  same:
                    positive: ["a face with a scarf"]
                    negative: ["a face with a scarf"]
                """.formatted(longPrompt.strip()));

        CliRunner.Result text = CliRunner.run("prompts", "--model", MODEL, "--prompts", prompts.toString());
        CliRunner.Result json = CliRunner.run("prompts", "--model", MODEL, "--prompts", prompts.toString(),
                "--json");

        assertThat(text.exit()).as(text.toString()).isZero();
        assertThat(text.out()).contains("WARNING: hat: prompt is longer than the text model's context")
                .contains("WARNING: same: positive and negative ensembles point almost the same way");
        assertThat(text.out()).doesNotContain("WARNING: hat: positive and negative");
        JsonNode hat = JsonOutput.mapper().readTree(json.out()).get("attributes").get("hat");
        JsonNode first = hat.get("positive").get(0);
        assertThat(first.get("truncated").asBoolean()).isTrue();
        assertThat(first.get("token_ids").size()).isEqualTo(77);
        assertThat(first.get("token_ids").get(76).asInt()).isEqualTo(49407);
    }

    private static int[] ints(JsonNode array) {
        List<Integer> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asInt()));
        return values.stream().mapToInt(Integer::intValue).toArray();
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }
}
