package dev.facesweep.coordinator.plan;

import dev.facesweep.coordinator.store.ImageRecord;
import dev.facesweep.coordinator.store.ImageState;
import java.util.Map;

/**
 * One image as {@link PlanBuilder} sees it.
 *
 * @param relativePath from the corpus root, forward slashes
 * @param scores probability per attribute; empty when not scored
 * @param error why it could not be scored (unreadable); null otherwise
 * @param scored false while the scan has not scored it yet (and it has no error)
 */
public record PlanImage(String faceset, String relativePath, String sha256, long size, Map<String, Double> scores,
        String error, boolean scored) {

    public PlanImage {
        scores = Map.copyOf(scores);
    }

    /** A scored image. */
    public static PlanImage scored(String faceset, String relativePath, Map<String, Double> scores) {
        return new PlanImage(faceset, relativePath, null, 0, scores, null, true);
    }

    /** An image that could not be read. */
    public static PlanImage unreadable(String faceset, String relativePath, String error) {
        return new PlanImage(faceset, relativePath, null, 0, Map.of(), error, false);
    }

    /** Adapts a scan-store row: FAILED becomes unreadable, SCORED/REUSED scored, anything else unscored. */
    public static PlanImage from(ImageRecord record) {
        ImageState state = record.state();
        boolean scored = state == ImageState.SCORED || state == ImageState.REUSED;
        String error = null;
        if (state == ImageState.FAILED) {
            error = record.error() == null || record.error().isBlank() ? "could not be scored" : record.error();
        }
        return new PlanImage(record.faceset(), record.relativePath(), record.sha256(), record.size(),
                scored ? record.scores() : Map.of(), error, scored && error == null);
    }

    public boolean unreadable() {
        return error != null;
    }
}
