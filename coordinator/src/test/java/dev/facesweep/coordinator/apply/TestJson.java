package dev.facesweep.coordinator.apply;

import java.util.Iterator;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small JSON writer for generated manifests, independent of the code under test. */
final class TestJson {

    static final JsonMapper MAPPER = JsonMapper.builder().build();

    /**
     * @param indent null for one line
     * @param items separator between items on one line
     * @param colon separator between key and value
     */
    record Style(String indent, String items, String colon, boolean ascii, boolean finalNewline) {
    }

    private TestJson() {
    }

    static String write(JsonNode node, Style style) {
        StringBuilder sb = new StringBuilder();
        write(node, style, 0, sb);
        if (style.finalNewline()) {
            sb.append('\n');
        }
        return sb.toString();
    }

    private static void write(JsonNode node, Style s, int depth, StringBuilder sb) {
        if (node.isObject() || node.isArray()) {
            boolean object = node.isObject();
            if (node.isEmpty()) {
                sb.append(object ? "{}" : "[]");
                return;
            }
            sb.append(object ? '{' : '[');
            int i = 0;
            if (object) {
                Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> e = it.next();
                    gap(s, depth + 1, i++ == 0, sb);
                    str(e.getKey(), s.ascii(), sb);
                    sb.append(s.colon());
                    write(e.getValue(), s, depth + 1, sb);
                }
            } else {
                for (JsonNode item : node) {
                    gap(s, depth + 1, i++ == 0, sb);
                    write(item, s, depth + 1, sb);
                }
            }
            if (s.indent() != null) {
                sb.append('\n').append(s.indent().repeat(depth));
            }
            sb.append(object ? '}' : ']');
        } else if (node.isString()) {
            str(node.asString(), s.ascii(), sb);
        } else {
            sb.append(node.toString());
        }
    }

    private static void gap(Style s, int depth, boolean first, StringBuilder sb) {
        if (s.indent() != null) {
            sb.append(first ? "" : ",").append('\n').append(s.indent().repeat(depth));
        } else if (!first) {
            sb.append(s.items());
        }
    }

    private static void str(String value, boolean ascii, StringBuilder sb) {
        sb.append('"');
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || (ascii && c > 0x7e)) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        sb.append('"');
    }
}
