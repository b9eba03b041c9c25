package dev.facesweep.coordinator.review;

import dev.facesweep.coordinator.cli.Environment;
import dev.facesweep.coordinator.cli.ExitCode;
import dev.facesweep.coordinator.cli.JsonOutput;
import dev.facesweep.coordinator.cli.StoreOptions;
import dev.facesweep.coordinator.cli.UsageError;
import dev.facesweep.coordinator.plan.Overrides;
import dev.facesweep.coordinator.plan.Plan;
import dev.facesweep.coordinator.plan.PlanFormatException;
import dev.facesweep.coordinator.plan.PlanJson;
import dev.facesweep.coordinator.plan.Thresholds;
import dev.facesweep.coordinator.store.ScanStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
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
import tools.jackson.databind.node.ObjectNode;

/** {@code facesweep report SCAN|PLAN.json --out DIR}: the static contact sheet. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Writes a static HTML contact sheet (index.html and thumbs/) that opens from disk with no"
                + " server: face sets with their action, driver and flagged fraction, every image with its scores,"
                + " flagged, near-threshold and unreadable images marked.",
            "With a scan id (or 'latest') it shows the plan preview with the default thresholds and the overrides"
                + " saved by the review page; with a plan.json it shows that plan."})
public final class ReportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SCAN|PLAN.json",
            description = "A scan id, 'latest', or a plan.json written by facesweep plan or the review page.")
    String source;

    @Mixin
    StoreOptions state;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to write index.html and"
            + " thumbs/ into (created if needed).")
    Path out;

    @Option(names = "--thumbnail-size", paramLabel = "PX", defaultValue = "" + Thumbnails.DEFAULT_SIZE,
            description = "Thumbnail edge in pixels (default: ${DEFAULT-VALUE}).")
    int thumbnailSize;

    @Option(names = "--json", description = "Print the result as one line of JSON.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        Map<String, String> env = Environment.current();
        Path stateDir = state.stateDir(env, null);
        Thumbnails thumbnails;
        try {
            thumbnails = new Thumbnails(thumbnailSize);
        } catch (IllegalArgumentException e) {
            throw new UsageError("--thumbnail-size: " + e.getMessage());
        }
        Plan plan = readPlanIfFile();
        try (ScanStore store = state.openExisting(env, stateDir, Clock.systemUTC())) {
            ReviewWorkspace workspace = new ReviewWorkspace(store, stateDir, thumbnails, Clock.systemUTC());
            ContactSheet sheet;
            String what;
            try {
                if (plan != null) {
                    sheet = workspace.sheet(plan);
                    what = "plan " + plan.id();
                } else {
                    String scanId = StoreOptions.find(store, source, stateDir).id();
                    Overrides overrides = workspace.overrides(scanId);
                    sheet = workspace.sheet(scanId, Thresholds.defaults());
                    what = "plan preview of scan " + scanId + " with the default thresholds"
                            + (overrides.isEmpty() ? "" : " and the " + (overrides.images().size()
                                    + overrides.facesets().size()) + " overrides in "
                                    + workspace.overridesFile(scanId));
                }
            } catch (ReviewException e) {
                throw new UsageError(e.getMessage(), e);
            }
            Report.Result result;
            try {
                result = Report.write(workspace, sheet, out.toAbsolutePath().normalize());
            } catch (IOException e) {
                throw new UsageError("cannot write the report to " + out + ": " + e.getMessage(), e);
            }
            result.problems().forEach(p -> stderr.println("facesweep report: " + p));
            sheet.warnings().forEach(w -> stderr.println("facesweep report: warning: " + w));
            if (json) {
                ObjectNode node = JsonOutput.object();
                node.put("index", result.index().toString());
                node.put("scan", sheet.scan().id());
                node.put("plan", sheet.planId());
                node.put("facesets", result.facesets());
                node.put("images", result.images());
                node.put("thumbnails", result.thumbnails());
                node.put("thumbnail_failures", result.problems().size());
                ObjectNode counts = node.putObject("actions");
                sheet.counts().forEach(counts::put);
                stdout.println(JsonOutput.line(node));
            } else {
                stdout.println("wrote " + result.index() + " (" + what + "): " + result.facesets() + " face sets, "
                        + result.images() + " images, " + result.thumbnails() + " thumbnails; actions " + sheet.counts()
                        + (result.problems().isEmpty() ? "" : "; " + result.problems().size()
                                + " thumbnails failed (listed above)"));
            }
            stdout.flush();
            return result.problems().isEmpty() ? ExitCode.OK : ExitCode.SOME_FAILED;
        }
    }

    private Plan readPlanIfFile() {
        Path asPath = Path.of(source);
        boolean looksLikeFile = source.endsWith(".json") || source.contains("/") || source.contains("\\");
        if (!looksLikeFile) {
            return null;
        }
        if (!Files.isRegularFile(asPath)) {
            throw new UsageError("plan file " + source + " does not exist: pass a plan.json written by facesweep plan"
                    + " (or a scan id)");
        }
        try {
            return PlanJson.read(asPath);
        } catch (PlanFormatException e) {
            throw new UsageError(e.getMessage(), e);
        }
    }
}
