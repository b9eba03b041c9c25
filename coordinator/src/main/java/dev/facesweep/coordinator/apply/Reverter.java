package dev.facesweep.coordinator.apply;

import dev.facesweep.coordinator.metrics.ApplyMetrics;
import dev.facesweep.coordinator.plan.InputFile;
import dev.facesweep.corpus.CorpusPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Undoes an apply, finished or killed, by replaying its journal backwards.
 *
 * <p>First every operation that has an intent line is checked against the files, changing nothing: a moved
 * image must still have its sha256 at the target, a quarantined face set every file with its sha256, a rewritten
 * file must hold exactly the rewritten content (or still the original). If anything else is found, the revert is
 * refused naming the files. Then the undo steps run in reverse order, each through the revert journal: files and
 * face sets move back, rewritten files are restored from their backups (through a temporary file and a rename),
 * a created master manifest is removed, and folders the apply created are removed when empty.
 *
 * <p>A revert can be run again after being killed: each step checks the files first, so finished steps are
 * recognised and skipped.
 */
final class Reverter {

    enum Undo { MOVE_BACK, MOVE_DIR_BACK, RESTORE, REMOVE_CREATED, REMOVE_DIR_IF_EMPTY, REMOVE_DUPLICATE }

    /** One planned undo step. */
    record Step(Op op, Undo undo) {
    }

    private final ApplyMetrics metrics;
    private final ApplyDir dir;
    private final Path root;
    private final Checkpoints checkpoints;
    private final Clock clock;
    private final FileOps files = new FileOps();
    private final Producer producer;

    Reverter(ApplyDir dir, Checkpoints checkpoints, Clock clock, ApplyMetrics metrics) {
        this.metrics = metrics;
        this.dir = dir;
        this.root = dir.root();
        this.checkpoints = checkpoints;
        this.clock = clock;
        this.producer = new Producer(dir.plan(), dir.header(), dir.ops());
    }

    /** The undo steps, checked against the files; throws {@link ApplyException} naming every blocker. */
    List<Step> check(IntConsumer progress) throws IOException {
        JournalState state = JournalState.read(dir.journal());
        List<Step> steps = new ArrayList<>();
        List<String> blockers = new ArrayList<>();
        List<Op> ops = new ArrayList<>(dir.ops());
        java.util.Collections.reverse(ops);
        int count = 0;
        for (Op op : ops) {
            progress.accept(++count);
            if (!state.hasIntent(op.seq())) {
                continue;
            }
            try {
                Undo undo = inspect(op, state);
                if (undo != null) {
                    steps.add(new Step(op, undo));
                }
            } catch (Blocked b) {
                blockers.add(b.getMessage());
            }
        }
        if (!blockers.isEmpty()) {
            throw new ApplyException("revert of " + dir.header().id() + " refused, nothing was changed: "
                    + String.join("; ", blockers));
        }
        return steps;
    }

