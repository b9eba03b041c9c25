package dev.facesweep.imaging;

import java.util.Locale;

/** How open_clip fits an image to the model's input size ({@code resize_mode} in preprocess_cfg.json). */
public enum ResizeMode {
    /** Resize so the shorter side fits, then center-crop (open_clip's default). */
    SHORTEST,
    /** Resize so the longer side fits, then pad centred with the fill colour. */
    LONGEST,
    /** Resize both axes to the target size, ignoring the aspect ratio. */
    SQUASH;

    /** Parses open_clip's lower-case name, e.g. {@code "shortest"}. */
    public static ResizeMode fromName(String name) {
        for (ResizeMode mode : values()) {
            if (mode.name().toLowerCase(Locale.ROOT).equals(name)) {
                return mode;
            }
        }
        throw new IllegalArgumentException(
                "resize_mode must be one of shortest, longest, squash; got \"" + name + "\"");
    }

    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
