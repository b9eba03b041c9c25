package dev.facesweep.coordinator.scan;

import dev.facesweep.coordinator.cli.Environment;
import dev.facesweep.coordinator.cli.ExitCode;
import dev.facesweep.coordinator.cli.StoreOptions;
import dev.facesweep.coordinator.store.ImageRecord;
import dev.facesweep.coordinator.store.ScanInfo;
import dev.facesweep.coordinator.store.ScanStore;
import dev.facesweep.scoring.PromptSet;
import dev.facesweep.scoring.PromptSetException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
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
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** {@code facesweep scores SCAN}: every image of a scan with its scores. */
@Command(name = "scores", mixinStandardHelpOptions = true,
        description = "Lists every image of a scan with its scores (or why it has none).",
        footer = {"", "With --json: one line per image, {\"faceset\": NAME, \"image\": PATH, \"sha256\": HEX,"
                + " \"scores\": {\"ATTRIBUTE\": P}, \"error\": null}; PATH is relative to the corpus root with"
                + " forward slashes; error says why an image has no scores."})
public final class ScoresCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SCAN", description = "Scan id, or latest.")
    String scanId;

    @Mixin
    StoreOptions stateOptions;

    @Option(names = "--json", description = "One JSON object per line.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Map<String, String> env = Environment.current();
        Path stateDir = stateOptions.stateDir(env, null);
        try (ScanStore store = stateOptions.openExisting(env, stateDir, Clock.systemUTC())) {
            ScanInfo scan = StoreOptions.find(store, scanId, stateDir);
            if (json) {
                JsonMapper mapper = JsonMapper.shared();
                store.forEachImage(scan.id(), record -> out.println(mapper.writeValueAsString(line(record))));
            } else {
                table(out, store, scan);
            }
            out.flush();
            return ExitCode.OK;
        }
    }

    static ObjectNode line(ImageRecord record) {
        ObjectNode node = JsonMapper.shared().createObjectNode();
        node.put("faceset", record.faceset());
        node.put("image", record.relativePath());
        node.put("sha256", record.sha256());
        ObjectNode scores = node.putObject("scores");
        record.scores().forEach(scores::put);
        node.put("error", error(record));
        return node;
    }

    /** Why the image has no scores, or null when it has them. */
    static String error(ImageRecord record) {
        return switch (record.state()) {
            case SCORED, REUSED -> null;
            case FAILED -> record.error() == null ? "failed" : record.error();
            case STAGED, DISPATCHED -> "not scored yet (" + record.state().name().toLowerCase(Locale.ROOT)
                    + "): run facesweep scan on the root to finish the scan";
        };
    }

    private static void table(PrintWriter out, ScanStore store, ScanInfo scan) {
        List<String> attributes = attributes(scan);
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-50s", "image"));
        attributes.forEach(a -> header.append(String.format(Locale.ROOT, " %10s", shorten(a, 10))));
        out.println(header.append("  error"));
        store.forEachImage(scan.id(), record -> {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-50s", record.relativePath()));
            Map<String, Double> scores = record.scores();
            for (String a : attributes) {
                Double p = scores.get(a);
                row.append(p == null ? String.format(Locale.ROOT, " %10s", "-")
                        : String.format(Locale.ROOT, " %10.4f", p));
            }
            String error = error(record);
            if (error != null) {
                row.append("  ").append(error);
            }
            out.println(row);
        });
    }

    private static List<String> attributes(ScanInfo scan) {
        try {
            return PromptSet.parse(scan.promptSetJson(), "prompt set of scan " + scan.id()).attributeNames();
        } catch (PromptSetException e) {
            return new ArrayList<>();
        }
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "~";
    }
}
