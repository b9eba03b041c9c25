package dev.facesweep.coordinator.review;

import dev.facesweep.coordinator.plan.InputFile;
import dev.facesweep.coordinator.plan.Plan;
import java.io.IOException;
import java.util.Map;

/**
 * Records the size and sha256 of every file a plan will move or rewrite, so that apply can refuse files that
 * changed since (the plan feature owns which files those are).
 */
@FunctionalInterface
public interface PlanFiles {

    /** Path relative to the root -> size and hash, for {@link Plan#inputs()}. */
    Map<String, InputFile> inputs(Plan plan) throws IOException;
}
