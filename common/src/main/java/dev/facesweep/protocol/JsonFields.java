package dev.facesweep.protocol;

import dev.facesweep.corpus.ContentHash;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Strict, path-aware reading of one JSON object; every failure names the field, e.g. {@code images[2].id}. */
final class JsonFields {

    private final JsonNode node;
    private final String path;

    private JsonFields(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    static JsonFields root(JsonNode node) throws MalformedMessageException {
        if (node == null || !node.isObject()) {
            throw new MalformedMessageException("not a JSON object");
        }
        return new JsonFields(node, "");
    }

    boolean has(String name) {
        JsonNode value = node.get(name);
        return value != null && !value.isNull();
    }

    String string(String name) throws MalformedMessageException {
        JsonNode value = required(name);
        if (!value.isString()) {
            throw wrongType(name, "a string", value);
        }
        return value.stringValue();
    }

    String nonEmptyString(String name) throws MalformedMessageException {
        String value = string(name);
        if (value.isBlank()) {
            throw new MalformedMessageException(field(name) + " is empty");
        }
        return value;
    }

    /** A string, or null when the field is missing or null. */
    String optionalString(String name) throws MalformedMessageException {
        return has(name) ? string(name) : null;
    }

    String sha256(String name) throws MalformedMessageException {
        String value = string(name);
        if (!ContentHash.isSha256Hex(value)) {
            throw new MalformedMessageException(field(name) + " must be a sha256 (64 lowercase hex digits), got '"
                    + abbreviate(value) + "'");
        }
        return value;
    }

    int integer(String name) throws MalformedMessageException {
        JsonNode value = required(name);
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw wrongType(name, "an integer", value);
        }
        return value.intValue();
    }

    double number(String name) throws MalformedMessageException {
        JsonNode value = required(name);
        if (!value.isNumber()) {
            throw wrongType(name, "a number", value);
        }
        return value.doubleValue();
    }

    /** Base64 bytes, or null when the field is missing or null. */
    byte[] optionalBase64(String name) throws MalformedMessageException {
        if (!has(name)) {
            return null;
        }
        String text = string(name);
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException(field(name) + " is not valid base64 (" + e.getMessage() + ")");
        }
    }

    JsonFields object(String name) throws MalformedMessageException {
        JsonNode value = required(name);
        if (!value.isObject()) {
            throw wrongType(name, "an object", value);
        }
        return new JsonFields(value, field(name));
    }

    List<JsonFields> objects(String name) throws MalformedMessageException {
        JsonNode value = required(name);
        if (!value.isArray()) {
            throw wrongType(name, "an array", value);
        }
        List<JsonFields> items = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            String itemPath = field(name) + "[" + i + "]";
            if (!item.isObject()) {
                throw new MalformedMessageException(itemPath + " must be an object, got " + typeOf(item));
            }
            items.add(new JsonFields(item, itemPath));
        }
        return items;
    }

    /** An object of name to number, in document order; empty when the field is missing or null. */
    Map<String, Double> optionalNumberMap(String name) throws MalformedMessageException {
        Map<String, Double> map = new LinkedHashMap<>();
        if (!has(name)) {
            return map;
        }
        JsonFields object = object(name);
        for (Map.Entry<String, JsonNode> entry : object.node.properties()) {
            if (!entry.getValue().isNumber()) {
                throw object.wrongType(entry.getKey(), "a number", entry.getValue());
            }
            map.put(entry.getKey(), entry.getValue().doubleValue());
        }
        return map;
    }

    String field(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private JsonNode required(String name) throws MalformedMessageException {
        JsonNode value = node.get(name);
        if (value == null) {
            throw new MalformedMessageException("missing field " + field(name));
        }
        if (value.isNull()) {
            throw new MalformedMessageException("field " + field(name) + " is null");
        }
        return value;
    }

    private MalformedMessageException wrongType(String name, String expected, JsonNode value) {
        return new MalformedMessageException(field(name) + " must be " + expected + ", got " + typeOf(value));
    }

    private static String typeOf(JsonNode value) {
        if (value.isNumber()) {
            return value.isIntegralNumber() ? "the integer " + abbreviate(value.toString())
                    : "the number " + abbreviate(value.toString());
        }
        if (value.isString()) {
            return "the string '" + abbreviate(value.stringValue()) + "'";
        }
        return value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String abbreviate(String s) {
        String oneLine = s.replaceAll("\\s+", " ");
        return oneLine.length() <= 40 ? oneLine : oneLine.substring(0, 40) + "...";
    }
}
