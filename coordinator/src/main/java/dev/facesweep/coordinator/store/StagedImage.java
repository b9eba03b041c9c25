package dev.facesweep.coordinator.store;

import java.util.Objects;

/**
 * An image to stage into a scan: hashed, or unreadable.
 *
 * @param relativePath path from the corpus root with forward slashes (the image's key within a scan)
 * @param sha256 content hash, null when the file could not be read
 * @param modifiedMillis file modification time (0 when unknown), used to reuse hashes on re-scans
 * @param error why the file could not be hashed, null when it was; such an image is staged as failed
 */
public record StagedImage(String relativePath, String faceset, String sha256, long size, long modifiedMillis,
        String error) {

    public StagedImage {
        Objects.requireNonNull(relativePath, "relativePath");
        Objects.requireNonNull(faceset, "faceset");
        if ((sha256 == null) == (error == null)) {
            throw new IllegalArgumentException(relativePath + ": exactly one of sha256 and error must be set");
        }
    }

    public static StagedImage hashed(String relativePath, String faceset, String sha256, long size,
            long modifiedMillis) {
        return new StagedImage(relativePath, faceset, sha256, size, modifiedMillis, null);
    }

    public static StagedImage unreadable(String relativePath, String faceset, long size, String error) {
        return new StagedImage(relativePath, faceset, null, size, 0L, error);
    }
}
