package dev.facesweep.coordinator.review;

import dev.facesweep.coordinator.plan.Thresholds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of a {@link ContactSheet} that changes with thresholds and overrides, small enough to fetch after every
 * click: the decision per face set, and a mark for every image that is not plainly ok and kept.
 *
 * @param images image path -> mark, for images that are flagged, near, unreadable, pending, overridden or not
 *     kept; every other image is {@code ok}, not near, not overridden and kept
 */
public record PlanPreview(String scanId, Thresholds thresholds, Map<String, Integer> counts,
        Map<String, Integer> totals, List<Faceset> facesets, Map<String, Mark> images, List<String> warnings) {

    /** A face set's decision (see {@link ContactSheet.Faceset}). */
    public record Faceset(String name, String action, String driver, double flaggedFraction, int counted,
            int flagged, boolean forcedKeep) {
    }

    /** An image's status, override and outcome (see {@link ContactSheet.Image}). */
    public record Mark(String status, boolean near, List<String> flaggedBy, List<String> nearBy, String force,
            String outcome) {
    }

    public static PlanPreview of(ContactSheet sheet) {
        List<Faceset> facesets = new ArrayList<>(sheet.facesets().size());
        Map<String, Mark> marks = new LinkedHashMap<>();
        for (ContactSheet.Faceset f : sheet.facesets()) {
            facesets.add(new Faceset(f.name(), f.action(), f.driver(), f.flaggedFraction(), f.counted(), f.flagged(),
                    f.forcedKeep()));
            for (ContactSheet.Image image : f.images()) {
                boolean plain = image.status().equals(ImageStatus.OK.css()) && !image.near() && image.force() == null
                        && image.outcome().equals("keep");
                if (!plain) {
                    marks.put(image.path(), new Mark(image.status(), image.near(), image.flaggedBy(), image.nearBy(),
                            image.force(), image.outcome()));
                }
            }
        }
        return new PlanPreview(sheet.scan().id(), sheet.thresholds(), sheet.counts(), sheet.totals(), facesets,
                marks, sheet.warnings());
    }
}
