package dev.facesweep.coordinator.apply;

import dev.facesweep.coordinator.metrics.ApplyMetrics;
import dev.facesweep.coordinator.plan.Plan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntConsumer;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Apply, resume, revert and history over one state folder: the entry point for the CLI and the review service.
 * Framework-free; one apply or revert at a time per state folder ({@link StateLock}).
 */
public final class Applies {

    private static final DateTimeFormatter ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** Progress callbacks: a phase starts with a known total, then counts. */
    public interface Listener {
        Listener NONE = new Listener() {
        };

        default void phase(String name, int total) {
        }

        default void progress(int done) {
        }
    }

    /**
     * What an apply would do.
     *
     * @param changed files that differ from the plan (non-empty: apply refuses)
     * @param operations one line per operation, in order
     */
    public record DryRun(List<String> changed, List<String> operations, Map<OpType, Integer> counts,
            List<String> problems, List<String> notes) {
    }

    private final Path state;
    private final Clock clock;
    private final Checkpoints checkpoints;
    private final Listener listener;
    private final ApplyMetrics metrics;

    public Applies(Path state, Clock clock, Checkpoints checkpoints, Listener listener) {
        this(state, clock, checkpoints, listener, ApplyMetrics.NONE);
    }

    /** With {@code metrics} told the outcome of every operation (apply, resume and revert). */
    public Applies(Path state, Clock clock, Checkpoints checkpoints, Listener listener, ApplyMetrics metrics) {
        this.state = state;
        this.clock = clock;
        this.checkpoints = checkpoints;
        this.listener = listener;
        this.metrics = metrics;
    }

    public DryRun dryRun(Plan plan) {
        Path root = root(plan);
        listener.phase("checking inputs", plan.inputs().size());
        List<String> changed = InputCheck.changedFiles(root, plan, rel -> true, listener::progress);
        ApplyProgram program = ApplyPlanner.program(root, plan, "dry-run");
        List<String> lines = new ArrayList<>();
        Map<OpType, Integer> counts = new EnumMap<>(OpType.class);
        for (Op op : program.ops()) {
            lines.add(op.describe());
            counts.merge(op.type(), 1, Integer::sum);
        }
        return new DryRun(changed, lines, counts, program.problems(), program.notes());
    }

