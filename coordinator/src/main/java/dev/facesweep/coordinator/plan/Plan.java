package dev.facesweep.coordinator.plan;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A reviewed clean-up, saved as plan.json ({@link PlanJson}) and executed by apply.
 *
 * @param id e.g. {@code 20250301-101530-3fa2c1}
 * @param scanId the scan whose scores it was built from
 * @param root the corpus root, absolute
 * @param modelId the scan's model (recorded in the master manifest's provenance block)
 * @param promptHash the scan's prompt-set hash (ditto)
 * @param facesets every face set of the scan, by name
 * @param inputs every file apply will move or rewrite, by path relative to the root (forward slashes): the
 *     dropped images, every file of a quarantined face set, the .fsz archives and manifests it rewrites
 */
public record Plan(String id, String scanId, String root, Instant created, String modelId, String promptHash,
        Thresholds thresholds, Overrides overrides, List<FacesetPlan> facesets, Map<String, InputFile> inputs) {

    public Plan {
        facesets = List.copyOf(facesets);
        inputs = Map.copyOf(inputs);
    }

    public Plan withInputs(Map<String, InputFile> newInputs) {
        return new Plan(id, scanId, root, created, modelId, promptHash, thresholds, overrides, facesets, newInputs);
    }

    public FacesetPlan faceset(String name) {
        return facesets.stream().filter(f -> f.name().equals(name)).findFirst().orElse(null);
    }
}
