package dev.facesweep.coordinator.apply;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** What a journal says happened: per operation its last intent, done and failure lines; whether it finished. */
final class JournalState {

    final Map<Integer, JsonNode> intents = new HashMap<>();
    final Map<Integer, JsonNode> done = new HashMap<>();
    final Map<Integer, String> failed = new HashMap<>();
    final java.util.List<String> problems = new java.util.ArrayList<>();
    final java.util.List<String> notes = new java.util.ArrayList<>();
    JsonNode start;
    JsonNode finish;

    static JournalState read(Path file) throws IOException {
        JournalState s = new JournalState();
        for (JsonNode line : Journal.read(file)) {
            String event = line.path("event").asString("");
            int op = line.path("op").asInt(0);
            switch (event) {
                case "start" -> {
                    if (s.start == null) {
                        s.start = line;
                    }
                    s.finish = null;
                }
                case "intent" -> s.intents.put(op, line);
                case "done" -> {
                    s.done.put(op, line);
                    s.failed.remove(op);
                }
                case "failed" -> s.failed.put(op, line.path("error").asString(""));
                case "finish" -> s.finish = line;
                case "problem" -> {
                    if (!s.problems.contains(line.path("message").asString(""))) {
                        s.problems.add(line.path("message").asString(""));
                    }
                }
                case "note" -> {
                    if (!s.notes.contains(line.path("message").asString(""))) {
                        s.notes.add(line.path("message").asString(""));
                    }
                }
                default -> {
                    // skipped and future events carry nothing a reader needs
                }
            }
        }
        return s;
    }

    boolean started() {
        return start != null;
    }

    boolean finished() {
        return finish != null;
    }

    boolean hasIntent(int op) {
        return intents.containsKey(op);
    }

    boolean isDone(int op) {
        return done.containsKey(op);
    }
}
