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
    void dotMatchesAnExactSumForEveryLengthAndTail() {
        java.util.Random random = new java.util.Random(7);
        for (int n : new int[] {1, 2, 3, 4, 5, 7, 512, 768, 769, 1023}) {
            float[] a = new float[n];
            float[] b = new float[n];
            java.math.BigDecimal exact = java.math.BigDecimal.ZERO;
            for (int i = 0; i < n; i++) {
                a[i] = (float) random.nextGaussian();
                b[i] = (float) random.nextGaussian();
                exact = exact.add(new java.math.BigDecimal(a[i]).multiply(new java.math.BigDecimal(b[i])));
            }
            double scale = Math.sqrt(Embeddings.sumOfSquares(a) * Embeddings.sumOfSquares(b));
            assertThat(Embeddings.dot(a, b)).as("length %d", n).isCloseTo(exact.doubleValue(), within(scale * 1e-14));
        }
    }

    @Test
    void sumOfSquaresIsNotFiniteExactlyWhenAComponentIsNot() {
        assertThat(Embeddings.sumOfSquares(new float[] {3, 4})).isEqualTo(25.0);
        assertThat(Embeddings.sumOfSquares(new float[] {Float.MAX_VALUE, Float.MAX_VALUE, 1, 1, 1})).isFinite();
        assertThat(Embeddings.sumOfSquares(new float[] {1, 2, 3, 4, Float.NaN})).isNaN();
        assertThat(Embeddings.sumOfSquares(new float[] {1, Float.NEGATIVE_INFINITY})).isInfinite();
    }

    @Test
    void detectsNonFiniteValues() {
        assertThat(Embeddings.isFinite(new float[] {1, 2})).isTrue();
        assertThat(Embeddings.isFinite(new float[] {1, Float.NaN})).isFalse();
        assertThat(Embeddings.isFinite(new float[] {Float.POSITIVE_INFINITY})).isFalse();
    }
}
