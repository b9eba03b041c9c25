package dev.facesweep.coordinator.review;

import dev.facesweep.coordinator.plan.ImageVerdict;
import java.util.Locale;

/**
 * How an image looks on the contact sheet, from its scores alone (overrides are shown separately). The page and the
 * report put {@link #css()} in the image's {@code data-state} attribute.
 */
public enum ImageStatus {
    /** Every attribute well below its threshold. */
    OK,
    /** Not flagged, but some attribute within the near band of its threshold: worth a look. */
    NEAR,
    /** Some attribute at or above its threshold. */
    FLAGGED,
    /** Could not be read or scored; never flagged, never dropped unless forced. */
    UNREADABLE,
    /** Not scored yet (the scan is still running). */
    PENDING;

    public String css() {
        return name().toLowerCase(Locale.ROOT);
    }

    static ImageStatus of(ImageVerdict verdict) {
        if (verdict.unreadable()) {
            return UNREADABLE;
        }
        if (!verdict.scored()) {
            return PENDING;
        }
        if (!verdict.flaggedBy().isEmpty()) {
            return FLAGGED;
        }
        return verdict.nearThreshold() ? NEAR : OK;
    }
}
