package dev.facesweep.protocol;

import java.util.Arrays;
import java.util.Objects;

/**
 * One image of a batch.
 *
 * @param id the image's sha256 (64 lowercase hex digits); results are keyed by it
 * @param path the image as the coordinator sees it (absolute; forward slashes or native separators); the worker
 *     maps it onto its own mounts and checks it against its allowed roots
 * @param data the image bytes sent inline for workers without the shared folder, or null; not copied
 */
public record BatchImage(String id, String path, byte[] data) {

    public BatchImage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(path, "path");
    }

    public BatchImage(String id, String path) {
        this(id, path, null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BatchImage other && id.equals(other.id) && path.equals(other.path)
                && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, path, Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return "BatchImage[id=" + id + ", path=" + path + (data == null ? "" : ", data=" + data.length + " bytes")
                + "]";
    }
}
