package dev.facesweep.coordinator.plan;

import java.util.List;
import java.util.Map;

/**
 * The decision for one face set.
 *
 * @param name the face set's folder name (a direct sub-folder of the root)
 * @param driver the attribute that flagged the most images (ties: the first by name); {@code "override"} when
 *     only forced drops flagged anything; null for keep
 * @param flaggedFraction flagged / images (0 when there are no images)
 * @param images images counted by the rules: scored images plus non-scored images forced to drop
 * @param flagged images counted as flagged (over a threshold and not forced keep, or forced drop)
 * @param flaggedBy per attribute, how many counted-flagged images it flags (an image may count for several)
 * @param drop the images a prune moves to {@code _dropped/} (empty unless the action is prune), sorted
 * @param unreadable images that could not be scored: listed, never flagged, never dropped unless forced
 * @param nearThreshold scored images with a probability within the near band of its threshold, sorted
 * @param unscored images the scan has not scored yet (an unfinished scan): treated like unreadable ones
 * @param forced the overrides that touched this face set: image path or face-set name -> force
 */
public record FacesetPlan(String name, Action action, String driver, double flaggedFraction, int images,
        int flagged, Map<String, Integer> flaggedBy, List<String> drop, List<String> unreadable,
        List<String> nearThreshold, List<String> unscored, Map<String, Force> forced) {

    public FacesetPlan {
        flaggedBy = Map.copyOf(flaggedBy);
        drop = List.copyOf(drop);
        unreadable = List.copyOf(unreadable);
        nearThreshold = List.copyOf(nearThreshold);
        unscored = List.copyOf(unscored);
        forced = Map.copyOf(forced);
    }

    /** Images left after a prune (counted images that are not flagged). */
    public int survivors() {
        return images - flagged;
    }
}
