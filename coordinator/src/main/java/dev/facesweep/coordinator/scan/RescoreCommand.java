package dev.facesweep.coordinator.scan;

import dev.facesweep.coordinator.cli.Environment;
import dev.facesweep.coordinator.cli.ExitCode;
import dev.facesweep.coordinator.cli.ModelOptions;
import dev.facesweep.coordinator.cli.StoreOptions;
import dev.facesweep.coordinator.cli.UsageError;
import dev.facesweep.coordinator.results.PromptScoring;
import dev.facesweep.coordinator.results.Rescorer;
import dev.facesweep.coordinator.store.ScanCounts;
import dev.facesweep.coordinator.store.ScanInfo;
import dev.facesweep.coordinator.store.ScanStore;
import dev.facesweep.model.BundleException;
import dev.facesweep.model.ClipModel;
import dev.facesweep.model.CpuSessionConfigurer;
import dev.facesweep.model.ModelBundle;
import dev.facesweep.model.ModelRole;
import dev.facesweep.scoring.PromptSet;
import dev.facesweep.scoring.PromptSetException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** {@code facesweep rescore SCAN --prompts FILE}: new scores from stored embeddings, no worker, no image model. */
@Command(name = "rescore", mixinStandardHelpOptions = true,
        description = {"Scores a scan's images for another prompt set from their stored embeddings: only the text"
                + " model runs, no worker is needed.",
            "The result is a new scan (print its id with --json); images never scored before stay pending until"
                + " the next facesweep scan of the root with the same prompts."})
public final class RescoreCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SCAN", description = "Scan id, or latest.")
    String scanId;

    @Option(names = "--prompts", paramLabel = "FILE", required = true, description = "The new prompt set.")
    Path prompts;

    @Mixin
    ModelOptions model;

    @Mixin
    StoreOptions stateOptions;

    @Option(names = "--json", description = "Print the counts as one JSON line.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PromptSet promptSet;
        try {
            promptSet = PromptSet.load(prompts);
        } catch (PromptSetException e) {
            throw new UsageError(e.getMessage(), e);
        }
        Map<String, String> env = Environment.current();
        Path stateDir = stateOptions.stateDir(env, null);
        Clock clock = Clock.systemUTC();
        try (ScanStore store = stateOptions.openExisting(env, stateDir, clock)) {
            ScanInfo from = StoreOptions.find(store, scanId, stateDir);
            ModelBundle bundle = model.loadFor(from.modelId(), "scan " + from.id());
            try (ClipModel clip = openText(bundle)) {
                PromptScoring scoring = ScanCommand.embed(clip, promptSet);
                if (scoring.promptHash().equals(from.promptHash())) {
                    ScanCounts c = store.counts(from.id());
                    print(out, from, from, c, c.scored() + c.reused(), c.remaining(), true);
                    return ExitCode.OK;
                }
                Rescorer.Outcome outcome = new Rescorer(store).rescore(from, scoring, PromptSetJson.write(promptSet));
                print(out, outcome.scan(), from, outcome.counts(), outcome.rescored(), outcome.pending(), false);
                return ExitCode.OK;
            }
        }
    }

    private static ClipModel openText(ModelBundle bundle) {
        try {
            return ClipModel.open(bundle, new CpuSessionConfigurer(), ModelRole.TEXTUAL);
        } catch (BundleException e) {
            throw new UsageError(e.getMessage(), e);
        }
    }

    private void print(PrintWriter out, ScanInfo scan, ScanInfo from, ScanCounts c, long rescored, long pending,
            boolean unchanged) {
        if (json) {
            ObjectNode node = JsonMapper.shared().createObjectNode();
            node.put("scan", scan.id());
            node.put("from", from.id());
            node.put("promptHash", scan.promptHash());
            node.put("images", c.total());
            node.put("rescored", rescored);
            node.put("failed", c.failed());
            node.put("pending", pending);
            out.println(JsonMapper.shared().writeValueAsString(node));
        } else if (unchanged) {
            out.printf("scan %s already uses this prompt set (%s); nothing to rescore%n", from.id(),
                    from.promptHash());
        } else {
            out.printf("rescored scan %s as %s (prompt set %s): %d images, %d scored from stored embeddings,"
                    + " %d failed before, %d pending%n", from.id(), scan.id(), scan.promptHash(), c.total(), rescored,
                    c.failed(), pending);
            if (pending > 0) {
                out.printf("the pending images have no stored embedding: run facesweep scan %s --prompts %s to"
                        + " score them%n", scan.root(), prompts);
            }
        }
        out.flush();
    }
}
