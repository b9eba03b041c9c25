package dev.facesweep.coordinator.serve;

import java.nio.file.Path;
import java.util.Map;

/**
 * Runs apply on a saved plan for the review page. Provided by the apply feature as a bean; without one, applying
 * from the page answers 501 and the user runs {@code ./facesweep apply} instead.
 */
@FunctionalInterface
public interface PlanApplier {

    /**
     * Applies the plan file (after the page's confirmation step) and returns what to show, e.g. the apply id and
     * counts.
     */
    Map<String, Object> apply(Path planFile) throws Exception;
}
