package dev.facesweep.scoring;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The attributes to score, each with prompt ensembles for its positive and negative side, loaded from YAML (JSON
 * is accepted as the YAML subset it is):
 *
 * <pre>
 * attributes:
 *   sunglasses:
 *     positive: ["a face with dark sunglasses covering the eyes", ...]
 *     negative: ["a face with sunglasses pushed up on the forehead, eyes visible", ...]
 *     threshold: 0.7        # optional, in (0, 1)
 * </pre>
 *
 * Attribute order is kept. Unknown keys are ignored with a warning.
 *
 * @param attributes the attributes by name, in file order
 */
public record PromptSet(Map<String, Attribute> attributes) {

    /** The side of an attribute a prompt describes. */
    public enum Side {
        POSITIVE,
        NEGATIVE;

        /** The YAML key: {@code positive} or {@code negative}. */
        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One attribute.
     *
     * @param name letters, digits, {@code _}, {@code -} or {@code .}
     * @param positive prompts describing the attribute present (at least one)
     * @param negative prompts describing it absent, including near misses (at least one)
     * @param threshold the image flag threshold for this attribute, if the file sets one
     */
    public record Attribute(String name, List<String> positive, List<String> negative, OptionalDouble threshold) {

        public Attribute {
            positive = List.copyOf(positive);
            negative = List.copyOf(negative);
        }

        public List<String> prompts(Side side) {
            return side == Side.POSITIVE ? positive : negative;
        }
    }

    private static final Logger log = LoggerFactory.getLogger(PromptSet.class);
    private static final String DEFAULTS_RESOURCE = "default-prompts.yaml";
    private static final long MAX_FILE_BYTES = 1 << 20;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Set<String> ATTRIBUTE_KEYS = Set.of("positive", "negative", "threshold");
    private static final String SHAPE =
            "expected attributes: {<name>: {positive: [...], negative: [...], threshold: 0.7}}";
    /** Version tag of the canonical serialisation hashed by {@link #hash(String)}. */
    static final String HASH_FORMAT = "facesweep-prompt-set/1";

    public PromptSet {
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        if (attributes.isEmpty()) {
            throw new IllegalArgumentException("a prompt set needs at least one attribute");
        }
    }

    public List<String> attributeNames() {
        return List.copyOf(attributes.keySet());
    }

    /** Per attribute, its own threshold or {@code fallback}; in attribute order. */
    public Map<String, Double> thresholds(double fallback) {
        Map<String, Double> out = new LinkedHashMap<>();
        attributes.forEach((name, a) -> out.put(name, a.threshold().orElse(fallback)));
        return Collections.unmodifiableMap(out);
    }

    /**
     * Hex sha256 identifying the scores this prompt set gives with a model, over a canonical UTF-8 JSON
     * serialisation:
     *
     * <pre>
     * {"format":"facesweep-prompt-set/1","model":"&lt;modelId&gt;",
     *  "attributes":[{"name":"sunglasses","positive":["..."],"negative":["..."]}, ...]}
     * </pre>
     *
     * Included: the model id as given (pass {@code ModelBundle.scoringId()}, which covers both models and
     * logit_scale), attribute names and order, and every prompt's exact text in order. Not included: thresholds
     * (they decide flags, not scores) and anything about the file (comments, formatting, unknown keys).
     */
    public String hash(String modelId) {
        ObjectNode root = JsonMapper.shared().createObjectNode();
        root.put("format", HASH_FORMAT);
        root.put("model", modelId);
        ArrayNode list = root.putArray("attributes");
        for (Attribute a : attributes.values()) {
            ObjectNode node = list.addObject();
            node.put("name", a.name());
            ArrayNode positive = node.putArray("positive");
            a.positive().forEach(positive::add);
            ArrayNode negative = node.putArray("negative");
            a.negative().forEach(negative::add);
        }
        byte[] canonical = JsonMapper.shared().writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /** The shipped default set ({@code sunglasses}, {@code mask}), from {@code default-prompts.yaml}. */
    public static PromptSet defaults() {
        try (InputStream in = PromptSet.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULTS_RESOURCE + " is missing from the classpath");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "default prompts");
        } catch (IOException | PromptSetException e) {
            throw new IllegalStateException("the shipped " + DEFAULTS_RESOURCE + " is broken: " + e.getMessage(), e);
        }
    }

