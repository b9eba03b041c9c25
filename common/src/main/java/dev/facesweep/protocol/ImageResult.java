package dev.facesweep.protocol;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The outcome for one image: an embedding (and usually scores), or an error.
 *
 * @param id the image's sha256
 * @param embedding the image embedding, or null when {@code error} is set; not copied
 * @param scores probability per attribute name (may be empty: the coordinator can score from the embedding)
 * @param error why the image could not be scored (unreadable, not an image, too large...), or null
 */
public record ImageResult(String id, float[] embedding, Map<String, Double> scores, String error) {

    public ImageResult {
        Objects.requireNonNull(id, "id");
        if ((embedding == null) == (error == null)) {
            throw new IllegalArgumentException("image " + id + ": exactly one of embedding and error must be set");
        }
        scores = scores == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(scores));
    }

    public static ImageResult scored(String id, float[] embedding, Map<String, Double> scores) {
        return new ImageResult(id, embedding, scores, null);
    }

    public static ImageResult failed(String id, String error) {
        return new ImageResult(id, null, Map.of(), error);
    }

    public boolean failed() {
        return error != null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageResult other && id.equals(other.id) && Arrays.equals(embedding, other.embedding)
                && scores.equals(other.scores) && Objects.equals(error, other.error);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, Arrays.hashCode(embedding), scores, error);
    }

    @Override
    public String toString() {
        return "ImageResult[id=" + id + (embedding == null ? "" : ", embedding=" + embedding.length + " floats")
                + ", scores=" + scores + (error == null ? "" : ", error=" + error) + "]";
    }
}
