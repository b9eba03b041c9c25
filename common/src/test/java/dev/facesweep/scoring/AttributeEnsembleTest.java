package dev.facesweep.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.facesweep.testing.ScoringReference;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttributeEnsembleTest {

    private static final ScoringReference REF = ScoringReference.load();

    @Test
    void reproducesOpenClipEnsemblesFromTheReferencePromptEmbeddings() {
        for (String attribute : REF.attributes()) {
            for (String side : List.of("positive", "negative")) {
                float[][] prompts = REF.attributePrompts(attribute, side).stream().map(REF::promptEmbedding)
                        .toArray(float[][]::new);
                assertThat(AttributeEnsemble.ensemble(prompts)).as(attribute + " " + side)
                        .containsExactly(REF.ensemble(attribute, side), within((float) REF.embeddingTolerance()));
            }
        }
    }

    @Test
    void eachPromptIsNormalisedBeforeTheMean() {
        // first principles: (1,0) and (0,10) -> normalised (1,0), (0,1) -> mean (.5,.5) -> (1/sqrt2, 1/sqrt2);
        // averaging the raw vectors would lean towards the longer one
        float[] e = AttributeEnsemble.ensemble(new float[][] {{1, 0}, {0, 10}});
        float h = (float) Math.sqrt(0.5);
        assertThat(e).containsExactly(new float[] {h, h}, within(1e-7f));
    }

    @Test
    void sideCosineOfIdenticalSidesIsOne() {
        AttributeEnsemble a = new AttributeEnsemble("x", new float[] {1, 2}, new float[] {2, 4});
        assertThat(a.sideCosine()).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void rejectsAnEmptyEnsemble() {
        assertThatThrownBy(() -> AttributeEnsemble.ensemble(new float[0][]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
