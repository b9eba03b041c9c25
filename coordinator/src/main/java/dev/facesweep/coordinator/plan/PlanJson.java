package dev.facesweep.coordinator.plan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * plan.json and overrides files.
 *
 * <p>plan.json:
 * <pre>
 * {"version": 1, "plan": "&lt;id&gt;", "scan": "&lt;id&gt;", "root": "/abs/root", "created": "2025-03-01T10:15:30Z",
 *  "model": "...", "prompt_hash": "...",
 *  "thresholds": {"image": 0.7, "attributes": {"mask": 0.6}, "faceset_fraction": 0.4, "min_survivors": 5,
 *                 "near_band": 0.05},
 *  "overrides": {"images": {"faceset_001/faces/x.png": "keep"}, "facesets": {"faceset_002": "keep"}},
 *  "facesets": [{"name": "faceset_001", "action": "prune", "driver": "mask", "flagged_fraction": 0.1,
 *                "images": 30, "flagged": 3, "flagged_by": {"mask": 3}, "drop": ["faceset_001/faces/a.png"],
 *                "unreadable": [], "near_threshold": [], "unscored": [], "forced": {}}],
 *  "inputs": {"faceset_001/faces/a.png": {"size": 1234, "sha256": "..."}}}
 * </pre>
 *
 * <p>Overrides file: {@code {"images": {"<path relative to root>": "keep"|"drop"}, "facesets": {"<name>":
 * "keep"}}}; both keys optional.
 */
public final class PlanJson {

    public static final int VERSION = 1;

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private PlanJson() {
    }

    // ---------------------------------------------------------------- writing

