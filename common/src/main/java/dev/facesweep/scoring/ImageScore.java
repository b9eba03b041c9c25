package dev.facesweep.scoring;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The outcome for one image: probabilities and embedding, or a one-line error when it could not be read.
 *
 * @param label the input's label
 * @param scores probability per attribute, in prompt-set order; empty on error
 * @param embedding the L2-normalised image embedding (shared, do not modify); null on error
 * @param error why the image could not be scored (one line, without the label); null on success
 */
public record ImageScore(String label, Map<String, Double> scores, float[] embedding, String error) {

    public ImageScore {
        Objects.requireNonNull(label, "label");
        scores = Collections.unmodifiableMap(new LinkedHashMap<>(scores));
        if ((error == null) == (embedding == null)) {
            throw new IllegalArgumentException("an image score has either an embedding or an error");
        }
    }

    static ImageScore scored(String label, Map<String, Double> scores, float[] embedding) {
        return new ImageScore(label, scores, embedding, null);
    }

    static ImageScore failed(String label, String error) {
        return new ImageScore(label, Map.of(), null, oneLine(error));
    }

    public boolean ok() {
        return error == null;
    }

    static String oneLine(String text) {
        String s = text == null || text.isBlank() ? "unknown error" : text;
        return s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }

    @Override
    public String toString() {
        return ok() ? "ImageScore[" + label + " " + scores + "]" : "ImageScore[" + label + " error: " + error + "]";
    }
}
