package dev.facesweep.coordinator.apply;

import dev.facesweep.coordinator.plan.InputFile;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One planned operation of an apply. Paths are relative to the corpus root with forward slashes.
 *
 * @param seq position in the program, from 1
 * @param path the folder to create, the file or folder to move, or the file to rewrite
 * @param to where a move goes; null otherwise
 * @param before size and sha256 of the moved or rewritten file before the op; null for folders and for a master
 *     manifest that does not exist yet
 * @param faceset the face set the op belongs to; null for shared folders and the master manifest
 * @param names for rewrites of a face set's .fsz or manifest: the file names of the pruned images
 * @param temp for rewrites: the temporary file next to {@code path} that is renamed over it
 * @param backup for rewrites of an existing file: where the original is kept, relative to the apply's folder
 * @param renamed for moves: the natural target name was taken, so a suffix was added
 */
record Op(int seq, OpType type, String path, String to, InputFile before, String faceset, List<String> names,
        String temp, String backup, boolean renamed) {

    Op {
        names = names == null ? List.of() : List.copyOf(names);
    }

    /** A one-line description for dry runs and messages. */
    String describe() {
        return switch (type) {
            case MKDIR -> "create folder " + path + "/";
            case MOVE -> "move " + path + " -> " + to + (renamed ? " (name taken, suffix added)" : "");
            case MOVE_DIR -> "move face set " + path + "/ -> " + to + "/" + (renamed ? " (name taken, suffix added)"
                    : "");
            case REWRITE_FSZ -> "rebuild " + path + " without " + names.size() + " pruned image(s)";
            case REWRITE_MANIFEST -> "edit " + path + ": remove the faces[] entries of " + names.size()
                    + " pruned image(s)";
            case UPDATE_MASTER -> (before == null ? "create " : "edit ") + path
                    + ": masked[]/thin[] entries and the occlusion_filter_run block";
        };
    }

    ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("op", seq);
        n.put("type", type.json());
        n.put("path", path);
        if (to != null) {
            n.put("to", to);
        }
        if (before != null) {
            n.put("size", before.size());
            n.put("sha256", before.sha256());
        }
        if (faceset != null) {
            n.put("faceset", faceset);
        }
        if (!names.isEmpty()) {
            ArrayNode a = n.putArray("names");
            names.forEach(a::add);
        }
        if (temp != null) {
            n.put("temp", temp);
        }
        if (backup != null) {
            n.put("backup", backup);
        }
        if (renamed) {
            n.put("renamed", true);
        }
        return n;
    }

    static Op fromJson(JsonNode n) {
        InputFile before = n.has("sha256") ? new InputFile(n.get("size").asLong(), n.get("sha256").asString()) : null;
        List<String> names = new ArrayList<>();
        n.path("names").forEach(x -> names.add(x.asString()));
        return new Op(n.get("op").asInt(), OpType.fromJson(n.get("type").asString()), n.get("path").asString(),
                text(n, "to"), before, text(n, "faceset"), names, text(n, "temp"), text(n, "backup"),
                n.path("renamed").asBoolean(false));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asString();
    }
}
