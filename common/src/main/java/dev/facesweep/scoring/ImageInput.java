package dev.facesweep.scoring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One image to score: a label to report it under and where its encoded bytes come from.
 *
 * @param label how results and errors name the image (a path, a content hash, ...)
 * @param source reads the encoded bytes when the image is prepared
 */
public record ImageInput(String label, Source source) {

    /** Largest encoded image read from a file (face crops are well under 1 MB). */
    public static final long MAX_FILE_BYTES = 256L << 20;

    /** Supplies an image's encoded bytes. */
    @FunctionalInterface
    public interface Source {
        byte[] read() throws IOException;
    }

    public ImageInput {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(source, "source");
    }

    /** A file, labelled with its path; read (at most {@link #MAX_FILE_BYTES}) when prepared. */
    public static ImageInput of(Path file) {
        return new ImageInput(file.toString(), () -> readFile(file));
    }

    /** Bytes already in memory (e.g. sent inline in a message). */
    public static ImageInput of(String label, byte[] encoded) {
        byte[] copy = encoded.clone();
        return new ImageInput(label, () -> copy);
    }

    private static byte[] readFile(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new IOException("file is " + size + " bytes, more than the " + MAX_FILE_BYTES
                    + " allowed for one image");
        }
        return Files.readAllBytes(file);
    }
}
