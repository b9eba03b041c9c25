package dev.facesweep.coordinator.scan;

import dev.facesweep.coordinator.store.ScanCounts;
import dev.facesweep.coordinator.store.ScanStore;
import dev.facesweep.coordinator.dispatch.WorkerStatus;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The end of {@code facesweep scan}: a JSON line or a short human summary, on stdout. */
final class ScanReport {

    private ScanReport() {
    }

    /**
     * {@code {"scan": id, "images": N, "scored": N, "reused": N, "failed": N, "parked": N, "failures": [{"image":
     * path, "error": text}]}} on one line. {@code parked} counts batches given up on; their images are among
     * {@code failed}.
     */
    static String json(ScanStore store, ScanOutcome outcome) {
        ScanCounts c = outcome.counts();
        ObjectNode root = JsonMapper.shared().createObjectNode();
        root.put("scan", outcome.scanId());
        root.put("images", c.total());
        root.put("scored", c.scored());
        root.put("reused", c.reused());
        root.put("failed", c.failed());
        root.put("parked", c.parkedBatches());
        ArrayNode failures = root.putArray("failures");
        store.forEachFailure(outcome.scanId(), f -> {
            ObjectNode item = failures.addObject();
            item.put("image", f.relativePath());
            item.put("error", f.error());
        });
        return JsonMapper.shared().writeValueAsString(root);
    }

    static void human(PrintWriter out, ScanStore store, ScanOutcome outcome, String root, String transport,
            List<WorkerStatus> workers) {
        ScanCounts c = outcome.counts();
        out.printf("scan %s of %s%s (%s)%n", outcome.scanId(), root, outcome.resumed() ? ", resumed" : "",
                transport);
        out.printf("  %d images: %d scored, %d reused, %d failed; %d batch(es) parked%n", c.total(), c.scored(),
                c.reused(), c.failed(), c.parkedBatches());
        if (outcome.redispatched() > 0 || outcome.duplicates() > 0 || outcome.rejected() > 0) {
            out.printf("  %d batch(es) re-dispatched, %d duplicate result(s) ignored, %d message(s) rejected%n",
                    outcome.redispatched(), outcome.duplicates(), outcome.rejected());
        }
        for (WorkerStatus w : workers) {
            out.printf(Locale.ROOT, "  worker %s on %s: %s%s on %s, %.2f img/s, last seen %s%s%n", w.workerId(),
                    w.host(), w.provider(), w.provider().equals(w.configuredProvider()) ? ""
                            : " (configured " + w.configuredProvider() + ")", w.device(), w.imagesPerSecond(),
                    w.lastSeen(), w.live() ? "" : " (gone)");
        }
        if (c.failed() > 0) {
            out.println("  failed:");
            store.forEachFailure(outcome.scanId(), f -> out.println("    " + f.relativePath() + ": " + f.error()));
        }
    }
}
