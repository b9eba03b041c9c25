package dev.facesweep.coordinator.plan;

import java.util.Map;
import java.util.TreeMap;

/**
 * The decision rules' numbers (brief, "Decisions").
 *
 * @param image an image is flagged when any attribute's probability is {@code >=} its threshold; this one applies
 *     to attributes without their own
 * @param attributes per-attribute thresholds overriding {@code image}
 * @param facesetFraction flagged / scored images at or above this quarantines the face set as masked
 * @param minSurvivors with something flagged, fewer survivors than this quarantines the face set as thin
 * @param nearBand images within this distance of a threshold are marked near threshold for review
 */
public record Thresholds(double image, Map<String, Double> attributes, double facesetFraction, int minSurvivors,
        double nearBand) {

    public static final double DEFAULT_IMAGE = 0.7;
    public static final double DEFAULT_FACESET_FRACTION = 0.40;
    public static final int DEFAULT_MIN_SURVIVORS = 5;
    public static final double DEFAULT_NEAR_BAND = 0.05;

    public Thresholds {
        attributes = Map.copyOf(new TreeMap<>(attributes));
        requireProbability("image threshold", image);
        attributes.forEach((name, p) -> requireProbability("threshold of attribute " + name, p));
        requireProbability("face-set fraction", facesetFraction);
        if (minSurvivors < 0) {
            throw new IllegalArgumentException("min survivors must be >= 0, got " + minSurvivors);
        }
        if (!(nearBand >= 0 && nearBand <= 1)) {
            throw new IllegalArgumentException("near band must be in [0, 1], got " + nearBand);
        }
    }

    /** The brief's defaults: 0.7, 0.40, 5, 0.05, no per-attribute thresholds. */
    public static Thresholds defaults() {
        return new Thresholds(DEFAULT_IMAGE, Map.of(), DEFAULT_FACESET_FRACTION, DEFAULT_MIN_SURVIVORS,
                DEFAULT_NEAR_BAND);
    }

    /** The threshold that applies to {@code attribute}. */
    public double thresholdFor(String attribute) {
        Double own = attributes.get(attribute);
        return own != null ? own : image;
    }

    /** A copy with different per-attribute thresholds. */
    public Thresholds withAttributes(Map<String, Double> newAttributes) {
        return new Thresholds(image, newAttributes, facesetFraction, minSurvivors, nearBand);
    }

    private static void requireProbability(String what, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(what + " must be in [0, 1], got " + p);
        }
    }
}
