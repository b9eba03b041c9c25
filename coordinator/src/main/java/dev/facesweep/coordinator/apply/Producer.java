package dev.facesweep.coordinator.apply;

import dev.facesweep.coordinator.plan.Action;
import dev.facesweep.coordinator.plan.FacesetPlan;
import dev.facesweep.coordinator.plan.Plan;
import dev.facesweep.coordinator.plan.PlanJson;
import dev.facesweep.coordinator.plan.PlanSummary;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The new content of a rewritten file, computed from its original (the backup) and the apply's fixed facts only:
 * the same inputs give the same bytes, which is how a resume or revert recognises a rewrite that happened before
 * its done line was written.
 */
final class Producer {

    /** The content could not be produced; the message is one line. */
    static final class ProduceException extends Exception {
        ProduceException(String message) {
            super(message);
        }
    }

    private final Plan plan;
    private final ApplyHeader header;
    private final List<Op> ops;

    Producer(Plan plan, ApplyHeader header, List<Op> ops) {
        this.plan = plan;
        this.header = header;
        this.ops = ops;
    }

    /**
     * Writes the new content of {@code op}'s file to {@code target} (durably).
     *
     * @param source the original file; null when the op creates the file
     * @return details for the journal's done line (dropped members, removed manifest entries)
     */
    ObjectNode produce(Op op, Path source, Path target) throws IOException, ProduceException {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        Set<String> names = new LinkedHashSet<>(op.names());
        switch (op.type()) {
            case REWRITE_FSZ -> {
                try {
                    List<String> dropped = Fsz.rebuild(source, target, names);
                    ArrayNode a = details.putArray("dropped_members");
                    dropped.forEach(a::add);
                } catch (Fsz.FszException e) {
                    throw new ProduceException("archive " + op.path() + ": " + e.getMessage());
                }
            }
            case REWRITE_MANIFEST -> {
                try {
                    Manifests.FacesetEdit edit = Manifests.editFaceset(readUtf8(source), names);
                    FileOps.writeDurably(target, edit.text().getBytes(StandardCharsets.UTF_8));
                    ArrayNode a = details.putArray("removed_entries");
                    edit.removed().forEach(a::add);
                } catch (Manifests.MalformedManifest e) {
                    throw new ProduceException(op.path() + " " + e.getMessage());
                }
            }
            case UPDATE_MASTER -> {
                try {
                    String text = source == null ? null : readUtf8(source);
                    String out = Manifests.editMaster(text, entries(Action.QUARANTINE_MASKED),
                            entries(Action.QUARANTINE_THIN), runBlock());
                    FileOps.writeDurably(target, out.getBytes(StandardCharsets.UTF_8));
                } catch (Manifests.MalformedManifest e) {
                    throw new ProduceException(op.path() + " " + e.getMessage());
                }
            }
            default -> throw new IllegalArgumentException(op.type() + " rewrites nothing");
        }
        return details;
    }

    private List<ObjectNode> entries(Action action) {
        List<ObjectNode> entries = new ArrayList<>();
        for (Op op : ops) {
            if (op.type() != OpType.MOVE_DIR) {
                continue;
            }
            FacesetPlan f = plan.faceset(op.faceset());
            if (f == null || f.action() != action) {
                continue;
            }
            ObjectNode e = JsonNodeFactory.instance.objectNode();
            e.put("name", f.name());
            e.put("reason", reason(f));
            e.put("driver", f.driver());
            e.put("flagged_fraction", f.flaggedFraction());
            e.put("images", f.images());
            e.put("flagged", f.flagged());
            if (action == Action.QUARANTINE_THIN) {
                e.put("survivors", f.survivors());
            }
            e.put("moved_to", op.to());
            e.put("apply", header.id());
            e.put("date", header.created().toString());
            entries.add(e);
        }
        return entries;
    }

    private String reason(FacesetPlan f) {
        String percent = String.format(Locale.ROOT, "%.0f%%", f.flaggedFraction() * 100);
        if (f.action() == Action.QUARANTINE_MASKED) {
            return "occluded: " + f.flagged() + " of " + f.images() + " images flagged (" + percent + " >= "
                    + String.format(Locale.ROOT, "%.0f%%", plan.thresholds().facesetFraction() * 100)
                    + "), mostly " + f.driver();
        }
        return "thin: pruning " + f.flagged() + " flagged image(s) would leave " + f.survivors() + " < "
                + plan.thresholds().minSurvivors() + ", mostly " + f.driver();
    }

    private ObjectNode runBlock() {
        ObjectNode run = JsonNodeFactory.instance.objectNode();
        run.put("date", header.created().toString());
        run.put("apply", header.id());
        run.put("plan", plan.id());
        run.put("scan", plan.scanId());
        run.put("model", plan.modelId());
        run.put("prompt_set_hash", plan.promptHash());
        run.set("thresholds", PlanJson.thresholds(plan.thresholds()));
        PlanSummary s = PlanSummary.of(plan.facesets());
        ObjectNode counts = run.putObject("counts");
        counts.put("facesets", plan.facesets().size());
        for (Action a : Action.values()) {
            counts.put(a.json(), s.facesetsByAction().get(a));
        }
        counts.put("images_dropped", s.drop());
        counts.put("images_quarantined", s.quarantinedImages());
        counts.put("unreadable", s.unreadable());
        counts.put("overrides", s.forced());
        run.put("tool", "facesweep");
        return run;
    }

    static String readUtf8(Path file) throws IOException, ProduceException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new ProduceException(file.getFileName() + " is not UTF-8 text");
        }
    }
}
