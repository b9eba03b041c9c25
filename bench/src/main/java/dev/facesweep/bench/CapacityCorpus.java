package dev.facesweep.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The corpus of the capacity benchmark: {@code images} files in face sets of {@code perSet},
 * {@code <root>/set-NNNNNN/faces/img-NNNNNNNN.png}. Each file is a few dozen distinct bytes, not a PNG: the
 * coordinator only walks and hashes them, and the stand-in workers never read them, so small files keep a
 * million-image corpus at a few GB of disk (one block each) while every image has its own sha256.
 *
 * <p>A marker file {@code .capacity-corpus} records what was generated, so a second run with the same size reuses
 * the files.
 */
final class CapacityCorpus {

    static final String MARKER = ".capacity-corpus";

    private CapacityCorpus() {
    }

    /** Creates the corpus unless the marker says it is there already; returns true when it wrote files. */
    static boolean ensure(Path root, int images, int perSet) throws IOException {
        String expected = String.format(Locale.ROOT, "images=%d perSet=%d%n", images, perSet);
        Path marker = root.resolve(MARKER);
        if (Files.isRegularFile(marker) && Files.readString(marker).equals(expected)) {
            return false;
        }
        if (Files.exists(root) && !isEmpty(root)) {
            throw new IllegalArgumentException(root + " exists and is not a capacity corpus of " + images
                    + " images: remove it or pick another folder");
        }
        Files.createDirectories(root);
        Path faces = null;
        for (int i = 0; i < images; i++) {
            if (i % perSet == 0) {
                faces = Files.createDirectories(root.resolve(String.format(Locale.ROOT, "set-%06d", i / perSet))
                        .resolve("faces"));
            }
            String name = String.format(Locale.ROOT, "img-%08d.png", i);
            Files.write(faces.resolve(name), ("facesweep capacity benchmark image " + i + "\n")
                    .getBytes(StandardCharsets.US_ASCII));
        }
        Files.writeString(marker, expected);
        return true;
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }
}
