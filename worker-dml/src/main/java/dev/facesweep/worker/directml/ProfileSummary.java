package dev.facesweep.worker.directml;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where ONNX Runtime ran a model's nodes, read from its profiling JSON (Chrome trace events; node events have
 * {@code "cat": "Node"} and {@code args.provider}). Memory-copy nodes ({@code Memcpy*}), which exist only to move
 * tensors between providers, are left out of the counts.
 *
 * @param nodesByProvider distinct nodes per execution provider name (e.g. {@code DmlExecutionProvider})
 * @param microsByProvider summed kernel time per provider
 */
record ProfileSummary(Map<String, Integer> nodesByProvider, Map<String, Long> microsByProvider) {

    static final String DML = "DmlExecutionProvider";

    /** @throws IllegalArgumentException when the text is not an ONNX Runtime profile */
    static ProfileSummary parse(String json) {
        JsonNode events;
        try {
            events = JsonMapper.shared().readTree(json);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("the profile is not JSON: " + e.getOriginalMessage(), e);
        }
        if (events == null || !events.isArray()) {
            throw new IllegalArgumentException("the profile is not a JSON array of trace events");
        }
        Map<String, Set<String>> nodes = new HashMap<>();
        Map<String, Long> micros = new HashMap<>();
        for (JsonNode event : events) {
            if (!"Node".equals(event.path("cat").asString(""))) {
                continue;
            }
            JsonNode args = event.path("args");
            String provider = args.path("provider").asString("");
            String op = args.path("op_name").asString("");
            if (provider.isEmpty() || op.startsWith("Memcpy")) {
                continue;
            }
            String name = event.path("name").asString("");
            String node = name.endsWith("_kernel_time") ? name.substring(0, name.length() - "_kernel_time".length())
                    : name;
            nodes.computeIfAbsent(provider, p -> new HashSet<>()).add(node);
            micros.merge(provider, event.path("dur").asLong(0), Long::sum);
        }
        Map<String, Integer> counts = new HashMap<>();
        nodes.forEach((p, set) -> counts.put(p, set.size()));
        return new ProfileSummary(Map.copyOf(counts), Map.copyOf(micros));
    }

    int totalNodes() {
        return nodesByProvider.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Share of the nodes that ran on {@code provider}; 0 when the profile has no node events. */
    double nodeFraction(String provider) {
        int total = totalNodes();
        return total == 0 ? 0 : (double) nodesByProvider.getOrDefault(provider, 0) / total;
    }

    /** Share of the kernel time spent on {@code provider}. */
    double timeFraction(String provider) {
        long total = microsByProvider.values().stream().mapToLong(Long::longValue).sum();
        return total == 0 ? 0 : (double) microsByProvider.getOrDefault(provider, 0L) / total;
    }
}
