package dev.facesweep.coordinator.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The Grafana dashboard's panels and their PromQL, with Grafana's variables substituted for a test. */
record Dashboard(JsonNode json, List<Panel> panels) {

    /** A panel with a query: its title and each target's expression as written. */
    record Panel(String title, String type, List<String> exprs) {
    }

    static Dashboard load(Path file) throws IOException {
        JsonNode json = JsonMapper.shared().readTree(Files.readString(file));
        List<Panel> panels = new ArrayList<>();
        collect(json.path("panels"), panels);
        return new Dashboard(json, panels);
    }

    private static void collect(JsonNode list, List<Panel> out) {
        for (JsonNode panel : list) {
            if (panel.path("type").asString().equals("row")) {
                collect(panel.path("panels"), out);
                continue;
            }
            List<String> exprs = new ArrayList<>();
            for (JsonNode target : panel.path("targets")) {
                exprs.add(target.path("expr").asString());
            }
            out.add(new Panel(panel.path("title").asString(), panel.path("type").asString(), exprs));
        }
    }

    /**
     * {@code expr} with Grafana's variables replaced: {@code $name} / {@code ${name}} from {@code values},
     * {@code $__rate_interval} and {@code $__interval} by {@code rateInterval}.
     */
    static String substitute(String expr, Map<String, String> values, String rateInterval) {
        String out = expr.replace("$__rate_interval", rateInterval).replace("${__rate_interval}", rateInterval)
                .replace("$__interval", rateInterval);
        for (Map.Entry<String, String> v : values.entrySet()) {
            out = out.replace("${" + v.getKey() + "}", v.getValue()).replace("$" + v.getKey(), v.getValue());
        }
        if (out.contains("$")) {
            throw new AssertionError("unsubstituted variable in " + out);
        }
        return out;
    }
}
