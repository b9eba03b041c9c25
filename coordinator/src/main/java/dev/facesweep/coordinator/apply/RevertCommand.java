package dev.facesweep.coordinator.apply;

import dev.facesweep.coordinator.cli.Environment;
import dev.facesweep.coordinator.cli.ExitCode;
import dev.facesweep.coordinator.cli.JsonOutput;
import dev.facesweep.coordinator.cli.StateOptions;
import dev.facesweep.coordinator.cli.UsageError;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.node.ObjectNode;

/** {@code facesweep revert APPLY_ID|latest}. */
@Command(name = "revert", mixinStandardHelpOptions = true,
        description = {"Undoes an apply (finished or killed) by replaying its journal backwards: the tree is restored"
                + " byte for byte (images, face sets, .fsz archives, manifests).",
            "Everything is checked first: if something it must restore was changed since the apply, it refuses"
                + " naming the files (exit 2) and changes nothing. A killed revert can be run again."})
public final class RevertCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "APPLY_ID|latest", description = "The apply to undo; 'latest' is the"
            + " newest apply not reverted yet.")
    String applyId;

    @Mixin
    StateOptions stateOptions = new StateOptions();

    @Option(names = "--json", description = "Print one JSON line.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ApplyOutcome outcome;
        try {
            Path state = stateOptions.stateDir(Environment.current(), null);
            outcome = ApplyCommands.applies(state, err, !json).revert(applyId);
        } catch (ApplyException e) {
            throw new UsageError(e.getMessage(), e);
        }
        if (json) {
            ObjectNode node = JsonOutput.object();
            node.put("revert", outcome.applyId());
            ApplyCommands.counts(node, "undone", outcome.done());
            ApplyCommands.lines(node, "notes", outcome.notes());
            out.println(JsonOutput.line(node));
        } else {
            outcome.notes().forEach(n -> out.println("note: " + n));
            out.println("reverted " + outcome.applyId() + ": undid " + ApplyCommands.countsText(outcome.done()));
        }
        return ExitCode.OK;
    }
}
