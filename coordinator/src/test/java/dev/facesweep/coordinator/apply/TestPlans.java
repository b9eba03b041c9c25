package dev.facesweep.coordinator.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.facesweep.coordinator.plan.FacesetPlan;
import dev.facesweep.coordinator.plan.Overrides;
import dev.facesweep.coordinator.plan.Plan;
import dev.facesweep.coordinator.plan.PlanBuilder;
import dev.facesweep.coordinator.plan.PlanImage;
import dev.facesweep.coordinator.plan.PlanInputs;
import dev.facesweep.coordinator.plan.PlanJson;
import dev.facesweep.coordinator.plan.Thresholds;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** Makes plans for test corpora the way the plan command does (builder + inputs), without a scan store. */
final class TestPlans {

    private TestPlans() {
    }

    static Plan make(Path root, List<PlanImage> images, Thresholds thresholds, Overrides overrides) {
        List<FacesetPlan> facesets = PlanBuilder.build(images, thresholds, overrides);
        PlanInputs inputs = PlanInputs.collect(root, facesets);
        assertThat(inputs.problems()).isEmpty();
        return new Plan("test-plan", "test-scan", root.toString(), Instant.parse("2025-03-01T10:00:00Z"),
                "test-model", "test-prompt-hash", thresholds, overrides, facesets, inputs.inputs());
    }

    static Path write(Plan plan, Path file) throws IOException {
        PlanJson.write(plan, file);
        return file;
    }
}
