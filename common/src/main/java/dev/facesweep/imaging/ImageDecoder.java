package dev.facesweep.imaging;

/** Recognises the format from the first bytes and decodes into a Pillow-mode {@link Bitmap}. */
final class ImageDecoder {

    private ImageDecoder() {
    }

    static Bitmap decode(byte[] encoded, DecodeLimits limits) throws ImageException {
        if (encoded == null || encoded.length == 0) {
            throw new ImageException("empty file (0 bytes): not an image");
        }
        limits.checkEncodedSize(encoded.length);
        if (PngDecoder.looksLikePng(encoded)) {
            return PngDecoder.decode(encoded, limits);
        }
        if (JpegDecoder.looksLikeJpeg(encoded)) {
            return JpegDecoder.decode(encoded, limits);
        }
        String other = otherFormat(encoded);
        if (other != null) {
            throw new ImageException("unsupported image format " + other + ": convert it to PNG or JPEG");
        }
        throw new ImageException("not a PNG or JPEG image (" + encoded.length + " bytes starting with "
                + describeStart(encoded) + ")");
    }

    private static String otherFormat(byte[] b) {
        if (startsWith(b, "GIF8")) {
            return "GIF";
        }
        if (startsWith(b, "RIFF") && b.length >= 12 && new String(b, 8, 4, java.nio.charset.StandardCharsets.ISO_8859_1)
                .equals("WEBP")) {
            return "WebP";
        }
        if (startsWith(b, "BM")) {
            return "BMP";
        }
        if (startsWith(b, "II*\0") || startsWith(b, "MM\0*")) {
            return "TIFF";
        }
        if (b.length >= 12 && new String(b, 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1).equals("ftyp")) {
            return "HEIF/AVIF";
        }
        return null;
    }

    private static boolean startsWith(byte[] b, String magic) {
        if (b.length < magic.length()) {
            return false;
        }
        for (int i = 0; i < magic.length(); i++) {
            if ((b[i] & 0xFF) != magic.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The first bytes as hex, plus a hint when they look like text. */
    private static String describeStart(byte[] b) {
        int n = Math.min(8, b.length);
        StringBuilder hex = new StringBuilder();
        boolean text = true;
        for (int i = 0; i < n; i++) {
            int v = b[i] & 0xFF;
            hex.append(i == 0 ? "" : " ").append(String.format("%02x", v));
            text &= v >= 0x20 && v < 0x7F || v == '\n' || v == '\r' || v == '\t';
        }
        return hex + (text ? ", which looks like text" : "");
    }
}
