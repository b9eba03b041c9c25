package dev.facesweep.coordinator.scan;

import dev.facesweep.scoring.PromptSet;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A prompt set as stored with a scan: the YAML shape written as JSON (which {@link PromptSet#parse} reads back),
 * thresholds included, so a plan made from the scan knows them.
 */
final class PromptSetJson {

    private PromptSetJson() {
    }

    static String write(PromptSet set) {
        JsonMapper mapper = JsonMapper.shared();
        ObjectNode root = mapper.createObjectNode();
        ObjectNode attributes = root.putObject("attributes");
        for (PromptSet.Attribute a : set.attributes().values()) {
            ObjectNode node = attributes.putObject(a.name());
            ArrayNode positive = node.putArray("positive");
            a.positive().forEach(positive::add);
            ArrayNode negative = node.putArray("negative");
            a.negative().forEach(negative::add);
            a.threshold().ifPresent(t -> node.put("threshold", t));
        }
        return mapper.writeValueAsString(root);
    }
}
