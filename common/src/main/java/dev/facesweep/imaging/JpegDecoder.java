package dev.facesweep.imaging;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * JPEG through the JDK's ImageIO reader (IJG libjpeg). Pillow uses libjpeg-turbo, so pixels may differ by a level
 * or two; the fixture bounds that.
 *
 * <p>Samples come straight from the decoded Raster. With an embedded ICC profile the reader's default image type
 * carries that profile's colour space, so no colour conversion is applied; Pillow ignores ICC profiles too. EXIF
 * orientation is ignored, as Pillow's {@code Image.open} (and so open_clip) ignores it.
 */
final class JpegDecoder {

    private JpegDecoder() {
    }

    static boolean looksLikeJpeg(byte[] data) {
        return data.length >= 3 && (data[0] & 0xFF) == 0xFF && (data[1] & 0xFF) == 0xD8 && (data[2] & 0xFF) == 0xFF;
    }

    static Bitmap decode(byte[] data, DecodeLimits limits) throws ImageException {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
        if (!readers.hasNext()) {
            throw new ImageException("this Java runtime has no JPEG decoder (javax.imageio); convert the image to PNG");
        }
        ImageReader reader = readers.next();
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
            reader.setInput(in, true, true);
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            limits.checkDimensions(width, height);
            BufferedImage image = reader.read(0);
            for (String w : warnings) {
                // libjpeg pads a truncated stream with grey and only warns; Pillow raises "image file is truncated"
                if (w != null && w.toLowerCase(Locale.ROOT).contains("premature end")) {
                    throw new ImageException("truncated JPEG: " + oneLine(w));
                }
            }
            return toBitmap(image.getRaster());
        } catch (ImageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            String reason = oneLine(e.getMessage());
            if (reason.contains("Unsupported Image Type")) {
                throw new ImageException("unsupported JPEG colour space (CMYK or YCCK): convert it to an RGB JPEG or PNG", e);
            }
            throw new ImageException("corrupt JPEG: " + reason, e);
        } finally {
            reader.dispose();
        }
    }

    private static Bitmap toBitmap(Raster raster) throws ImageException {
        int w = raster.getWidth();
        int h = raster.getHeight();
        int bands = raster.getNumBands();
        PixelMode mode = switch (bands) {
            case 1 -> PixelMode.L;
            case 3 -> PixelMode.RGB;
            default -> throw new ImageException("unsupported JPEG with " + bands + " colour channels: convert it to RGB");
        };
        byte[] pixels = new byte[w * h * bands];
        int[] row = new int[w * bands];
        for (int y = 0, d = 0; y < h; y++) {
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, row);
            for (int v : row) {
                pixels[d++] = (byte) v;
            }
        }
        return Bitmap.of8(mode, w, h, pixels);
    }

    private static String oneLine(String s) {
        if (s == null || s.isBlank()) {
            return "unreadable data";
        }
        return s.strip().replaceAll("\\s+", " ");
    }
}
