package dev.facesweep.coordinator.results;

import dev.facesweep.scoring.AttributeEnsemble;
import dev.facesweep.scoring.PromptSet;
import dev.facesweep.scoring.ZeroShotScorer;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Prompt scorings without a model, on 2-d embeddings, whose probabilities follow from first principles:
 * {@code p = e^(s*cos(x,pos)) / (e^(s*cos(x,pos)) + e^(s*cos(x,neg)))}.
 */
public final class TestScoring {

    public static final String MODEL = "test-model@000000000000";

    private TestScoring() {
    }

    /** One attribute {@code mask}: positive (1, 0), negative (0, 1), logit scale 1. */
    public static PromptScoring maskAlongX() {
        return scoring("prompts-x", new float[] {1, 0}, new float[] {0, 1});
    }

    /** The same attribute with the sides swapped: another prompt set, other scores for the same embeddings. */
    public static PromptScoring maskAlongY() {
        return scoring("prompts-y", new float[] {0, 1}, new float[] {1, 0});
    }

    private static PromptScoring scoring(String hash, float[] positive, float[] negative) {
        PromptSet set = new PromptSet(Map.of("mask", new PromptSet.Attribute("mask", List.of("p " + hash),
                List.of("n " + hash), OptionalDouble.empty())));
        ZeroShotScorer scorer = new ZeroShotScorer(List.of(new AttributeEnsemble("mask", positive, negative)), 1.0);
        return new PromptScoring(MODEL, hash, set, scorer);
    }

    /** The expected probability for a unit embedding (cos t, sin t) under {@link #maskAlongX()}. */
    public static double expectedAlongX(float[] embedding) {
        double pos = embedding[0];
        double neg = embedding[1];
        return Math.exp(pos) / (Math.exp(pos) + Math.exp(neg));
    }

    public static double expectedAlongY(float[] embedding) {
        double pos = embedding[1];
        double neg = embedding[0];
        return Math.exp(pos) / (Math.exp(pos) + Math.exp(neg));
    }

    /** A deterministic unit 2-d embedding for an image id. */
    public static float[] embeddingOf(String sha256) {
        double t = Integer.parseInt(sha256.substring(0, 4), 16) / 65535.0 * Math.PI / 2;
        return new float[] {(float) Math.cos(t), (float) Math.sin(t)};
    }
}
