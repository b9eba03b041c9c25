package dev.facesweep.coordinator.scan;

import dev.facesweep.coordinator.cli.FacesweepCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Runs the command line in-process and keeps what it printed. */
record Cli(int exitCode, String out, String err) {

    static Cli run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = FacesweepCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Cli(code, out.toString(), err.toString());
    }

    List<String> outLines() {
        return out.lines().filter(l -> !l.isBlank()).toList();
    }

    /** The last line of stdout as JSON. */
    JsonNode lastJson() {
        List<String> lines = outLines();
        if (lines.isEmpty()) {
            throw new AssertionError("no output; stderr was: " + err);
        }
        return JsonMapper.shared().readTree(lines.get(lines.size() - 1));
    }

    List<JsonNode> jsonLines() {
        return outLines().stream().map(l -> JsonMapper.shared().readTree(l)).toList();
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
