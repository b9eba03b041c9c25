package dev.facesweep.imaging;

/**
 * Guards against decompression bombs and oversized files: images breaking a limit are refused from their header,
 * before any pixel memory is allocated.
 *
 * @param maxWidth largest accepted width in pixels
 * @param maxHeight largest accepted height in pixels
 * @param maxPixels largest accepted width x height
 * @param maxEncodedBytes largest accepted file size in bytes
 */
public record DecodeLimits(int maxWidth, int maxHeight, long maxPixels, long maxEncodedBytes) {

    public DecodeLimits {
        if (maxWidth <= 0 || maxHeight <= 0 || maxPixels <= 0 || maxEncodedBytes <= 0) {
            throw new IllegalArgumentException("decode limits must be positive, got " + maxWidth + " x " + maxHeight
                    + " px, " + maxPixels + " pixels, " + maxEncodedBytes + " bytes");
        }
    }

    /** 16384 pixels per side, 64 megapixels, 64 MiB per file. */
    public static DecodeLimits defaults() {
        return new DecodeLimits(16_384, 16_384, 64L << 20, 64L << 20);
    }

    /** Throws when a header declares a size beyond these limits. */
    void checkDimensions(long width, long height) throws ImageException {
        if (width <= 0 || height <= 0) {
            throw new ImageException("image header declares an empty size " + width + "x" + height);
        }
        if (width > maxWidth || height > maxHeight || width * height > maxPixels) {
            throw new ImageException("image is " + width + "x" + height + " pixels, over the decode limit ("
                    + maxWidth + "x" + maxHeight + ", " + maxPixels + " pixels; decompression-bomb guard): "
                    + "downscale it or raise the decode limits");
        }
    }

    /** Throws when the encoded file is larger than {@link #maxEncodedBytes}. */
    void checkEncodedSize(long bytes) throws ImageException {
        if (bytes > maxEncodedBytes) {
            throw new ImageException("file is " + bytes + " bytes, over the decode limit of " + maxEncodedBytes
                    + " bytes: recompress it or raise the decode limits");
        }
    }
}
