package dev.facesweep.coordinator.apply;

import dev.facesweep.coordinator.cli.Environment;
import dev.facesweep.coordinator.cli.ExitCode;
import dev.facesweep.coordinator.cli.JsonOutput;
import dev.facesweep.coordinator.cli.StateOptions;
import dev.facesweep.coordinator.cli.UsageError;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.node.ObjectNode;

/** {@code facesweep history}. */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "Lists applies and reverts, oldest first, with their operation counts.")
public final class HistoryCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    StateOptions stateOptions = new StateOptions();

    @Option(names = "--json", description = "One JSON line per apply or revert.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<HistoryEntry> entries;
        try {
            entries = ApplyCommands.applies(stateOptions.stateDir(Environment.current(), null), err, false).history();
        } catch (ApplyException e) {
            throw new UsageError(e.getMessage(), e);
        }
        for (HistoryEntry e : entries) {
            if (json) {
                ObjectNode node = JsonOutput.object();
                node.put("kind", e.kind());
                node.put("apply", e.applyId());
                node.put("time", e.time().toString());
                node.put("plan", e.planId());
                node.put("root", e.root());
                node.put("state", e.state());
                ObjectNode ops = node.putObject("ops");
                e.ops().forEach(ops::put);
                node.put("failed", e.failed());
                node.put("problems", e.problems());
                out.println(JsonOutput.line(node));
            } else {
                StringBuilder counts = new StringBuilder();
                e.ops().forEach((type, n) -> counts.append(counts.length() == 0 ? "" : ", ").append(type)
                        .append(' ').append(n));
                out.println(String.format(Locale.ROOT, "%-20s %-6s %-24s %-12s %s%s", e.time(), e.kind(),
                        e.applyId(), e.state(), counts.length() == 0 ? "no operations" : counts,
                        e.failed() > 0 ? " (" + e.failed() + " failed)" : ""));
            }
        }
        if (entries.isEmpty() && !json) {
            out.println("no applies yet");
        }
        return ExitCode.OK;
    }
}
