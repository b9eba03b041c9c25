package dev.facesweep.coordinator.plan;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts over a plan for the summary table.
 *
 * @param facesetsByAction face sets per action (every action present, possibly 0)
 * @param imagesByAction counted images per action
 * @param facesetsByDriver face sets per driving attribute (non-keep face sets only)
 * @param drop images a prune moves to {@code _dropped/}
 * @param quarantinedImages counted images in quarantined face sets
 */
public record PlanSummary(Map<Action, Integer> facesetsByAction, Map<Action, Integer> imagesByAction,
        Map<String, Integer> facesetsByDriver, int drop, int quarantinedImages, int unreadable, int unscored,
        int nearThreshold, int forced) {

    public static PlanSummary of(Iterable<FacesetPlan> facesets) {
        Map<Action, Integer> byAction = new EnumMap<>(Action.class);
        Map<Action, Integer> imagesByAction = new EnumMap<>(Action.class);
        for (Action a : Action.values()) {
            byAction.put(a, 0);
            imagesByAction.put(a, 0);
        }
        Map<String, Integer> byDriver = new TreeMap<>();
        int drop = 0;
        int quarantined = 0;
        int unreadable = 0;
        int unscored = 0;
        int near = 0;
        int forced = 0;
        for (FacesetPlan f : facesets) {
            byAction.merge(f.action(), 1, Integer::sum);
            imagesByAction.merge(f.action(), f.images(), Integer::sum);
            if (f.driver() != null) {
                byDriver.merge(f.driver(), 1, Integer::sum);
            }
            drop += f.drop().size();
            if (f.action().quarantines()) {
                quarantined += f.images();
            }
            unreadable += f.unreadable().size();
            unscored += f.unscored().size();
            near += f.nearThreshold().size();
            forced += f.forced().size();
        }
        return new PlanSummary(byAction, imagesByAction, byDriver, drop, quarantined, unreadable, unscored, near,
                forced);
    }
}