    public static ObjectNode toJson(Plan plan) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("version", VERSION);
        root.put("plan", plan.id());
        root.put("scan", plan.scanId());
        root.put("root", plan.root());
        root.put("created", plan.created().toString());
        root.put("model", plan.modelId());
        root.put("prompt_hash", plan.promptHash());
        root.set("thresholds", thresholds(plan.thresholds()));
        root.set("overrides", overrides(plan.overrides()));
        ArrayNode facesets = root.putArray("facesets");
        for (FacesetPlan f : plan.facesets()) {
            facesets.add(faceset(f));
        }
        ObjectNode inputs = root.putObject("inputs");
        new TreeMap<>(plan.inputs()).forEach((path, input) -> {
            ObjectNode in = inputs.putObject(path);
            in.put("size", input.size());
            in.put("sha256", input.sha256());
        });
        return root;
    }

    public static ObjectNode thresholds(Thresholds t) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("image", t.image());
        ObjectNode attributes = node.putObject("attributes");
        new TreeMap<>(t.attributes()).forEach(attributes::put);
        node.put("faceset_fraction", t.facesetFraction());
        node.put("min_survivors", t.minSurvivors());
        node.put("near_band", t.nearBand());
        return node;
    }

    public static ObjectNode overrides(Overrides o) {
        ObjectNode node = MAPPER.createObjectNode();
        ObjectNode images = node.putObject("images");
        new TreeMap<>(o.images()).forEach((path, force) -> images.put(path, force.json()));
        ObjectNode facesets = node.putObject("facesets");
        new TreeMap<>(o.facesets()).forEach((name, force) -> facesets.put(name, force.json()));
        return node;
    }

    public static ObjectNode faceset(FacesetPlan f) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("name", f.name());
        node.put("action", f.action().json());
        node.put("driver", f.driver());
        node.put("flagged_fraction", f.flaggedFraction());
        node.put("images", f.images());
        node.put("flagged", f.flagged());
        ObjectNode by = node.putObject("flagged_by");
        new TreeMap<>(f.flaggedBy()).forEach(by::put);
        strings(node.putArray("drop"), f.drop());
        strings(node.putArray("unreadable"), f.unreadable());
        strings(node.putArray("near_threshold"), f.nearThreshold());
        strings(node.putArray("unscored"), f.unscored());
        ObjectNode forced = node.putObject("forced");
        new TreeMap<>(f.forced()).forEach((k, v) -> forced.put(k, v.json()));
        return node;
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    /** The plan as indented JSON text (ends with a newline). */
    public static String toText(Plan plan) {
        return MAPPER.writeValueAsString(toJson(plan)) + "\n";
    }

    /** Writes plan.json through a temporary file in the same folder and a rename. */
    public static void write(Plan plan, Path file) throws IOException {
        Path absolute = file.toAbsolutePath();
        Path dir = absolute.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = absolute.resolveSibling("." + absolute.getFileName() + ".tmp");
        Files.writeString(tmp, toText(plan));
        Files.move(tmp, absolute, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    // ---------------------------------------------------------------- reading

    public static Plan read(Path file) throws PlanFormatException {
        JsonNode root = readTree(file, "plan");
        return fromJson(root, file.toString());
    }

    public static Plan fromJson(JsonNode root, String where) throws PlanFormatException {
        Reader r = new Reader(where);
        if (!root.isObject()) {
            throw r.error("", "is not a JSON object");
        }
        int version = root.path("version").asInt(VERSION);
        if (version != VERSION) {
            throw r.error("version", "is " + version + "; this facesweep reads plan version " + VERSION
                    + " (make the plan again with 'facesweep plan')");
        }
        String id = r.string(root, "plan");
        String scan = r.string(root, "scan");
        String rootPath = r.string(root, "root");
        Instant created;
        try {
            created = Instant.parse(r.string(root, "created"));
        } catch (DateTimeParseException e) {
            throw r.error("created", "is not an ISO-8601 instant");
        }
        String model = r.optionalString(root, "model");
        String promptHash = r.optionalString(root, "prompt_hash");
        Thresholds thresholds = thresholds(r.object(root, "thresholds"), r);
        Overrides overrides = root.has("overrides") ? overrides(r.object(root, "overrides"), r) : Overrides.none();
        List<FacesetPlan> facesets = new ArrayList<>();
        JsonNode array = root.get("facesets");
        if (array == null || !array.isArray()) {
            throw r.error("facesets", "is missing or not an array");
        }
        for (int i = 0; i < array.size(); i++) {
            facesets.add(faceset(array.get(i), r, "facesets[" + i + "]"));
        }
        Map<String, InputFile> inputs = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : r.object(root, "inputs").properties()) {
            JsonNode in = e.getValue();
            String field = "inputs." + e.getKey();
            if (!in.isObject() || !in.path("size").isIntegralNumber() || !in.path("sha256").isString()) {
                throw r.error(field, "must be {\"size\": N, \"sha256\": \"...\"}");
            }
            inputs.put(e.getKey(), new InputFile(in.get("size").asLong(), in.get("sha256").asString()));
        }
        try {
            return new Plan(id, scan, rootPath, created, model, promptHash, thresholds, overrides, facesets, inputs);
        } catch (IllegalArgumentException e) {
            throw r.error("", e.getMessage());
        }
    }

    private static Thresholds thresholds(JsonNode node, Reader r) throws PlanFormatException {
        Map<String, Double> attributes = new TreeMap<>();
        JsonNode attrs = node.path("attributes");
        if (attrs.isObject()) {
            for (Map.Entry<String, JsonNode> e : attrs.properties()) {
                attributes.put(e.getKey(), r.number(attrs, e.getKey(), "thresholds.attributes."));
            }
        }
        try {
            return new Thresholds(r.number(node, "image", "thresholds."), attributes,
                    r.number(node, "faceset_fraction", "thresholds."),
                    (int) r.number(node, "min_survivors", "thresholds."),
                    node.has("near_band") ? r.number(node, "near_band", "thresholds.") : Thresholds.DEFAULT_NEAR_BAND);
        } catch (IllegalArgumentException e) {
            throw r.error("thresholds", e.getMessage());
        }
    }

    private static FacesetPlan faceset(JsonNode node, Reader r, String at) throws PlanFormatException {
        if (!node.isObject()) {
            throw r.error(at, "is not an object");
        }
        String name = r.string(node, "name", at + ".");
        Action action;
        try {
            action = Action.fromJson(r.string(node, "action", at + "."));
        } catch (IllegalArgumentException e) {
            throw r.error(at + ".action", e.getMessage());
        }
        String driver = r.optionalString(node, "driver");
        double fraction = r.number(node, "flagged_fraction", at + ".");
        int images = (int) r.number(node, "images", at + ".");
        List<String> drop = r.strings(node, "drop", at + ".");
        int flagged = node.has("flagged") ? (int) r.number(node, "flagged", at + ".") : drop.size();
        Map<String, Integer> flaggedBy = new TreeMap<>();
        JsonNode by = node.path("flagged_by");
        if (by.isObject()) {
            for (Map.Entry<String, JsonNode> e : by.properties()) {
                flaggedBy.put(e.getKey(), e.getValue().asInt());
            }
        }
        Map<String, Force> forced = new TreeMap<>();
        JsonNode f = node.path("forced");
        if (f.isObject()) {
            for (Map.Entry<String, JsonNode> e : f.properties()) {
                try {
                    forced.put(e.getKey(), Force.fromJson(e.getValue().asString()));
                } catch (IllegalArgumentException ex) {
                    throw r.error(at + ".forced." + e.getKey(), ex.getMessage());
                }
            }
        }
        return new FacesetPlan(name, action, driver, fraction, images, flagged, flaggedBy, drop,
                r.strings(node, "unreadable", at + "."), r.optionalStrings(node, "near_threshold", at + "."),
                r.optionalStrings(node, "unscored", at + "."), forced);
    }

    /** Reads an overrides file (format in the class comment). */
    public static Overrides readOverrides(Path file) throws PlanFormatException {
        return overridesFromJson(readTree(file, "overrides"), file.toString());
    }

    /** Parses overrides (e.g. a review page's request body); {@code where} names the source in errors. */
    public static Overrides overridesFromJson(JsonNode node, String where) throws PlanFormatException {
        return overrides(node, new Reader(where));
    }

    private static Overrides overrides(JsonNode node, Reader r) throws PlanFormatException {
        if (!node.isObject()) {
            throw r.error("", "is not a JSON object like {\"images\": {\"faceset_001/faces/x.png\": \"drop\"},"
                    + " \"facesets\": {\"faceset_002\": \"keep\"}}");
        }
        for (String key : node.propertyNames()) {
            if (!key.equals("images") && !key.equals("facesets")) {
                throw r.error(key, "is not a known key (expected \"images\" and/or \"facesets\")");
            }
        }
        Map<String, Force> images = forces(node.path("images"), r, "images");
        Map<String, Force> facesets = forces(node.path("facesets"), r, "facesets");
        try {
            return new Overrides(images, facesets);
        } catch (IllegalArgumentException e) {
            throw r.error("facesets", e.getMessage());
        }
    }

    private static Map<String, Force> forces(JsonNode node, Reader r, String field) throws PlanFormatException {
        Map<String, Force> forces = new TreeMap<>();
        if (node.isMissingNode() || node.isNull()) {
            return forces;
        }
        if (!node.isObject()) {
            throw r.error(field, "must be an object of name -> \"keep\" or \"drop\"");
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isString()) {
                throw r.error(field + "." + e.getKey(), "must be \"keep\" or \"drop\"");
            }
            try {
                forces.put(e.getKey(), Force.fromJson(e.getValue().asString()));
            } catch (IllegalArgumentException ex) {
                throw r.error(field + "." + e.getKey(), ex.getMessage());
            }
        }
        return forces;
    }

    private static JsonNode readTree(Path file, String what) throws PlanFormatException {
        try {
            return MAPPER.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new PlanFormatException(what + " file " + file + " does not exist");
        } catch (IOException e) {
            throw new PlanFormatException("cannot read " + what + " file " + file + ": " + e.getMessage(), e);
        } catch (JacksonException e) {
            throw new PlanFormatException(what + " file " + file + " is not valid JSON: "
                    + e.getOriginalMessage().replaceAll("\\s+", " "), e);
        }
    }

    /** Field access with one-line errors naming the file and field. */
    private static final class Reader {
        private final String where;

        Reader(String where) {
            this.where = where;
        }

        PlanFormatException error(String field, String problem) {
            return new PlanFormatException(where + (field.isEmpty() ? "" : ": " + field) + " " + problem);
        }

        String string(JsonNode node, String field) throws PlanFormatException {
            return string(node, field, "");
        }

        String string(JsonNode node, String field, String prefix) throws PlanFormatException {
            JsonNode v = node.get(field);
            if (v == null || !v.isString()) {
                throw error(prefix + field, "is missing or not a string");
            }
            return v.asString();
        }

        String optionalString(JsonNode node, String field) {
            JsonNode v = node.get(field);
            return v == null || !v.isString() ? null : v.asString();
        }

        double number(JsonNode node, String field, String prefix) throws PlanFormatException {
            JsonNode v = node.get(field);
            if (v == null || !v.isNumber()) {
                throw error(prefix + field, "is missing or not a number");
            }
            return v.asDouble();
        }

        ObjectNode object(JsonNode node, String field) throws PlanFormatException {
            JsonNode v = node.get(field);
            if (v == null || !v.isObject()) {
                throw error(field, "is missing or not an object");
            }
            return (ObjectNode) v;
        }

        List<String> strings(JsonNode node, String field, String prefix) throws PlanFormatException {
            JsonNode v = node.get(field);
            if (v == null || !v.isArray()) {
                throw error(prefix + field, "is missing or not an array of strings");
            }
            List<String> out = new ArrayList<>();
            for (JsonNode item : v) {
                if (!item.isString()) {
                    throw error(prefix + field, "holds a non-string");
                }
                out.add(item.asString());
            }
            return out;
        }

        List<String> optionalStrings(JsonNode node, String field, String prefix) throws PlanFormatException {
            return node.has(field) ? strings(node, field, prefix) : List.of();
        }
    }
}
