package dev.facesweep.coordinator.apply;

import dev.facesweep.coordinator.cli.Environment;
import dev.facesweep.coordinator.cli.ExitCode;
import dev.facesweep.coordinator.cli.JsonOutput;
import dev.facesweep.coordinator.cli.StateOptions;
import dev.facesweep.coordinator.cli.UsageError;
import dev.facesweep.coordinator.plan.Plan;
import dev.facesweep.coordinator.plan.PlanFormatException;
import dev.facesweep.coordinator.plan.PlanJson;
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

/** {@code facesweep apply PLAN.json [--dry-run]} and {@code facesweep apply --resume APPLY_ID}. */
@Command(name = "apply", mixinStandardHelpOptions = true,
        description = {"Applies a plan reversibly: pruned images move to faces/_dropped/, quarantined face sets to"
                + " _masked/ or _thin/, .fsz archives are rebuilt without the pruned images, manifests updated.",
            "Every input's size and sha256 is checked first (exit 2 naming the changed files). Every step goes"
                + " through a journal in <state>/applies/<id>/; originals of rewritten files are kept there. Prints"
                + " the apply id: undo with 'facesweep revert ID'. See docs/apply.md."})
public final class ApplyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PLAN.json", description = "The plan to apply.")
    Path planFile;

    @Option(names = "--resume", paramLabel = "APPLY_ID", description = "Finish a killed or partly failed apply.")
    String resume;

    @Option(names = "--dry-run", description = "Print every operation it would do; change nothing.")
    boolean dryRun;

    @Mixin
    StateOptions stateOptions = new StateOptions();

    @Option(names = "--json", description = "Print one JSON line.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if ((planFile == null) == (resume == null)) {
            throw new UsageError("give either PLAN.json or --resume APPLY_ID");
        }
        if (resume != null && dryRun) {
            throw new UsageError("--dry-run goes with PLAN.json, not --resume");
        }
        try {
            if (resume != null) {
                Applies applies = ApplyCommands.applies(stateOptions.stateDir(Environment.current(), null), err, !json);
                return report(applies.resume(resume), out, err, "resumed");
            }
            Plan plan;
            try {
                plan = PlanJson.read(planFile);
            } catch (PlanFormatException e) {
                throw new UsageError(e.getMessage(), e);
            }
            Path state = stateOptions.stateDir(Environment.current(), Path.of(plan.root()));
            Applies applies = ApplyCommands.applies(state, err, !json);
            if (dryRun) {
                return dryRun(applies.dryRun(plan), out, err);
            }
            return report(applies.apply(plan, planFile.toString()), out, err, "applied");
        } catch (Applies.RefusedException e) {
            e.items().forEach(item -> err.println("apply: changed: " + item));
            throw new UsageError(e.summary(), e);
        } catch (ApplyException e) {
            throw new UsageError(e.getMessage(), e);
        }
    }

    private int dryRun(Applies.DryRun run, PrintWriter out, PrintWriter err) {
        if (json) {
            ObjectNode node = JsonOutput.object();
            node.put("dry_run", true);
            ApplyCommands.lines(node, "changed", run.changed());
            ApplyCommands.lines(node, "operations", run.operations());
            ApplyCommands.counts(node, "counts", run.counts());
            ApplyCommands.lines(node, "problems", run.problems());
            ApplyCommands.lines(node, "notes", run.notes());
            out.println(JsonOutput.line(node));
        } else {
            run.operations().forEach(op -> out.println("would " + op));
            run.notes().forEach(n -> out.println("note: " + n));
            run.problems().forEach(p -> err.println("apply: left untouched: " + p));
            run.changed().forEach(c -> err.println("apply: changed: " + c));
            out.println("dry run: " + run.operations().size() + " operation(s) (" + ApplyCommands.countsText(
                    run.counts()) + "), nothing changed");
        }
        if (!run.changed().isEmpty()) {
            err.println("apply: " + run.changed().size() + " file(s) changed since the plan: apply would refuse;"
                    + " make the plan again");
            return ExitCode.USAGE;
        }
        return run.problems().isEmpty() ? ExitCode.OK : ExitCode.SOME_FAILED;
    }

    private int report(ApplyOutcome outcome, PrintWriter out, PrintWriter err, String verb) {
        if (json) {
            ObjectNode node = JsonOutput.object();
            node.put("apply", outcome.applyId());
            ApplyCommands.counts(node, "done", outcome.done());
            ApplyCommands.lines(node, "failures", outcome.failures());
            ApplyCommands.lines(node, "problems", outcome.problems());
            ApplyCommands.lines(node, "notes", outcome.notes());
            out.println(JsonOutput.line(node));
        } else {
            outcome.notes().forEach(n -> out.println("note: " + n));
            outcome.problems().forEach(p -> err.println("apply: left untouched: " + p));
            outcome.failures().forEach(f -> err.println("apply: failed: " + f));
            out.println(verb + ": " + ApplyCommands.countsText(outcome.done())
                    + (outcome.failures().isEmpty() ? "" : "; " + outcome.failures().size() + " failed (retry with"
                    + " 'facesweep apply --resume " + outcome.applyId() + "')"));
            out.println("apply id: " + outcome.applyId() + " (undo: facesweep revert " + outcome.applyId() + ")");
        }
        return outcome.clean() ? ExitCode.OK : ExitCode.SOME_FAILED;
    }
}
