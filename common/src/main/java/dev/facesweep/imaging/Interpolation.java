package dev.facesweep.imaging;

import java.util.Locale;

/**
 * Pillow resampling filter used by the resize step ({@code interpolation} in preprocess_cfg.json).
 *
 * <p>Palette ("P") and 1-bit images are always resized with {@link #NEAREST}, whatever is configured: Pillow
 * does that silently inside {@code Image.resize}.
 */
public enum Interpolation {
    BICUBIC(2.0),
    BILINEAR(1.0),
    NEAREST(0.0);

    private final double support;

    Interpolation(double support) {
        this.support = support;
    }

    /** Half-width of the filter kernel in source pixels at scale 1 (Pillow's {@code filterp->support}). */
    double support() {
        return support;
    }

    /** Pillow's {@code bicubic_filter} (a = -0.5) and {@code bilinear_filter}, term for term. */
    double weight(double x) {
        if (x < 0.0) {
            x = -x;
        }
        switch (this) {
            case BICUBIC:
                double a = -0.5;
                if (x < 1.0) {
                    return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
                }
                if (x < 2.0) {
                    return (((x - 5) * x + 8) * x - 4) * a;
                }
                return 0.0;
            case BILINEAR:
                return x < 1.0 ? 1.0 - x : 0.0;
            default:
                throw new IllegalStateException("nearest has no convolution kernel");
        }
    }

    /** Parses open_clip's lower-case name, e.g. {@code "bicubic"}. */
    public static Interpolation fromName(String name) {
        for (Interpolation mode : values()) {
            if (mode.name().toLowerCase(Locale.ROOT).equals(name)) {
                return mode;
            }
        }
        throw new IllegalArgumentException(
                "interpolation must be one of bicubic, bilinear, nearest; got \"" + name + "\"");
    }

    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
