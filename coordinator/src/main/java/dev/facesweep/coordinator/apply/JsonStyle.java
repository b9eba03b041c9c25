package dev.facesweep.coordinator.apply;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The formatting of a JSON file as found (indentation, separators, ASCII escaping, final newline), so that a
 * rewritten manifest looks like its original: Python's {@code json.dump(indent=2)} output stays in that style,
 * a compact one stays compact. Key order and unknown fields are kept because the tree keeps them.
 *
 * @param indent one level of indentation, or null for everything on one line
 * @param itemSeparator between array items and object members on one line ({@code ", "} or {@code ","})
 * @param keySeparator between a key and its value ({@code ": "}, {@code ":"} or {@code " : "})
 * @param asciiOnly escape every non-ASCII character as {@code \\uXXXX} (Python's default)
 * @param newline line ending ({@code "\n"} or {@code "\r\n"})
 * @param finalNewline whether the file ends with a line ending
 */
record JsonStyle(String indent, String itemSeparator, String keySeparator, boolean asciiOnly, String newline,
        boolean finalNewline) {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(JsonNodeFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();
    private static final Pattern KEY_SEPARATOR = Pattern.compile("\"([ \\t]*):([ \\t]*)");
    private static final Pattern INDENTED_LINE = Pattern.compile("\\n([ \\t]+)\\S");
    private static final Pattern ITEM_SEPARATOR = Pattern.compile(",([ \\t]*)[\"\\[{0-9tfn-]");
    private static final Pattern ASCII_ESCAPE = Pattern.compile("\\\\u([0-9a-fA-F]{4})");

    /** Python's {@code json.dump(obj, f, indent=2)} followed by a newline. */
    static JsonStyle pythonIndent2() {
        return new JsonStyle("  ", ",", ": ", true, "\n", true);
    }

    /** Reads JSON text into a tree that keeps key order and number text as far as possible. */
    static JsonNode parse(String text) throws JacksonException {
        return MAPPER.readTree(text);
    }

    /** Guesses the style of existing JSON text. */
    static JsonStyle detect(String text) {
        String newline = text.contains("\r\n") ? "\r\n" : "\n";
        String trimmed = text.strip();
        boolean multiLine = trimmed.indexOf('\n') >= 0;
        String indent = null;
        if (multiLine) {
            Matcher m = INDENTED_LINE.matcher(trimmed.replace("\r\n", "\n"));
            indent = m.find() ? m.group(1) : "";
        }
        String keySeparator = ": ";
        Matcher k = KEY_SEPARATOR.matcher(trimmed);
        if (k.find()) {
            keySeparator = k.group(1) + ":" + k.group(2);
        }
        String itemSeparator = ", ";
        if (!multiLine) {
            Matcher i = ITEM_SEPARATOR.matcher(trimmed);
            if (i.find()) {
                itemSeparator = "," + i.group(1);
            }
        } else {
            itemSeparator = ",";
        }
        boolean sawEscapedNonAscii = false;
        Matcher e = ASCII_ESCAPE.matcher(text);
        while (e.find()) {
            if (Integer.parseInt(e.group(1), 16) >= 0x80) {
                sawEscapedNonAscii = true;
                break;
            }
        }
        boolean sawRawNonAscii = text.chars().anyMatch(c -> c >= 0x80);
        boolean asciiOnly = sawEscapedNonAscii || !sawRawNonAscii;
        boolean finalNewline = text.endsWith("\n");
        return new JsonStyle(indent, itemSeparator, keySeparator, asciiOnly, newline, finalNewline);
    }

    /** The tree as text in this style. */
    String write(JsonNode node) {
        StringBuilder sb = new StringBuilder();
        write(node, 0, sb);
        if (finalNewline) {
            sb.append(newline);
        }
        return sb.toString();
    }

    private void write(JsonNode node, int depth, StringBuilder sb) {
        if (node.isObject()) {
            if (node.isEmpty()) {
                sb.append("{}");
                return;
            }
            sb.append('{');
            Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
            boolean first = true;
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                separator(first, depth + 1, sb);
                first = false;
                string(e.getKey(), sb);
                sb.append(keySeparator);
                write(e.getValue(), depth + 1, sb);
            }
            close(depth, sb);
            sb.append('}');
        } else if (node.isArray()) {
            if (node.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append('[');
            boolean first = true;
            for (JsonNode item : node) {
                separator(first, depth + 1, sb);
                first = false;
                write(item, depth + 1, sb);
            }
            close(depth, sb);
            sb.append(']');
        } else if (node.isString()) {
            string(node.asString(), sb);
        } else if (node.isNumber()) {
            if (node.isBigDecimal()) {
                BigDecimal d = node.decimalValue();
                String s = d.toString();
                sb.append(s.indexOf('.') < 0 && s.indexOf('E') < 0 ? d.setScale(1).toString() : s);
            } else if (node.isFloatingPointNumber()) {
                sb.append(BigDecimal.valueOf(node.asDouble()).toString());
            } else {
                sb.append(node.numberValue().toString());
            }
        } else if (node.isBoolean()) {
            sb.append(node.asBoolean());
        } else {
            sb.append("null");
        }
    }

    private void separator(boolean first, int depth, StringBuilder sb) {
        if (indent != null) {
            if (!first) {
                sb.append(',');
            }
            sb.append(newline).append(indent.repeat(depth));
        } else if (!first) {
            sb.append(itemSeparator);
        }
    }

    private void close(int depth, StringBuilder sb) {
        if (indent != null) {
            sb.append(newline).append(indent.repeat(depth));
        }
    }

    private void string(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || (asciiOnly && c > 0x7f)) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
