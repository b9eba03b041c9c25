package dev.facesweep.coordinator.store;

import java.util.Map;

/** Scores computed by the coordinator from a stored embedding (no image model involved). */
public record Rescored(String sha256, Map<String, Double> scores) {
}
