package dev.facesweep.corpus;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One image of a corpus, as found by {@link CorpusWalk}.
 *
 * @param faceset the face set's folder name (a direct sub-folder of the corpus root)
 * @param relativePath path from the corpus root with forward slashes, e.g. {@code faceset_001/faces/0001.png}
 * @param path the file itself (the logical path under the root as given; symlinks inside the root are kept)
 * @param size size in bytes when listed (a zero-byte file is listed too; scoring reports it)
 * @param modifiedMillis last-modified time in epoch milliseconds when listed (lets a re-scan reuse a known hash)
 */
public record CorpusImage(String faceset, String relativePath, Path path, long size, long modifiedMillis) {

    public CorpusImage {
        Objects.requireNonNull(faceset, "faceset");
        Objects.requireNonNull(relativePath, "relativePath");
        Objects.requireNonNull(path, "path");
    }

    /** An image whose modification time is unknown ({@code modifiedMillis} = 0). */
    public CorpusImage(String faceset, String relativePath, Path path, long size) {
        this(faceset, relativePath, path, size, 0L);
    }
}
