package dev.facesweep.imaging;

/** The Pillow image modes a decoded file can be in; they decide how it is resized and converted to RGB. */
enum PixelMode {
    /** 1-bit black and white, stored as 0 or 255 per pixel; resized with NEAREST. */
    ONE("1", 1),
    /** 8-bit grey. */
    L("L", 1),
    /** 8-bit grey with alpha; resized premultiplied. */
    LA("LA", 2),
    RGB("RGB", 3),
    /** RGB with alpha; resized premultiplied. */
    RGBA("RGBA", 4),
    /** 8-bit palette indices; resized with NEAREST, converted through the palette (alpha ignored). */
    P("P", 1),
    /** 32-bit integer grey (Pillow opens 16-bit grey PNGs this way); stored in an int array. */
    I("I", 1);

    private final String pillowName;
    private final int bands;

    PixelMode(String pillowName, int bands) {
        this.pillowName = pillowName;
        this.bands = bands;
    }

    /** Pillow's name for the mode, e.g. {@code "RGBA"} or {@code "1"}. */
    String pillowName() {
        return pillowName;
    }

    /** Bytes per pixel in {@link Bitmap#pixels()} (one int per pixel for {@link #I}). */
    int bands() {
        return bands;
    }

    boolean hasAlpha() {
        return this == LA || this == RGBA;
    }
}
