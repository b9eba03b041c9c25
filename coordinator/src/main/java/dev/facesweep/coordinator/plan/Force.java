package dev.facesweep.coordinator.plan;

import java.util.Locale;

/** A reviewer's override. Images may be forced to {@link #KEEP} or {@link #DROP}; face sets only to keep. */
public enum Force {
    KEEP,
    DROP;

    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Force fromJson(String value) {
        for (Force f : values()) {
            if (f.json().equals(value)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown override '" + value + "' (expected keep or drop)");
    }
}
