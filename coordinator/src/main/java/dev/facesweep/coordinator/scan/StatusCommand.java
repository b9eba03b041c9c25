package dev.facesweep.coordinator.scan;

import dev.facesweep.coordinator.cli.Environment;
import dev.facesweep.coordinator.cli.ExitCode;
import dev.facesweep.coordinator.cli.StoreOptions;
import dev.facesweep.coordinator.store.ScanCounts;
import dev.facesweep.coordinator.store.ScanStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
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
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code facesweep status [SCAN]}: a scan's progress, read from the store (works while it runs elsewhere). */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Shows a scan's progress: staged, in flight, scored, reused, failed, parked, per worker and"
                + " in total, with throughput and ETA.")
public final class StatusCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "SCAN", defaultValue = StoreOptions.LATEST,
            description = "Scan id, or latest (default).")
    String scanId;

    @Mixin
    StoreOptions stateOptions;

    @Option(names = "--json", description = "One JSON object.")
    boolean json;

    @Spec
    CommandSpec spec;

    private final Clock clock;

    public StatusCommand() {
        this(Clock.systemUTC());
    }

    StatusCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Map<String, String> env = Environment.current();
        Path stateDir = stateOptions.stateDir(env, null);
        try (ScanStore store = stateOptions.openExisting(env, stateDir, clock)) {
            ScanStatus status = ScanStatus.of(store, StoreOptions.find(store, scanId, stateDir), clock.instant());
            if (json) {
                out.println(JsonMapper.shared().writeValueAsString(json(status)));
            } else {
                human(out, status);
            }
            out.flush();
            return ExitCode.OK;
        }
    }

    /**
     * {@code {"scan", "root", "state", "model", "promptHash", "images", "staged", "inFlight", "scored", "reused",
     * "failed", "parked", "remaining", "imagesPerSecond", "etaSeconds", "workers": [{"worker", "scored", "failed",
     * "batches", "imagesPerSecond"}]}}; {@code parked} counts batches, rate and ETA are null when unknown.
     */
    static ObjectNode json(ScanStatus status) {
        ScanCounts c = status.counts();
        ObjectNode root = JsonMapper.shared().createObjectNode();
        root.put("scan", status.scan().id());
        root.put("root", status.scan().root());
        root.put("state", status.scan().state().name().toLowerCase(Locale.ROOT));
        root.put("model", status.scan().modelId());
        root.put("promptHash", status.scan().promptHash());
        root.put("images", c.total());
        root.put("staged", c.staged());
        root.put("inFlight", c.inFlight());
        root.put("scored", c.scored());
        root.put("reused", c.reused());
        root.put("failed", c.failed());
        root.put("parked", c.parkedBatches());
        root.put("remaining", c.remaining());
        if (status.imagesPerSecond().isPresent()) {
            root.put("imagesPerSecond", status.imagesPerSecond().getAsDouble());
        } else {
            root.putNull("imagesPerSecond");
        }
        if (status.etaSeconds().isPresent()) {
            root.put("etaSeconds", status.etaSeconds().getAsLong());
        } else {
            root.putNull("etaSeconds");
        }
        ArrayNode workers = root.putArray("workers");
        for (ScanStatus.Worker w : status.workers()) {
            ObjectNode item = workers.addObject();
            item.put("worker", w.workerId());
            item.put("scored", w.scored());
            item.put("failed", w.failed());
            item.put("batches", w.batches());
            item.put("imagesPerSecond", w.imagesPerSecond());
        }
        return root;
    }

    private static void human(PrintWriter out, ScanStatus status) {
        ScanCounts c = status.counts();
        out.printf("scan %s of %s: %s%n", status.scan().id(), status.scan().root(),
                status.scan().state().name().toLowerCase(Locale.ROOT));
        out.printf("  model %s, prompt set %s%n", status.scan().modelId(), status.scan().promptHash());
        out.printf("  %d images: %d staged, %d in flight, %d scored, %d reused, %d failed; %d batch(es) parked%n",
                c.total(), c.staged(), c.inFlight(), c.scored(), c.reused(), c.failed(), c.parkedBatches());
        String rate = status.imagesPerSecond().isPresent()
                ? String.format(Locale.ROOT, "%.2f img/s", status.imagesPerSecond().getAsDouble()) : "no recent results";
        String eta = status.etaSeconds().isPresent() ? ", ETA " + duration(status.etaSeconds().getAsLong()) : "";
        out.printf("  %d remaining; %s%s%n", c.remaining(), rate, eta);
        if (!status.workers().isEmpty()) {
            out.printf("  %-40s %10s %8s %8s %10s%n", "worker", "scored", "failed", "batches", "img/s");
            for (ScanStatus.Worker w : status.workers()) {
                out.printf(Locale.ROOT, "  %-40s %10d %8d %8d %10.2f%n", w.workerId(), w.scored(), w.failed(),
                        w.batches(), w.imagesPerSecond());
            }
        }
    }

    static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, (seconds % 3600) / 60);
    }
}
