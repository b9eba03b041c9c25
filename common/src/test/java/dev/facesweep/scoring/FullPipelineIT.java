package dev.facesweep.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.facesweep.imaging.DecodeLimits;
import dev.facesweep.model.ClipModel;
import dev.facesweep.model.CpuSessionConfigurer;
import dev.facesweep.model.ModelBundle;
import dev.facesweep.testing.Fixtures;
import dev.facesweep.testing.ScoringReference;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * File to probability with the bundle's own preprocessing and tokenizer, against open_clip's numbers for every
 * fixture image.
 */
class FullPipelineIT {

    private static final ScoringReference REF = ScoringReference.load();
    private static ClipModel model;
    private static ClipScorer scorer;

    @BeforeAll
    static void open() throws Exception {
        model = ClipModel.open(ModelBundle.load(Fixtures.clipTinyModel()), new CpuSessionConfigurer(0, 4));
        scorer = ClipScorer.create(model, PromptSet.load(ScoringReference.promptsFile()), DecodeLimits.defaults());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void everyFixtureImageScoresAsInOpenClip() {
        List<String> names = REF.imageNames();
        assertThat(names).hasSize(15);
        List<ImageInput> inputs = names.stream().map(n -> ImageInput.of(Fixtures.clipTinyImages().resolve(n)))
                .toList();

        List<ImageScore> scores = scorer.score(inputs);

        assertThat(scores).hasSize(names.size());
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            ImageScore score = scores.get(i);
            assertThat(score.ok()).as(name + ": " + score.error()).isTrue();
            assertThat(score.label()).endsWith(name);
            boolean jpeg = REF.isJpeg(name);
            double tolerance = jpeg ? REF.jpegProbabilityTolerance() : REF.probabilityTolerance();
            Map<String, Double> expected = REF.imageScores(name);
            assertThat(score.scores().keySet()).containsExactlyElementsOf(expected.keySet());
            expected.forEach((attribute, p) -> assertThat(score.scores().get(attribute)).as(name + " " + attribute)
                    .isCloseTo(p, within(tolerance)));
            if (!jpeg) { // JPEG decoders differ: the reference only bounds its probabilities
                assertThat(score.embedding()).as(name).containsExactly(REF.imageEmbedding(name),
                        within((float) REF.embeddingTolerance()));
            }
        }
    }

    @Test
    void promptSetFromTheRealTokenizerMatchesTheReferenceIds() {
        PromptReport report = scorer.promptReport();
        for (PromptReport.AttributeReport a : report.attributes()) {
            for (PromptReport.PromptLine line : a.prompts()) {
                assertThat(line.tokenIds()).as(line.text())
                        .containsExactlyElementsOf(Arrays.stream(REF.tokenIds(line.text())).boxed().toList());
            }
        }
    }

    @Test
    void reportFlagsTruncatedPrompts() throws Exception {
        String longPrompt = REF.promptTexts().stream().filter(p -> REF.tokenIds(p).length == 77).findFirst()
                .orElseThrow();
        PromptSet set = PromptSet.parse("{\"attributes\": {\"long\": {\"positive\": [" + quote(longPrompt)
                + "], \"negative\": [\"a photo of a cat\"]}}}", "test prompts");
        PromptReport report = PromptEmbeddings.embed(model, model.bundle().tokenizer(), set).report();
        List<PromptReport.PromptLine> lines = report.attributes().get(0).prompts();
        assertThat(lines.get(0).truncated()).isTrue();
        assertThat(lines.get(0).tokenIds()).containsExactlyElementsOf(
                Arrays.stream(REF.tokenIds(longPrompt)).boxed().toList());
        assertThat(lines.get(1).truncated()).isFalse();
        assertThat(report.format()).contains("[TRUNCATED]");
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
