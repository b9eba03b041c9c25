package dev.facesweep.coordinator.plan;

import java.util.List;

/**
 * How the rules see one image (for review pages: badges per image).
 *
 * @param flaggedBy attributes whose probability is at or above their threshold, by name
 * @param nearBy attributes whose probability is within the near band of their threshold, by name
 * @param forced the override on this image, or null
 * @param flagged whether it counts as flagged for its face set: over a threshold and not forced keep, or forced
 *     drop
 */
public record ImageVerdict(String relativePath, boolean unreadable, boolean scored, List<String> flaggedBy,
        List<String> nearBy, Force forced, boolean flagged) {

    public ImageVerdict {
        flaggedBy = List.copyOf(flaggedBy);
        nearBy = List.copyOf(nearBy);
    }

    public boolean nearThreshold() {
        return !nearBy.isEmpty();
    }

    /** Whether the face-set rules count it among the face set's images. */
    public boolean counted() {
        return scored || forced == Force.DROP;
    }
}
