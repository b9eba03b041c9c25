package dev.facesweep.coordinator.apply;

import java.time.Instant;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The fixed facts of one apply ({@code apply.json} in its folder).
 *
 * @param planFile the plan file as given on the command line (a copy is kept as {@code plan.json})
 * @param ops number of operations in the program
 */
record ApplyHeader(String id, String planId, String scanId, String root, Instant created, String planFile,
        int ops) {

    ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("apply", id);
        n.put("plan", planId);
        n.put("scan", scanId);
        n.put("root", root);
        n.put("created", created.toString());
        n.put("plan_file", planFile);
        n.put("ops", ops);
        return n;
    }

    static ApplyHeader fromJson(JsonNode n) {
        return new ApplyHeader(n.get("apply").asString(), n.get("plan").asString(), n.path("scan").asString(null),
                n.get("root").asString(), Instant.parse(n.get("created").asString()),
                n.path("plan_file").asString(null), n.get("ops").asInt());
    }
}
