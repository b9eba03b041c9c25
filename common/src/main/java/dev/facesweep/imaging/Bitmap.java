package dev.facesweep.imaging;

/**
 * A decoded image in one of Pillow's modes: interleaved 8-bit samples ({@code mode.bands()} per pixel, row-major),
 * or one int per pixel for mode I.
 *
 * @param mode Pillow mode
 * @param width pixels per row
 * @param height rows
 * @param pixels samples for every mode except I (null for I)
 * @param ints samples for mode I (null otherwise)
 * @param palette for mode P: 256 entries x (R, G, B); entries the file does not define are grey (i, i, i), as
 *     in Pillow's palette initialisation. Null for other modes.
 */
record Bitmap(PixelMode mode, int width, int height, byte[] pixels, int[] ints, byte[] palette) {

    static Bitmap of8(PixelMode mode, int width, int height, byte[] pixels) {
        return new Bitmap(mode, width, height, pixels, null, null);
    }

    /** Pillow's name for the mode and the size, e.g. {@code "RGBA 512x512"}. */
    String describe() {
        return mode.pillowName() + " " + width + "x" + height;
    }
}
