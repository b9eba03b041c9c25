package dev.facesweep.coordinator.review;

import dev.facesweep.coordinator.plan.Thresholds;
import java.util.List;
import java.util.Map;

/**
 * Everything a contact sheet shows: the plan (or plan preview) per face set with every image, its scores and its
 * status. The static report renders it to HTML; the live page gets it as JSON. Names are the JSON field names.
 *
 * @param scan the scan's id, root, model and state
 * @param planId the plan shown, or null for a preview computed from the scan
 * @param attributes every attribute scored, sorted
 * @param thresholds the thresholds the statuses and actions come from
 * @param counts number of face sets per action ({@code keep}, {@code prune}, {@code quarantine_masked},
 *     {@code quarantine_thin}, every action present)
 * @param totals images in all: {@code images}, {@code flagged}, {@code near}, {@code unreadable}, {@code pending},
 *     {@code drop} (images a prune moves), {@code moved} (images of quarantined face sets)
 * @param warnings overrides that match nothing, and similar one-line notes
 */
public record ContactSheet(ScanHeader scan, String planId, List<String> attributes, Thresholds thresholds,
        Map<String, Integer> counts, Map<String, Integer> totals, List<Faceset> facesets, List<String> warnings) {

    public ContactSheet {
        attributes = List.copyOf(attributes);
        counts = Map.copyOf(counts);
        totals = Map.copyOf(totals);
        facesets = List.copyOf(facesets);
        warnings = List.copyOf(warnings);
    }

    /**
     * One face set and its decision.
     *
     * @param action {@code keep}, {@code prune}, {@code quarantine_masked} or {@code quarantine_thin}
     * @param driver the attribute that drove the action, {@code override}, or null for keep
     * @param counted images the rules counted (scored ones plus forced drops)
     * @param forcedKeep the reviewer forced the whole face set to keep
     */
    public record Faceset(String name, String action, String driver, double flaggedFraction, int counted,
            int flagged, boolean forcedKeep, List<Image> images) {

        public Faceset {
            images = List.copyOf(images);
        }
    }

    /**
     * One image.
     *
     * @param path relative to the corpus root, forward slashes (the key of overrides)
     * @param name the file name
     * @param sha256 content hash, null when the file could not even be hashed
     * @param status from the scores: {@code ok}, {@code near}, {@code flagged}, {@code unreadable} or
     *     {@code pending} ({@link ImageStatus#css()})
     * @param near some attribute is within the near band of its threshold (also for flagged images)
     * @param flaggedBy attributes at or above their threshold
     * @param nearBy attributes within the near band
     * @param scores probability per attribute (empty unless scored)
     * @param error why it could not be read or scored, else null
     * @param force the reviewer's override ({@code keep} or {@code drop}), or null
     * @param outcome what apply does to it: {@code keep}, {@code drop} (moved to {@code faces/_dropped/}) or
     *     {@code move} (its face set is quarantined whole)
     */
    public record Image(String path, String name, String sha256, String status, boolean near,
            List<String> flaggedBy, List<String> nearBy, Map<String, Double> scores, String error, String force,
            String outcome) {

        public Image {
            flaggedBy = List.copyOf(flaggedBy);
            nearBy = List.copyOf(nearBy);
        }
    }

    /** The scan a sheet comes from. */
    public record ScanHeader(String id, String root, String modelId, String promptHash, String state) {
    }
}