    private Undo inspect(Op op, JournalState state) throws IOException, Blocked {
        Path path = CorpusPath.resolve(root, op.path());
        switch (op.type()) {
            case MKDIR -> {
                return Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) ? Undo.REMOVE_DIR_IF_EMPTY : null;
            }
            case MOVE -> {
                Path to = CorpusPath.resolve(root, op.to());
                boolean source = FileOps.exists(path);
                boolean target = FileOps.exists(to);
                if (source && !target) {
                    return null;
                }
                if (!source && !target) {
                    throw new Blocked(op.to() + " (moved from " + op.path() + ") is missing");
                }
                InputFile atTarget = content(to);
                if (!atTarget.equals(op.before())) {
                    throw new Blocked(op.to() + " was changed since the apply (it must be the image moved from "
                            + op.path() + ")");
                }
                if (source) {
                    if (!content(path).equals(op.before())) {
                        throw new Blocked(op.path() + " exists again with other content, and " + op.to()
                                + " holds the original: move one of them away");
                    }
                    return Undo.REMOVE_DUPLICATE;
                }
                return Undo.MOVE_BACK;
            }
            case MOVE_DIR -> {
                Path to = CorpusPath.resolve(root, op.to());
                boolean source = FileOps.exists(path);
                boolean target = FileOps.exists(to);
                if (source && !target) {
                    return null;
                }
                if (source) {
                    throw new Blocked(op.path() + "/ exists again beside " + op.to() + "/: move one of them away");
                }
                if (!target) {
                    throw new Blocked(op.to() + "/ (face set " + op.faceset() + ") is missing");
                }
                JsonNode files = state.intents.get(op.seq()).get("files");
                String difference = Applier.TreeListing.fromJson(files).contentDiffers(to, this.files);
                if (difference != null) {
                    throw new Blocked(op.to() + "/" + difference + " since the apply");
                }
                return Undo.MOVE_DIR_BACK;
            }
            case REWRITE_FSZ, REWRITE_MANIFEST, UPDATE_MASTER -> {
                return inspectRewrite(op, path, state.done.get(op.seq()));
            }
            default -> throw new IllegalStateException("unknown operation " + op.type());
        }
    }

    private Undo inspectRewrite(Op op, Path path, JsonNode done) throws IOException, Blocked {
        if (!FileOps.exists(path)) {
            if (op.before() == null) {
                return null;
            }
            throw new Blocked(op.path() + " is missing (its original is in " + dir.backup(op) + ")");
        }
        InputFile now = content(path);
        if (op.before() != null && now.equals(op.before())) {
            return null;
        }
        InputFile after;
        if (done != null && done.has("after_sha256")) {
            after = new InputFile(done.get("after_size").asLong(), done.get("after_sha256").asString());
        } else {
            try {
                after = Applier.expectedAfter(dir, producer, files, op, CorpusPath.resolve(root, op.temp()));
            } catch (Applier.OpFailure | Producer.ProduceException e) {
                throw new Blocked(e.getMessage());
            }
        }
        if (!now.equals(after)) {
            throw new Blocked(op.path() + " was changed since the apply");
        }
        if (op.before() != null) {
            Path backup = dir.backup(op);
            if (!Files.isRegularFile(backup) || !content(backup).equals(op.before())) {
                throw new Blocked("the backup " + backup + " of " + op.path() + " is missing or damaged");
            }
            return Undo.RESTORE;
        }
        return Undo.REMOVE_CREATED;
    }

    /** Runs the checked steps through the revert journal. */
    ApplyOutcome run(List<Step> steps, IntConsumer progress) throws IOException {
        Map<OpType, Integer> undone = new EnumMap<>(OpType.class);
        List<String> notes = new ArrayList<>();
        try (Journal journal = Journal.append(dir.revertJournal(), clock)) {
            ObjectNode start = Journal.MAPPER.createObjectNode();
            start.put("apply", dir.header().id());
            journal.event("start", start);
            int count = 0;
            for (Step step : steps) {
                Op op = step.op();
                ObjectNode line = op.toJson();
                line.put("undo", step.undo().name().toLowerCase(java.util.Locale.ROOT));
                journal.intent(line.deepCopy());
                point(op, "undo intent");
                boolean changed = undo(step, notes);
                point(op, "undone");
                ObjectNode doneLine = line.deepCopy();
                doneLine.put("changed", changed);
                journal.done(doneLine);
                if (changed) {
                    undone.merge(op.type(), 1, Integer::sum);
                    metrics.operation(op.type().json(), ApplyMetrics.Result.REVERTED);
                }
                progress.accept(++count);
            }
            for (Op op : dir.ops()) {
                if (op.temp() != null) {
                    Files.deleteIfExists(CorpusPath.resolve(root, op.temp()));
                }
            }
            ObjectNode finish = Journal.MAPPER.createObjectNode();
            finish.put("result", "ok");
            journal.event("finish", finish);
        }
        return new ApplyOutcome(dir.header().id(), undone, List.of(), List.of(), notes);
    }

    private boolean undo(Step step, List<String> notes) throws IOException {
        Op op = step.op();
        Path path = CorpusPath.resolve(root, op.path());
        switch (step.undo()) {
            case MOVE_BACK -> {
                FileOps.moveNoOverwrite(CorpusPath.resolve(root, op.to()), path, false);
                return true;
            }
            case MOVE_DIR_BACK -> {
                FileOps.moveNoOverwrite(CorpusPath.resolve(root, op.to()), path, true);
                return true;
            }
            case REMOVE_DUPLICATE -> {
                Files.delete(CorpusPath.resolve(root, op.to()));
                return true;
            }
            case RESTORE -> {
                Path temp = CorpusPath.resolve(root, op.temp());
                FileOps.copyDurably(dir.backup(op), temp);
                if (!content(temp).equals(op.before())) {
                    Files.delete(temp);
                    throw new IOException("copy of the backup of " + op.path() + " does not match it");
                }
                point(op, "restore temp");
                FileOps.replace(temp, path);
                return true;
            }
            case REMOVE_CREATED -> {
                Files.delete(path);
                FileOps.syncDirectory(path.getParent());
                return true;
            }
            case REMOVE_DIR_IF_EMPTY -> {
                if (FileOps.isEmptyDirectory(path)) {
                    Files.delete(path);
                    return true;
                }
                if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    notes.add(op.path() + "/ was created by the apply but is not empty now, left in place");
                }
                return false;
            }
            default -> throw new IllegalStateException("unknown undo " + step.undo());
        }
    }

    private InputFile content(Path file) throws IOException {
        return new InputFile(Files.size(file), files.sha256(file));
    }

    private void point(Op op, String what) {
        checkpoints.reached("op " + op.seq() + " " + op.type().json() + " " + what);
    }

    /** Something the revert must restore was changed since the apply. */
    private static final class Blocked extends Exception {
        Blocked(String message) {
            super(message);
        }
    }
}
