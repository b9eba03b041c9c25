package dev.facesweep.coordinator.plan;

import dev.facesweep.coordinator.cli.Environment;
import dev.facesweep.coordinator.cli.ExitCode;
import dev.facesweep.coordinator.cli.JsonOutput;
import dev.facesweep.coordinator.cli.StoreOptions;
import dev.facesweep.coordinator.cli.UsageError;
import dev.facesweep.coordinator.store.ScanInfo;
import dev.facesweep.coordinator.store.ScanStore;
import dev.facesweep.coordinator.store.StoreException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code facesweep plan SCAN --out plan.json}: scores to decisions. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {"Turns a scan's scores into a plan (keep, prune, quarantine_masked, quarantine_thin per face"
                + " set) and writes plan.json; prints a summary table.",
            "",
            "Rules: an image is flagged when p >= its attribute's threshold (--attribute-threshold, else the prompt"
                + " set's threshold, else --image-threshold). Per face set: fraction = flagged / scored images;"
                + " nothing flagged -> keep; fraction >= --faceset-fraction -> quarantine_masked; fewer than"
                + " --min-survivors images left -> quarantine_thin; else prune the flagged images. Unreadable"
                + " images are listed, never flagged.",
            "",
            "Overrides file (JSON): {\"images\": {\"faceset_001/faces/x.png\": \"keep\"|\"drop\"},"
                + " \"facesets\": {\"faceset_002\": \"keep\"}} (paths relative to the corpus root; a kept face set"
                + " is left untouched)."})
public final class PlanCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SCAN", description = "Scan id, or 'latest'.")
    String scan;

    @Mixin
    StoreOptions stateOptions = new StoreOptions();

    @Option(names = "--image-threshold", paramLabel = "P", defaultValue = "0.7",
            description = "Flag threshold for attributes without their own (default ${DEFAULT-VALUE}).")
    double imageThreshold;

    @Option(names = "--attribute-threshold", paramLabel = "NAME=P",
            description = "Threshold for one attribute (repeatable); beats the prompt set's own.")
    Map<String, Double> attributeThresholds = new LinkedHashMap<>();

    @Option(names = "--faceset-fraction", paramLabel = "F", defaultValue = "0.4",
            description = "Quarantine as masked at this flagged fraction (default ${DEFAULT-VALUE}).")
    double facesetFraction;

    @Option(names = "--min-survivors", paramLabel = "N", defaultValue = "5",
            description = "Quarantine as thin when fewer images would survive a prune (default ${DEFAULT-VALUE}).")
    int minSurvivors;

    @Option(names = "--near-band", paramLabel = "D", defaultValue = "0.05",
            description = "Mark images within D of a threshold as near threshold (default ${DEFAULT-VALUE}).")
    double nearBand;

    @Option(names = "--overrides", paramLabel = "FILE", description = "Overrides file (format above).")
    Path overridesFile;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "Where to write plan.json.")
    Path out;

    @Option(names = "--json", description = "Print one JSON line instead of the table.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Overrides overrides = Overrides.none();
        if (overridesFile != null) {
            try {
                overrides = PlanJson.readOverrides(overridesFile);
            } catch (PlanFormatException e) {
                throw new UsageError(e.getMessage(), e);
            }
        }
        Map<String, String> env = Environment.current();
        Path stateDir = stateOptions.stateDir(env, null);
        try (ScanStore store = stateOptions.openExisting(env, stateDir, Clock.systemUTC())) {
            ScanInfo info = StoreOptions.find(store, scan, stateDir);
            List<String> warnings = new ArrayList<>();
            Thresholds thresholds;
            try {
                thresholds = Plans.thresholds(info, imageThreshold, attributeThresholds, facesetFraction,
                        minSurvivors, nearBand, warnings);
            } catch (IllegalArgumentException e) {
                throw new UsageError(e.getMessage(), e);
            }
            Plans.Made made;
            try {
                made = Plans.make(store, info, thresholds, overrides, Clock.systemUTC());
            } catch (IllegalStateException e) {
                throw new UsageError(e.getMessage(), e);
            }
            warnings.addAll(made.warnings());
            Plan plan = made.plan();
            write(plan, out);
            write(plan, stateDir.resolve("plans").resolve(plan.id() + ".json"));
            PlanSummary summary = PlanSummary.of(plan.facesets());
            warnings.forEach(w -> err.println("plan: " + w));
            made.problems().forEach(p -> err.println("plan: " + p));
            if (json) {
                stdout.println(JsonOutput.line(summaryJson(plan, summary, warnings, made.problems())));
            } else {
                printTable(stdout, plan, summary);
            }
            return made.problems().isEmpty() ? ExitCode.OK : ExitCode.SOME_FAILED;
        } catch (StoreException e) {
            throw new UsageError(e.getMessage(), e);
        }
    }

    private static void write(Plan plan, Path file) {
        try {
            PlanJson.write(plan, file);
        } catch (IOException e) {
            throw new UsageError("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private ObjectNode summaryJson(Plan plan, PlanSummary s, List<String> warnings, List<String> problems) {
        ObjectNode node = JsonOutput.object();
        node.put("plan", plan.id());
        node.put("scan", plan.scanId());
        node.put("root", plan.root());
        node.put("out", out.toAbsolutePath().toString());
        ObjectNode actions = node.putObject("facesets");
        s.facesetsByAction().forEach((a, n) -> actions.put(a.json(), n));
        ObjectNode images = node.putObject("images");
        s.imagesByAction().forEach((a, n) -> images.put(a.json(), n));
        ObjectNode drivers = node.putObject("drivers");
        s.facesetsByDriver().forEach(drivers::put);
        node.put("drop", s.drop());
        node.put("unreadable", s.unreadable());
        node.put("unscored", s.unscored());
        node.put("near_threshold", s.nearThreshold());
        node.put("forced", s.forced());
        node.put("inputs", plan.inputs().size());
        ArrayNode w = node.putArray("warnings");
        warnings.forEach(w::add);
        problems.forEach(w::add);
        return node;
    }

    private void printTable(PrintWriter o, Plan plan, PlanSummary s) {
        o.println("plan " + plan.id() + " of scan " + plan.scanId() + " (root " + plan.root() + ")");
        o.printf(Locale.ROOT, "%-20s %10s %10s%n", "action", "face sets", "images");
        for (Action a : Action.values()) {
            o.printf(Locale.ROOT, "%-20s %10d %10d%n", a.json(), s.facesetsByAction().get(a),
                    s.imagesByAction().get(a));
        }
        if (!s.facesetsByDriver().isEmpty()) {
            o.printf(Locale.ROOT, "%-20s %10s%n", "driving attribute", "face sets");
            s.facesetsByDriver().forEach((d, n) -> o.printf(Locale.ROOT, "%-20s %10d%n", d, n));
        }
        o.printf(Locale.ROOT, "images to prune: %d, in quarantined face sets: %d, unreadable: %d, near threshold:"
                + " %d, unscored: %d, overrides applied: %d%n", s.drop(), s.quarantinedImages(), s.unreadable(),
                s.nearThreshold(), s.unscored(), s.forced());
        o.println("wrote " + out.toAbsolutePath() + " (" + plan.inputs().size() + " input files recorded); review"
                + " it, then: facesweep apply " + out);
    }
}