    /**
     * Applies a plan. Refuses with {@link RefusedException} (nothing changed) when any input differs from the plan.
     *
     * @param planFile how the user named the plan file (recorded)
     */
    public ApplyOutcome apply(Plan plan, String planFile) {
        Path root = root(plan);
        try (StateLock lock = StateLock.acquire(state)) {
            listener.phase("checking inputs", plan.inputs().size());
            List<String> changed = InputCheck.changedFiles(root, plan, rel -> true, listener::progress);
            if (!changed.isEmpty()) {
                throw new RefusedException("plan " + plan.id() + ": " + changed.size() + " file(s) changed since"
                        + " the plan was made, nothing was applied; make the plan again", changed);
            }
            Instant now = clock.instant();
            String id = ID_TIME.format(now) + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current()
                    .nextInt()).substring(2);
            ApplyProgram program = ApplyPlanner.program(root, plan, id);
            ApplyHeader header = new ApplyHeader(id, plan.id(), plan.scanId(), root.toString(), now, planFile,
                    program.ops().size());
            ApplyDir dir = ApplyDir.create(state, header, plan, program.ops());
            try (Journal journal = Journal.append(dir.journal(), clock)) {
                for (String p : program.problems()) {
                    journal.event("problem", message(p));
                }
                for (String n : program.notes()) {
                    journal.event("note", message(n));
                }
            }
            listener.phase("applying", program.ops().size());
            return new Applier(dir, checkpoints, clock, listener::progress, metrics).run(program.problems(),
                    program.notes());
        } catch (IOException e) {
            throw new ApplyException("apply failed: " + e.getMessage(), e);
        }
    }

    /** Finishes a killed (or partly failed) apply. */
    public ApplyOutcome resume(String applyId) {
        try (StateLock lock = StateLock.acquire(state)) {
            ApplyDir dir = ApplyDir.open(state, applyId);
            if (Files.exists(dir.revertJournal())) {
                throw new ApplyException("apply " + applyId + " was reverted (or a revert of it started): it cannot"
                        + " be resumed; run 'facesweep revert " + applyId + "' to finish a started revert");
            }
            JournalState journal = JournalState.read(dir.journal());
            Plan plan = dir.plan();
            Path root = dir.root();
            Set<Integer> touched = new HashSet<>(journal.intents.keySet());
            List<Op> touchedOps = dir.ops().stream().filter(op -> touched.contains(op.seq())).toList();
            Predicate<String> untouched = rel -> touchedOps.stream().noneMatch(op -> covers(op, rel));
            listener.phase("checking inputs", plan.inputs().size());
            List<String> changed = InputCheck.changedFiles(root, plan, untouched, listener::progress);
            if (!changed.isEmpty()) {
                throw new RefusedException("apply " + applyId + ": " + changed.size() + " file(s) it has not"
                        + " handled yet changed since the plan, nothing more was applied; revert it with"
                        + " 'facesweep revert " + applyId + "'", changed);
            }
            listener.phase("applying", dir.ops().size());
            return new Applier(dir, checkpoints, clock, listener::progress, metrics).run(journal.problems, journal.notes);
        } catch (IOException e) {
            throw new ApplyException("resume of " + applyId + " failed: " + e.getMessage(), e);
        }
    }

    private static boolean covers(Op op, String rel) {
        return op.path().equals(rel) || (op.type() == OpType.MOVE_DIR && rel.startsWith(op.path() + "/"));
    }

    /**
     * Reverts an apply ({@code latest}: the newest apply not reverted yet). Refuses with {@link ApplyException}
     * naming the files when something it must restore was changed since; then nothing is changed.
     */
    public ApplyOutcome revert(String applyIdOrLatest) {
        try (StateLock lock = StateLock.acquire(state)) {
            String id = applyIdOrLatest.equals("latest") ? latestUnreverted() : applyIdOrLatest;
            ApplyDir dir = ApplyDir.open(state, id);
            JournalState reverted = JournalState.read(dir.revertJournal());
            if (reverted.finished()) {
                return new ApplyOutcome(id, Map.of(), List.of(), List.of(), List.of("apply " + id
                        + " was already reverted"));
            }
            Reverter reverter = new Reverter(dir, checkpoints, clock, metrics);
            listener.phase("checking", dir.ops().size());
            List<Reverter.Step> steps = reverter.check(listener::progress);
            listener.phase("reverting", steps.size());
            return reverter.run(steps, listener::progress);
        } catch (IOException e) {
            throw new ApplyException("revert of " + applyIdOrLatest + " failed: " + e.getMessage(), e);
        }
    }

    private String latestUnreverted() throws IOException {
        List<ApplyHeader> headers = ApplyDir.list(state);
        for (int i = headers.size() - 1; i >= 0; i--) {
            ApplyDir dir = ApplyDir.open(state, headers.get(i).id());
            if (!JournalState.read(dir.revertJournal()).finished()) {
                return headers.get(i).id();
            }
        }
        throw new ApplyException("no apply to revert in " + state + " (see 'facesweep history')");
    }

    /** Every apply and revert in the state folder, oldest first. */
    public List<HistoryEntry> history() {
        List<HistoryEntry> entries = new ArrayList<>();
        try {
            for (ApplyHeader h : ApplyDir.list(state)) {
                ApplyDir dir = ApplyDir.open(state, h.id());
                JournalState applied = JournalState.read(dir.journal());
                String applyState;
                if (!applied.started()) {
                    applyState = "not started";
                } else if (!applied.finished()) {
                    applyState = "interrupted";
                } else {
                    applyState = applied.finish.path("failed").asInt(0) == 0 ? "applied" : "partial";
                }
                entries.add(new HistoryEntry("apply", h.id(), h.created(), h.planId(), h.root(), applyState,
                        countByType(applied.done, line -> true),
                        applied.finish == null ? applied.failed.size() : applied.finish.path("failed").asInt(0),
                        applied.problems.size()));
                JournalState reverted = JournalState.read(dir.revertJournal());
                if (reverted.started()) {
                    entries.add(new HistoryEntry("revert", h.id(),
                            Instant.parse(reverted.start.get("t").asString()), h.planId(), h.root(),
                            reverted.finished() ? "reverted" : "interrupted",
                            countByType(reverted.done, line -> line.path("changed").asBoolean(false)), 0, 0));
                }
            }
        } catch (IOException e) {
            throw new ApplyException("cannot read the apply history in " + state + ": " + e.getMessage(), e);
        }
        entries.sort(java.util.Comparator.comparing(HistoryEntry::time));
        return entries;
    }

    private static Map<String, Integer> countByType(Map<Integer, JsonNode> lines, Predicate<JsonNode> counted) {
        Map<String, Integer> counts = new TreeMap<>();
        lines.values().forEach(line -> {
            if (counted.test(line)) {
                counts.merge(line.path("type").asString("?"), 1, Integer::sum);
            }
        });
        return counts;
    }

    private static Path root(Plan plan) {
        Path root = Path.of(plan.root());
        if (!root.isAbsolute() || !Files.isDirectory(root)) {
            throw new ApplyException("the plan's corpus root " + plan.root() + " is not a folder (moved? make the"
                    + " plan again)");
        }
        return root.normalize();
    }

    private static ObjectNode message(String text) {
        ObjectNode n = Journal.MAPPER.createObjectNode();
        n.put("message", text);
        return n;
    }

    /** The apply was refused before anything changed; {@link #items()} names the files. */
    public static final class RefusedException extends ApplyException {
        private final List<String> items;
        private final String summary;

        RefusedException(String summary, List<String> items) {
            super(summary + ": " + String.join("; ", items));
            this.items = List.copyOf(items);
            this.summary = summary;
        }

        /** The message without the list of files. */
        public String summary() {
            return summary;
        }

        public List<String> items() {
            return items;
        }
    }
}
