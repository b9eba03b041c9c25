package dev.facesweep.coordinator.review;

import dev.facesweep.coordinator.plan.Thresholds;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Builds {@link Thresholds} from optional values (query parameters), the brief's defaults filling the gaps. */
public final class ThresholdOptions {

    private ThresholdOptions() {
    }

    /**
     * @param attributeThresholds {@code NAME=P} entries, e.g. {@code mask=0.6}
     * @throws ReviewException (bad request) naming the value that is wrong
     */
    public static Thresholds of(Double image, Double facesetFraction, Integer minSurvivors, Double nearBand,
            List<String> attributeThresholds) {
        Thresholds d = Thresholds.defaults();
        Map<String, Double> attributes = new TreeMap<>();
        if (attributeThresholds != null) {
            for (String entry : attributeThresholds) {
                int eq = entry.indexOf('=');
                if (eq <= 0 || eq == entry.length() - 1) {
                    throw bad("attribute threshold '" + entry + "' is not NAME=P (e.g. mask=0.6)");
                }
                String value = entry.substring(eq + 1).strip();
                try {
                    attributes.put(entry.substring(0, eq).strip(), Double.parseDouble(value));
                } catch (NumberFormatException e) {
                    throw bad("attribute threshold '" + entry + "': '" + value + "' is not a number");
                }
            }
        }
        try {
            return new Thresholds(image != null ? image : d.image(), attributes,
                    facesetFraction != null ? facesetFraction : d.facesetFraction(),
                    minSurvivors != null ? minSurvivors : d.minSurvivors(), nearBand != null ? nearBand : d.nearBand());
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage());
        }
    }

    private static ReviewException bad(String message) {
        return new ReviewException(ReviewException.Kind.BAD_REQUEST, message);
    }
}
