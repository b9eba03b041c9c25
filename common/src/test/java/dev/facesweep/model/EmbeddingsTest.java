package dev.facesweep.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class EmbeddingsTest {

    @Test
    void normalisesToUnitLength() {
        float[] n = Embeddings.l2Normalize(new float[] {3, 4});
        assertThat(n[0]).isCloseTo(0.6f, within(1e-7f));
        assertThat(n[1]).isCloseTo(0.8f, within(1e-7f));
    }

    @Test
    void normalisingIsIdempotent() {
        float[] once = Embeddings.l2Normalize(new float[] {1, -2, 3, 0.5f});
        assertThat(Embeddings.l2Normalize(once)).containsExactly(once, within(1e-7f));
    }

    @Test
    void zeroVectorStaysZeroInsteadOfNaN() {
        assertThat(Embeddings.l2Normalize(new float[] {0, 0, 0})).containsExactly(0, 0, 0);
    }

    @Test
    void tinyVectorsAreDividedByTheEpsilonNotTheirNorm() {
        float[] n = Embeddings.l2Normalize(new float[] {1e-20f, 0});
        assertThat((double) n[0]).isCloseTo(1e-20 / Embeddings.NORM_EPSILON, within(1e-12));
    }

    @Test
    void dotOfOrthogonalAndParallel() {
        assertThat(Embeddings.dot(new float[] {1, 0}, new float[] {0, 1})).isZero();
        assertThat(Embeddings.dot(new float[] {0.6f, 0.8f}, new float[] {0.6f, 0.8f})).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void detectsNonFiniteValues() {
        assertThat(Embeddings.isFinite(new float[] {1, 2})).isTrue();
        assertThat(Embeddings.isFinite(new float[] {1, Float.NaN})).isFalse();
        assertThat(Embeddings.isFinite(new float[] {Float.POSITIVE_INFINITY})).isFalse();
    }
}
