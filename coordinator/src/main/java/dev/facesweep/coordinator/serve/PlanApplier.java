package dev.facesweep.coordinator.serve;

import java.nio.file.Path;
import java.util.Map;

/**
 * Runs apply on a saved plan for the review page, after the page's confirmation step ({@link JournaledApplier} in
 * production; tests may record calls instead).
 */
@FunctionalInterface
public interface PlanApplier {

    /** Applies the plan file and returns what to show: the apply id, counts, failures and problems. */
    Map<String, Object> apply(Path planFile);
}
