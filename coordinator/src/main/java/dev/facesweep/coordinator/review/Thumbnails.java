package dev.facesweep.coordinator.review;

import dev.facesweep.corpus.ContentHash;
import dev.facesweep.imaging.ClipImagePreprocessor;
import dev.facesweep.imaging.DecodeLimits;
import dev.facesweep.imaging.ImageException;
import dev.facesweep.imaging.Interpolation;
import dev.facesweep.imaging.PreprocessConfig;
import dev.facesweep.imaging.ResizeMode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Small square JPEG previews of face images for the contact sheet. Images are decoded with facesweep's own decoder
 * (the one scoring uses, with its decompression-bomb limits), fitted whole into the square (longest side, padded
 * with black) with Pillow's bicubic filter, and encoded with the JDK's JPEG writer.
 *
 * <p>With a cache folder, thumbnails are kept by content hash ({@code <cache>/<ab>/<sha256>.jpg}) and shared by
 * every scan; the original is hashed first, so a file that changed since the scan is refused instead of showing
 * different content under the scanned hash.
 *
 * <p>Thread-safe.
 */
public final class Thumbnails {

    /** Edge of a thumbnail in pixels unless configured. */
    public static final int DEFAULT_SIZE = 128;

    private static final float JPEG_QUALITY = 0.85f;

    private final int size;
    private final ClipImagePreprocessor fitter;
    private final ContentHash hash = new ContentHash();

    public Thumbnails(int size) {
        if (size < 16 || size > 1024) {
            throw new IllegalArgumentException("thumbnail size must be between 16 and 1024 pixels, got " + size);
        }
        this.size = size;
        // mean 0 / std 1: only the resize and RGB conversion are used, never the normalisation
        PreprocessConfig config = new PreprocessConfig(size, size, new float[] {0f, 0f, 0f},
                new float[] {1f, 1f, 1f}, Interpolation.BICUBIC, ResizeMode.LONGEST, 0);
        this.fitter = new ClipImagePreprocessor(config, DecodeLimits.defaults());
    }

    public int size() {
        return size;
    }

    /** The thumbnail of an image file as JPEG bytes. */
    public byte[] render(Path image) throws ThumbnailException {
        return encode(fit(image, read(image)));
    }

    /**
     * The cached thumbnail of {@code original} (whose content must still hash to {@code sha256}), generated into
     * {@code cacheDir} first if it is not there yet.
     */
    public Path cached(Path cacheDir, String sha256, Path original) throws ThumbnailException {
        if (!ContentHash.isSha256Hex(sha256)) {
            throw new ThumbnailException(original + ": '" + sha256 + "' is not a sha256 hex digest");
        }
        String key = sha256.toLowerCase(Locale.ROOT);
        Path target = cacheDir.resolve(key.substring(0, 2)).resolve(key + ".jpg");
        if (Files.isRegularFile(target)) {
            return target;
        }
        byte[] encoded = read(original);
        String actual = ContentHash.sha256(encoded);
        if (!actual.equalsIgnoreCase(key)) {
            throw new ThumbnailException(original + " changed since the scan (sha256 " + actual + ", scanned "
                    + key + "): scan the corpus again");
        }
        byte[] jpeg = encode(fit(original, encoded));
        try {
            Files.createDirectories(target.getParent());
            Path temp = Files.createTempFile(target.getParent(), key, ".tmp");
            try {
                Files.write(temp, jpeg);
                move(temp, target);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new ThumbnailException("cannot write the thumbnail " + target + ": " + e.getMessage()
                    + " (check that the state folder is writable)", e);
        }
        return target;
    }

    private static void move(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static byte[] read(Path image) throws ThumbnailException {
        try {
            return Files.readAllBytes(image);
        } catch (NoSuchFileException e) {
            throw new ThumbnailException(image + ": no such file (moved or deleted since the scan?)", e);
        } catch (IOException | OutOfMemoryError e) {
            throw new ThumbnailException(image + ": cannot read it: " + e.getMessage(), e);
        }
    }

    private BufferedImage fit(Path image, byte[] encoded) throws ThumbnailException {
        byte[] rgb;
        try {
            rgb = fitter.resizedRgb(encoded);
        } catch (ImageException e) {
            throw new ThumbnailException(image + ": " + e.getMessage(), e);
        }
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[size];
        for (int y = 0, p = 0; y < size; y++) {
            for (int x = 0; x < size; x++, p += 3) {
                row[x] = (rgb[p] & 0xFF) << 16 | (rgb[p + 1] & 0xFF) << 8 | rgb[p + 2] & 0xFF;
            }
            out.setRGB(0, y, size, 1, row, 0, size);
        }
        return out;
    }

    private static byte[] encode(BufferedImage image) throws ThumbnailException {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        if (!writers.hasNext()) {
            throw new ThumbnailException("this Java runtime has no JPEG writer (javax.imageio)");
        }
        ImageWriter writer = writers.next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(8192);
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(JPEG_QUALITY);
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new ThumbnailException("encoding a thumbnail failed: " + e.getMessage(), e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
