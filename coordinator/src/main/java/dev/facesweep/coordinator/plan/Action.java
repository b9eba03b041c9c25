package dev.facesweep.coordinator.plan;

import java.util.Locale;

/** What apply does with a face set. The JSON form is the lower-case name, e.g. {@code quarantine_masked}. */
public enum Action {
    /** Nothing flagged (or forced keep): left untouched. */
    KEEP,
    /** Flagged images move to {@code faces/_dropped/}; the .fsz and manifests are rewritten. */
    PRUNE,
    /** Flagged fraction at or above the face-set threshold: the whole face set moves to {@code _masked/}. */
    QUARANTINE_MASKED,
    /** Something flagged and too few images would survive a prune: the whole face set moves to {@code _thin/}. */
    QUARANTINE_THIN;

    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean quarantines() {
        return this == QUARANTINE_MASKED || this == QUARANTINE_THIN;
    }

    /** The root folder a quarantine moves into ({@code _masked} or {@code _thin}); null for keep and prune. */
    public String quarantineFolder() {
        return switch (this) {
            case QUARANTINE_MASKED -> "_masked";
            case QUARANTINE_THIN -> "_thin";
            default -> null;
        };
    }

    public static Action fromJson(String value) {
        for (Action a : values()) {
            if (a.json().equals(value)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown action '" + value + "' (expected keep, prune, quarantine_masked"
                + " or quarantine_thin)");
    }
}