    /**
     * Loads a YAML or JSON prompt file.
     *
     * @throws PromptSetException naming the file (and line or attribute) when it is missing, empty, malformed or
     *     incomplete
     */
    public static PromptSet load(Path file) throws PromptSetException {
        String name = "prompts file " + file;
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new PromptSetException(name + " is " + size + " bytes, more than the " + MAX_FILE_BYTES
                        + " allowed: is it the right file?");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new PromptSetException(name + " does not exist: pass a YAML file with " + SHAPE, e);
        } catch (IOException e) {
            throw new PromptSetException(name + " cannot be read: " + e.getMessage(), e);
        }
        return parse(new String(bytes, StandardCharsets.UTF_8), name);
    }

    /**
     * Parses YAML or JSON text.
     *
     * @param source how to name the text in messages, e.g. {@code prompts file /x/prompts.yaml}
     */
    public static PromptSet parse(String text, String source) throws PromptSetException {
        JsonNode root;
        try {
            root = YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build().readTree(text);
        } catch (JacksonException e) {
            int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
            throw new PromptSetException(source + " is not valid YAML" + (line > 0 ? " (line " + line + ")" : "")
                    + ": " + problem(e.getOriginalMessage()), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new PromptSetException(source + " is empty: " + SHAPE);
        }
        if (!root.isObject()) {
            throw new PromptSetException(source + " is not a map: " + SHAPE);
        }
        for (String key : root.propertyNames()) {
            if (!key.equals("attributes")) {
                log.warn("{}: ignoring unknown top-level key '{}'", source, key);
            }
        }
        JsonNode attributes = root.path("attributes");
        if (!attributes.isObject() || attributes.isEmpty()) {
            throw new PromptSetException(source + " has no attributes: " + SHAPE);
        }
        Map<String, Attribute> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : attributes.properties()) {
            out.put(e.getKey(), attribute(source, e.getKey(), e.getValue()));
        }
        return new PromptSet(out);
    }

    private static Attribute attribute(String source, String name, JsonNode node) throws PromptSetException {
        String where = source + ": attribute '" + name + "'";
        if (!NAME.matcher(name).matches()) {
            throw new PromptSetException(where + " has a bad name: use up to 64 letters, digits, '_', '-' or '.'");
        }
        if (!node.isObject()) {
            throw new PromptSetException(where + " is not a map: expected {positive: [...], negative: [...]}");
        }
        for (String key : node.propertyNames()) {
            if (!ATTRIBUTE_KEYS.contains(key)) {
                log.warn("{}: ignoring unknown key '{}' (known: positive, negative, threshold)", where, key);
            }
        }
        List<String> positive = prompts(where, node, Side.POSITIVE);
        List<String> negative = prompts(where, node, Side.NEGATIVE);
        OptionalDouble threshold = OptionalDouble.empty();
        JsonNode t = node.path("threshold");
        if (!t.isMissingNode() && !t.isNull()) {
            if (!t.isNumber() || !(t.doubleValue() > 0 && t.doubleValue() < 1)) {
                throw new PromptSetException(where + ": threshold " + t + " is outside (0, 1): give a probability "
                        + "such as 0.7");
            }
            threshold = OptionalDouble.of(t.doubleValue());
        }
        return new Attribute(name, positive, negative, threshold);
    }

    private static List<String> prompts(String where, JsonNode attribute, Side side) throws PromptSetException {
        JsonNode node = attribute.path(side.key());
        String fix = ": add at least one prompt under " + side.key() + ": [...]";
        if (node.isMissingNode() || node.isNull() || (node.isArray() && node.isEmpty())) {
            throw new PromptSetException(where + " has no " + side.key() + " prompts" + fix);
        }
        if (!node.isArray()) {
            throw new PromptSetException(where + ": " + side.key() + " must be a list of prompts" + fix);
        }
        List<String> out = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode p = node.get(i);
            if (!p.isString() || p.stringValue().isBlank()) {
                throw new PromptSetException(where + ": " + side.key() + " prompt " + (i + 1) + " is " + p
                        + ", not a non-empty text");
            }
            out.add(p.stringValue());
        }
        return out;
    }

    /**
     * The parser's problem statements without its quoted source lines: SnakeYAML writes "context / in reader,
     * line, column / snippet / caret / problem / ...", of which only the unindented lines are the words.
     */
    static String problem(String message) {
        if (message == null || message.isBlank()) {
            return "syntax error";
        }
        List<String> words = new ArrayList<>();
        for (String line : message.split("\\R")) {
            if (!line.isBlank() && !Character.isWhitespace(line.charAt(0))) {
                words.add(line.strip());
            }
        }
        return words.isEmpty() ? message.strip().replaceAll("\\s+", " ") : String.join("; ", words);
    }
}
