package dev.facesweep.coordinator.serve;

import dev.facesweep.coordinator.apply.Applies;
import dev.facesweep.coordinator.apply.ApplyException;
import dev.facesweep.coordinator.apply.ApplyOutcome;
import dev.facesweep.coordinator.apply.Checkpoints;
import dev.facesweep.coordinator.metrics.ApplyMetrics;
import dev.facesweep.coordinator.plan.Plan;
import dev.facesweep.coordinator.plan.PlanFormatException;
import dev.facesweep.coordinator.plan.PlanJson;
import dev.facesweep.coordinator.review.ReviewException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Applies a plan through the journaled {@link Applies} of the state folder, exactly as {@code facesweep apply}. */
final class JournaledApplier implements PlanApplier {

    private final Applies applies;

    JournaledApplier(Path state, Clock clock, ApplyMetrics metrics) {
        this.applies = new Applies(state, clock, Checkpoints.NONE, Applies.Listener.NONE, metrics);
    }

    @Override
    public Map<String, Object> apply(Path planFile) {
        Plan plan;
        try {
            plan = PlanJson.read(planFile);
        } catch (PlanFormatException e) {
            throw new ReviewException(ReviewException.Kind.CONFLICT, e.getMessage(), e);
        }
        ApplyOutcome outcome;
        try {
            outcome = applies.apply(plan, planFile.toString());
        } catch (Applies.RefusedException e) {
            throw new ReviewException(ReviewException.Kind.CONFLICT, e.summary() + ": " + String.join("; ",
                    e.items()), e);
        } catch (ApplyException e) {
            throw new ReviewException(ReviewException.Kind.CONFLICT, e.getMessage(), e);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("apply", outcome.applyId());
        result.put("plan", plan.id());
        Map<String, Integer> done = new TreeMap<>();
        outcome.done().forEach((type, n) -> done.put(type.json(), n));
        result.put("done", done);
        result.put("failures", outcome.failures());
        result.put("problems", outcome.problems());
        result.put("notes", outcome.notes());
        result.put("revert", "./facesweep revert " + outcome.applyId());
        return result;
    }
}
