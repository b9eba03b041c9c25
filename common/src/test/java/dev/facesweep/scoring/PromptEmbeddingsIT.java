package dev.facesweep.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.facesweep.model.ClipModel;
import dev.facesweep.model.CpuSessionConfigurer;
import dev.facesweep.model.Embeddings;
import dev.facesweep.model.ModelBundle;
import dev.facesweep.testing.Fixtures;
import dev.facesweep.testing.ScoringReference;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Prompt ensembles from the real text model against open_clip's golden ensembles and probabilities. */
class PromptEmbeddingsIT {

    private static final ScoringReference REF = ScoringReference.load();
    private static ClipModel model;
    private static PromptEmbeddings embeddings;

    @BeforeAll
    static void embed() throws Exception {
        model = ClipModel.open(ModelBundle.load(Fixtures.clipTinyModel()), new CpuSessionConfigurer());
        embeddings = PromptEmbeddings.embed(model, new ReferenceTokenizer(REF),
                PromptSet.load(ScoringReference.promptsFile()));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void ensemblesMatchOpenClip() {
        assertThat(embeddings.ensembles()).extracting(AttributeEnsemble::name)
                .containsExactlyElementsOf(REF.attributes());
        for (AttributeEnsemble e : embeddings.ensembles()) {
            float tolerance = (float) REF.embeddingTolerance();
            assertThat(e.positive()).as(e.name()).containsExactly(REF.ensemble(e.name(), "positive"), within(tolerance));
            assertThat(e.negative()).as(e.name()).containsExactly(REF.ensemble(e.name(), "negative"), within(tolerance));
        }
    }

    @Test
    void everyPromptEmbeddingMatchesOpenClip() {
        for (String attribute : REF.attributes()) {
            List<String> prompts = new java.util.ArrayList<>(REF.attributePrompts(attribute, "positive"));
            prompts.addAll(REF.attributePrompts(attribute, "negative"));
            for (int i = 0; i < prompts.size(); i++) {
                assertThat(embeddings.embedding(attribute, i)).as(prompts.get(i))
                        .containsExactly(REF.promptEmbedding(prompts.get(i)), within((float) REF.embeddingTolerance()));
            }
        }
    }

    @Test
    void scorerReproducesTheReferenceProbabilitiesFromStoredImageEmbeddings() {
        ZeroShotScorer scorer = embeddings.scorer();
        assertThat(scorer.logitScale()).isEqualTo(REF.logitScale());
        for (String image : REF.imageNames()) {
            Map<String, Double> actual = scorer.score(REF.imageEmbedding(image));
            REF.imageScores(image).forEach((attribute, p) -> assertThat(actual.get(attribute))
                    .as(image + " " + attribute).isCloseTo(p, within(REF.probabilityTolerance())));
        }
    }

    @Test
    void reportShowsTokensAndEnsembleDistances() {
        PromptReport report = embeddings.report();
        assertThat(report.modelId()).isEqualTo(model.bundle().scoringId());
        assertThat(report.promptSetHash()).isEqualTo(embeddings.promptSet().hash(model.bundle().scoringId()));
        assertThat(report.attributes()).extracting(PromptReport.AttributeReport::name)
                .containsExactlyElementsOf(REF.attributes());
        for (PromptReport.AttributeReport a : report.attributes()) {
            List<String> positive = REF.attributePrompts(a.name(), "positive");
            assertThat(a.prompts()).hasSize(positive.size() + REF.attributePrompts(a.name(), "negative").size());
            float[] pos = REF.ensemble(a.name(), "positive");
            float[] neg = REF.ensemble(a.name(), "negative");
            assertThat(a.sideCosine()).isCloseTo(Embeddings.dot(pos, neg), within(1e-4));
            for (PromptReport.PromptLine line : a.prompts()) {
                assertThat(line.side()).isEqualTo(positive.contains(line.text()) ? PromptSet.Side.POSITIVE
                        : PromptSet.Side.NEGATIVE);
                assertThat(line.tokenIds()).containsExactlyElementsOf(
                        Arrays.stream(REF.tokenIds(line.text())).boxed().toList());
                assertThat(line.truncated()).isFalse();
                float[] e = REF.promptEmbedding(line.text());
                assertThat(line.cosPositive()).isCloseTo(Embeddings.dot(e, pos), within(1e-4));
                assertThat(line.cosNegative()).isCloseTo(Embeddings.dot(e, neg), within(1e-4));
            }
        }
        assertThat(report.format()).contains("sunglasses").contains("cos(positive, negative)")
                .contains("+  pos").contains("[49406 320 1710");
    }
}
