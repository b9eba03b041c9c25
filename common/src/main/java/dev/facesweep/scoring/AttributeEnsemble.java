package dev.facesweep.scoring;

import dev.facesweep.model.Embeddings;

/**
 * The two prompt-ensemble vectors of one attribute, both L2-normalised.
 *
 * @param name the attribute
 * @param positive normalised mean of the normalised positive prompt embeddings
 * @param negative the same for the negative prompts
 */
public record AttributeEnsemble(String name, float[] positive, float[] negative) {

    public AttributeEnsemble {
        if (positive.length != negative.length) {
            throw new IllegalArgumentException("attribute " + name + ": positive has " + positive.length
                    + " dims, negative " + negative.length);
        }
        positive = Embeddings.l2Normalize(positive);
        negative = Embeddings.l2Normalize(negative);
    }

    @Override
    public float[] positive() {
        return positive.clone();
    }

    @Override
    public float[] negative() {
        return negative.clone();
    }

    int dimension() {
        return positive.length;
    }

    /** Cosine between the two sides; near 1 means the prompts cannot tell the sides apart. */
    public double sideCosine() {
        return Embeddings.dot(positive, negative);
    }

    /** {@code [cos(image, positive), cos(image, negative)]} for a normalised image embedding. */
    double[] cosines(float[] normalizedImage) {
        return new double[] {Embeddings.dot(normalizedImage, positive), Embeddings.dot(normalizedImage, negative)};
    }

    /**
     * Ensemble vector of one side: normalise each prompt embedding, take the mean, normalise again.
     *
     * @param promptEmbeddings at least one embedding, all of one length
     */
    public static float[] ensemble(float[][] promptEmbeddings) {
        if (promptEmbeddings.length == 0) {
            throw new IllegalArgumentException("an ensemble needs at least one prompt embedding");
        }
        int dim = promptEmbeddings[0].length;
        double[] sum = new double[dim];
        for (float[] e : promptEmbeddings) {
            if (e.length != dim) {
                throw new IllegalArgumentException("prompt embeddings differ in length: " + dim + " vs " + e.length);
            }
            float[] n = Embeddings.l2Normalize(e);
            for (int i = 0; i < dim; i++) {
                sum[i] += n[i];
            }
        }
        float[] mean = new float[dim];
        for (int i = 0; i < dim; i++) {
            mean[i] = (float) (sum[i] / promptEmbeddings.length);
        }
        return Embeddings.l2Normalize(mean);
    }
}
