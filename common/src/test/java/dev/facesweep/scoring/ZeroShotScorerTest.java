package dev.facesweep.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.facesweep.testing.ScoringReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ZeroShotScorerTest {

    private static final ScoringReference REF = ScoringReference.load();

    private static ZeroShotScorer referenceScorer() {
        List<AttributeEnsemble> ensembles = new ArrayList<>();
        for (String attribute : REF.attributes()) {
            ensembles.add(new AttributeEnsemble(attribute, REF.ensemble(attribute, "positive"),
                    REF.ensemble(attribute, "negative")));
        }
        return new ZeroShotScorer(ensembles, REF.logitScale());
    }

    @Test
    void reproducesOpenClipProbabilitiesFromTheReferenceEmbeddings() {
        ZeroShotScorer scorer = referenceScorer();
        for (String image : REF.imageNames()) {
            Map<String, Double> expected = REF.imageScores(image);
            Map<String, Double> actual = scorer.score(REF.imageEmbedding(image));
            assertThat(actual.keySet()).as(image).containsExactlyElementsOf(expected.keySet());
            expected.forEach((attribute, p) -> assertThat(actual.get(attribute)).as(image + " " + attribute)
                    .isCloseTo(p, within(REF.probabilityTolerance())));
        }
    }

    @Test
    void withoutTheLogitScaleScoresWouldCollapseToOneHalf() {
        // guards the test above: it can tell a missing logit_scale multiply from the real thing
        List<AttributeEnsemble> ensembles = referenceScorer().ensembles();
        ZeroShotScorer unscaled = new ZeroShotScorer(ensembles, 1.0);
        String image = REF.imageNames().get(0);
        unscaled.score(REF.imageEmbedding(image)).values()
                .forEach(p -> assertThat(p).isCloseTo(0.5, within(0.05)));
        assertThat(REF.imageScores(image).values()).anySatisfy(p -> assertThat(Math.abs(p - 0.5)).isGreaterThan(0.1));
    }

    @Test
    void twoClassSoftmaxFromFirstPrinciples() {
        assertThat(ZeroShotScorer.probability(100, 0.3, 0.3)).isEqualTo(0.5);
        // softmax([a, b])[0] = e^a / (e^a + e^b); s * (cp - cn) = ln 3 gives 3/4
        assertThat(ZeroShotScorer.probability(100, 0.2 + Math.log(3) / 100, 0.2)).isCloseTo(0.75, within(1e-12));
        assertThat(ZeroShotScorer.probability(100, -1, 1)).isCloseTo(0.0, within(1e-80));
        assertThat(ZeroShotScorer.probability(100, 1, -1)).isEqualTo(1.0);
    }

    @Test
    void embeddingIsNormalisedBeforeScoring() {
        ZeroShotScorer scorer = referenceScorer();
        float[] e = REF.imageEmbedding(REF.imageNames().get(1));
        float[] scaled = new float[e.length];
        for (int i = 0; i < e.length; i++) {
            scaled[i] = e[i] * 7.5f;
        }
        Map<String, Double> a = scorer.score(e);
        Map<String, Double> b = scorer.score(scaled);
        a.forEach((k, v) -> assertThat(b.get(k)).isCloseTo(v, within(1e-6)));
    }

    @Test
    void rejectsAnEmbeddingOfAnotherWidth() {
        assertThatThrownBy(() -> referenceScorer().score(new float[768]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("768");
    }

    @Test
    void rejectsAMissingLogitScale() {
        List<AttributeEnsemble> ensembles = referenceScorer().ensembles();
        assertThatThrownBy(() -> new ZeroShotScorer(ensembles, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ZeroShotScorer(ensembles, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
