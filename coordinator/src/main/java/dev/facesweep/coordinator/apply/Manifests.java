package dev.facesweep.coordinator.apply;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Edits of the corpus manifests. Unknown fields and key order are kept; the text is written back in the style it
 * was found in ({@link JsonStyle}).
 *
 * <ul>
 *   <li>Per-face-set {@code manifest.json}: the {@code faces[]} entries that name a pruned image are removed. An
 *       entry names an image when it is a string, or an object with a top-level string field, equal to the file
 *       name or ending with {@code /name} or {@code \name}.</li>
 *   <li>Master {@code manifest.json}: {@code masked[]} / {@code thin[]} entries are appended and the
 *       {@code occlusion_filter_run} block is set (an earlier block is appended to
 *       {@code occlusion_filter_run_history[]}; if {@code occlusion_filter_run} is already an array, the new block
 *       is appended to it instead).</li>
 * </ul>
 */
final class Manifests {

    static final String FACES = "faces";
    static final String MASKED = "masked";
    static final String THIN = "thin";
    static final String RUN = "occlusion_filter_run";
    static final String RUN_HISTORY = "occlusion_filter_run_history";

    /** A manifest we must not edit; the message says why in one line. */
    static final class MalformedManifest extends Exception {
        MalformedManifest(String message) {
            super(message);
        }
    }

    /**
     * The result of editing a face set's manifest.
     *
     * @param text the new text (equal to the input when nothing matched)
     * @param removed the removed entries, as compact JSON, in their original order
     */
    record FacesetEdit(String text, List<String> removed) {
    }

    private Manifests() {
    }

    static FacesetEdit editFaceset(String text, Set<String> droppedNames) throws MalformedManifest {
        JsonNode root = parse(text);
        if (!root.isObject()) {
            throw new MalformedManifest("is not a JSON object");
        }
        JsonNode faces = root.get(FACES);
        if (faces == null) {
            return new FacesetEdit(text, List.of());
        }
        if (!faces.isArray()) {
            throw new MalformedManifest("\"faces\" is not an array");
        }
        List<String> removed = new ArrayList<>();
        Iterator<JsonNode> it = faces.values().iterator();
        ArrayNode keep = JsonNodeFactory.instance.arrayNode();
        while (it.hasNext()) {
            JsonNode entry = it.next();
            if (names(entry, droppedNames)) {
                removed.add(entry.toString());
            } else {
                keep.add(entry);
            }
        }
        if (removed.isEmpty()) {
            return new FacesetEdit(text, List.of());
        }
        ((ObjectNode) root).set(FACES, keep);
        return new FacesetEdit(JsonStyle.detect(text).write(root), removed);
    }

    /** Whether a faces[] entry names one of the files. */
    static boolean names(JsonNode entry, Set<String> fileNames) {
        if (entry.isString()) {
            return namesFile(entry.asString(), fileNames);
        }
        if (entry.isObject()) {
            for (Map.Entry<String, JsonNode> field : entry.properties()) {
                if (field.getValue().isString() && namesFile(field.getValue().asString(), fileNames)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean namesFile(String value, Set<String> fileNames) {
        int cut = Math.max(value.lastIndexOf('/'), value.lastIndexOf('\\'));
        return fileNames.contains(value.substring(cut + 1));
    }

    /**
     * Adds the apply's entries and provenance block to the master manifest.
     *
     * @param text the current text, or null when there is no master manifest (one is created in Python's
     *     indent-2 style)
     */
    static String editMaster(String text, List<ObjectNode> masked, List<ObjectNode> thin, ObjectNode run)
            throws MalformedManifest {
        ObjectNode root;
        JsonStyle style;
        if (text == null) {
            root = JsonNodeFactory.instance.objectNode();
            style = JsonStyle.pythonIndent2();
        } else {
            JsonNode parsed = parse(text);
            if (!parsed.isObject()) {
                throw new MalformedManifest("is not a JSON object");
            }
            root = (ObjectNode) parsed;
            style = JsonStyle.detect(text);
        }
        append(root, MASKED, masked);
        append(root, THIN, thin);
        JsonNode previous = root.get(RUN);
        if (previous != null && previous.isArray()) {
            ((ArrayNode) previous).add(run);
        } else {
            if (previous != null) {
                JsonNode history = root.get(RUN_HISTORY);
                if (history != null && !history.isArray()) {
                    throw new MalformedManifest("\"" + RUN_HISTORY + "\" is not an array");
                }
                if (history == null) {
                    history = root.putArray(RUN_HISTORY);
                }
                ((ArrayNode) history).add(previous);
            }
            root.set(RUN, run);
        }
        return style.write(root);
    }

    /** Checks that the master manifest can take the edit (without making it). */
    static void checkMaster(String text) throws MalformedManifest {
        JsonNode parsed = parse(text);
        if (!parsed.isObject()) {
            throw new MalformedManifest("is not a JSON object");
        }
        for (String key : List.of(MASKED, THIN)) {
            JsonNode node = parsed.get(key);
            if (node != null && !node.isArray()) {
                throw new MalformedManifest("\"" + key + "\" is not an array");
            }
        }
        JsonNode run = parsed.get(RUN);
        JsonNode history = parsed.get(RUN_HISTORY);
        if (run != null && !run.isArray() && history != null && !history.isArray()) {
            throw new MalformedManifest("\"" + RUN_HISTORY + "\" is not an array");
        }
    }

    private static void append(ObjectNode root, String key, List<ObjectNode> entries) throws MalformedManifest {
        JsonNode node = root.get(key);
        if (node != null && !node.isArray()) {
            throw new MalformedManifest("\"" + key + "\" is not an array");
        }
        if (entries.isEmpty()) {
            return;
        }
        ArrayNode array = node == null ? root.putArray(key) : (ArrayNode) node;
        entries.forEach(array::add);
    }

    private static JsonNode parse(String text) throws MalformedManifest {
        try {
            return JsonStyle.parse(text);
        } catch (JacksonException e) {
            throw new MalformedManifest("is not valid JSON (" + e.getOriginalMessage().replaceAll("\\s+", " ") + ")");
        }
    }
}
