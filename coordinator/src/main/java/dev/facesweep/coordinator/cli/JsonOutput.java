package dev.facesweep.coordinator.cli;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** One JSON mapper for machine-readable output: compact, one object per line. */
public final class JsonOutput {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private JsonOutput() {
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** {@code value} as one line of JSON. */
    public static String line(Object value) {
        return MAPPER.writeValueAsString(value);
    }

    public static JsonMapper mapper() {
        return MAPPER;
    }
}
