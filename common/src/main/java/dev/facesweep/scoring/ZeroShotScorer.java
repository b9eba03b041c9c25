package dev.facesweep.scoring;

import dev.facesweep.model.Embeddings;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Zero-shot CLIP scoring of an image embedding against attribute ensembles:
 * {@code p = softmax(logit_scale * [cos(img, pos), cos(img, neg)])[0]}. Pure and thread-safe; needs no model,
 * so stored embeddings can be rescored with new prompts or thresholds.
 */
public final class ZeroShotScorer {

    private final List<AttributeEnsemble> ensembles;
    private final double logitScale;
    private final int dimension;

    /**
     * @param ensembles the attributes, in output order
     * @param logitScale {@code logit_scale.exp()} of the model (about 100); never leave it out: without it every
     *     score collapses to about 0.5
     */
    public ZeroShotScorer(List<AttributeEnsemble> ensembles, double logitScale) {
        if (ensembles.isEmpty()) {
            throw new IllegalArgumentException("no attributes to score");
        }
        if (!(logitScale > 0) || !Double.isFinite(logitScale)) {
            throw new IllegalArgumentException("logit_scale must be a positive number, was " + logitScale);
        }
        this.ensembles = List.copyOf(ensembles);
        this.logitScale = logitScale;
        this.dimension = this.ensembles.get(0).dimension();
        for (AttributeEnsemble e : this.ensembles) {
            if (e.dimension() != dimension) {
                throw new IllegalArgumentException("attribute " + e.name() + " has " + e.dimension() + " dims, "
                        + this.ensembles.get(0).name() + " has " + dimension);
            }
        }
    }

    public double logitScale() {
        return logitScale;
    }

    public List<AttributeEnsemble> ensembles() {
        return ensembles;
    }

    /** Embedding width the ensembles live in. */
    public int dimension() {
        return dimension;
    }

    /**
     * Probabilities per attribute, in attribute order. The embedding is normalised first (idempotent).
     *
     * @throws IllegalArgumentException when the embedding's length is not {@link #dimension()}
     */
    public Map<String, Double> score(float[] imageEmbedding) {
        if (imageEmbedding.length != dimension) {
            throw new IllegalArgumentException("embedding has " + imageEmbedding.length + " values; the prompts were "
                    + "embedded into " + dimension + ": was it made by another model?");
        }
        float[] image = Embeddings.l2Normalize(imageEmbedding);
        Map<String, Double> out = new LinkedHashMap<>();
        for (AttributeEnsemble e : ensembles) {
            double[] cos = e.cosines(image);
            out.put(e.name(), probability(logitScale, cos[0], cos[1]));
        }
        return Collections.unmodifiableMap(out);
    }

    /** {@code softmax(s * [cosPositive, cosNegative])[0]}, computed without overflow. */
    public static double probability(double logitScale, double cosPositive, double cosNegative) {
        return 1.0 / (1.0 + Math.exp(logitScale * (cosNegative - cosPositive)));
    }
}
