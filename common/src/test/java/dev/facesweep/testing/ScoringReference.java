package dev.facesweep.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Golden values of the clip-tiny fixture ({@code reference.json}, produced by open_clip) and its
 * {@code prompts.json}, for scoring tests.
 */
public final class ScoringReference {

    private final JsonNode reference;
    private final JsonNode prompts;

    private ScoringReference(JsonNode reference, JsonNode prompts) {
        this.reference = reference;
        this.prompts = prompts;
    }

    public static ScoringReference load() {
        Path dir = Fixtures.clipTiny();
        return new ScoringReference(JsonMapper.shared().readTree(dir.resolve("reference.json").toFile()),
                JsonMapper.shared().readTree(dir.resolve("prompts.json").toFile()));
    }

    public static Path promptsFile() {
        return Fixtures.clipTiny().resolve("prompts.json");
    }

    public double logitScale() {
        return reference.get("logit_scale").doubleValue();
    }

    public double embeddingTolerance() {
        return reference.get("tolerances").get("embedding_max_abs").doubleValue();
    }

    public double probabilityTolerance() {
        return reference.get("tolerances").get("probability_max_abs").doubleValue();
    }

    /** The JPEG probability tolerance, read from the prose entry ("... probability within 0.02"). */
    public double jpegProbabilityTolerance() {
        String text = reference.get("tolerances").get("jpeg").stringValue();
        Matcher m = Pattern.compile("probability within ([0-9.]+)").matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("reference.json tolerances.jpeg has no probability tolerance: " + text);
        }
        return Double.parseDouble(m.group(1));
    }

    /** Every prompt with golden token ids and embedding, in file order. */
    public List<String> promptTexts() {
        return new ArrayList<>(reference.get("prompts").propertyNames());
    }

    /** The prompts that also have a golden embedding (the attribute prompts), in file order. */
    public List<String> embeddedPromptTexts() {
        return promptTexts().stream().filter(p -> reference.get("prompts").get(p).has("embedding")).toList();
    }

    public int[] tokenIds(String prompt) {
        return ints(reference.get("prompts").get(prompt).get("token_ids"));
    }

    public float[] promptEmbedding(String prompt) {
        return floats(reference.get("prompts").get(prompt).get("embedding"));
    }

    /** Attribute names of prompts.json, in order. */
    public List<String> attributes() {
        return new ArrayList<>(prompts.get("attributes").propertyNames());
    }

    /** Prompts of one side ("positive" or "negative") of an attribute in prompts.json. */
    public List<String> attributePrompts(String attribute, String side) {
        List<String> out = new ArrayList<>();
        prompts.get("attributes").get(attribute).get(side).forEach(n -> out.add(n.stringValue()));
        return out;
    }

    /** The golden ensemble vector of one side of an attribute. */
    public float[] ensemble(String attribute, String side) {
        return floats(reference.get("attributes").get(attribute).get(side));
    }

    public List<String> imageNames() {
        return new ArrayList<>(reference.get("images").propertyNames());
    }

    public boolean isJpeg(String image) {
        String lower = image.toLowerCase(java.util.Locale.ROOT);
        return lower.endsWith(".jpg") || lower.endsWith(".jpeg");
    }

    public float[] imageEmbedding(String image) {
        return floats(reference.get("images").get(image).get("embedding"));
    }

    public Map<String, Double> imageScores(String image) {
        Map<String, Double> out = new LinkedHashMap<>();
        reference.get("images").get(image).get("scores").forEachEntry((k, v) -> out.put(k, v.doubleValue()));
        return out;
    }

    private static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).floatValue();
        }
        return out;
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).intValue();
        }
        return out;
    }
}
