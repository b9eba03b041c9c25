package dev.facesweep.coordinator.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;

/** Runs the command line in-process and captures what it prints. */
public final class CliRunner {

    /** Exit code, stdout and stderr of one run. */
    public record Result(int exit, String out, String err) {

        public List<String> outLines() {
            return out.isEmpty() ? List.of() : Arrays.asList(out.split("\\R"));
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    private CliRunner() {
    }

    public static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code;
        try (PrintWriter o = new PrintWriter(out); PrintWriter e = new PrintWriter(err)) {
            code = FacesweepCli.run(args, o, e);
        }
        return new Result(code, out.toString(), err.toString());
    }
}
