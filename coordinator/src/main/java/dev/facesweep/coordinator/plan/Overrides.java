package dev.facesweep.coordinator.plan;

import java.util.Map;
import java.util.TreeMap;

/**
 * A reviewer's decisions that beat the scores.
 *
 * <ul>
 *   <li>{@code images}: path relative to the root -> {@link Force#KEEP} (never dropped, does not count as
 *       flagged) or {@link Force#DROP} (counts as flagged, dropped when the face set is pruned; an unreadable
 *       image forced to drop also counts as one of the face set's images).</li>
 *   <li>{@code facesets}: face-set name -> {@link Force#KEEP}: the face set is left untouched whatever its
 *       scores (no prune, no quarantine).</li>
 * </ul>
 */
public record Overrides(Map<String, Force> images, Map<String, Force> facesets) {

    public Overrides {
        images = Map.copyOf(new TreeMap<>(images));
        facesets = Map.copyOf(new TreeMap<>(facesets));
        facesets.forEach((name, force) -> {
            if (force != Force.KEEP) {
                throw new IllegalArgumentException("face set " + name + ": only 'keep' can be forced on a face set,"
                        + " got '" + force.json() + "' (force drop on its images instead)");
            }
        });
    }

    public static Overrides none() {
        return new Overrides(Map.of(), Map.of());
    }

    public boolean isEmpty() {
        return images.isEmpty() && facesets.isEmpty();
    }

    /** Force on one image, or null. */
    public Force image(String relativePath) {
        return images.get(relativePath);
    }

    public boolean keepsFaceset(String name) {
        return facesets.get(name) == Force.KEEP;
    }
}
