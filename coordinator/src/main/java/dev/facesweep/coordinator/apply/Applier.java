package dev.facesweep.coordinator.apply;

import dev.facesweep.coordinator.metrics.ApplyMetrics;
import dev.facesweep.coordinator.plan.InputFile;
import dev.facesweep.corpus.CorpusPath;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntConsumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs (or resumes) an apply's program through its journal.
 *
 * <p>Each operation: an intent line is forced to disk, the operation runs, its post-condition is checked (a moved
 * file has its sha256 at the target and is gone from the source; a rewritten file has the sha256 of the new
 * content), then a done line is written. The original of a rewritten file is first kept in the apply's
 * {@code backup/} (a hard link, or a copy across file systems) and its sha256 checked; the new content goes to a temporary file next to the original and is renamed over
 * it.
 *
 * <p>On resume, an operation with an intent but no done line is checked against the files: finished (the done
 * line is written), not started or half done (leftovers removed, then run again). A failed operation is reported,
 * the rest of its face set is skipped, other face sets go on.
 */
final class Applier {

    private final ApplyMetrics metrics;
    private final ApplyDir dir;
    private final Path root;
    private final Checkpoints checkpoints;
    private final Clock clock;
    private final Producer producer;
    private final FileOps files = new FileOps();
    private final IntConsumer progress;

    Applier(ApplyDir dir, Checkpoints checkpoints, Clock clock, IntConsumer progress, ApplyMetrics metrics) {
        this.metrics = metrics;
        this.dir = dir;
        this.root = dir.root();
        this.checkpoints = checkpoints;
        this.clock = clock;
        this.progress = progress;
        this.producer = new Producer(dir.plan(), dir.header(), dir.ops());
    }

    /** Runs every operation not done yet; returns what is done and what failed. */
    ApplyOutcome run(List<String> problems, List<String> notes) throws IOException {
        JournalState state = JournalState.read(dir.journal());
        Map<OpType, Integer> done = new EnumMap<>(OpType.class);
        List<String> failures = new ArrayList<>();
        Set<String> failedFacesets = new HashSet<>();
        try (Journal journal = Journal.append(dir.journal(), clock)) {
            ObjectNode start = node();
            start.put("apply", dir.header().id());
            start.put("resume", state.started());
            journal.event("start", start);
            int count = 0;
            for (Op op : dir.ops()) {
                if (state.isDone(op.seq())) {
                    done.merge(op.type(), 1, Integer::sum);
                    progress.accept(++count);
                    continue;
                }
                if (op.faceset() != null && failedFacesets.contains(op.faceset())) {
                    ObjectNode skipped = opLine(op);
                    skipped.put("reason", "an earlier operation of face set " + op.faceset() + " failed");
                    journal.event("skipped", skipped);
                    failures.add(op.describe() + ": skipped, an earlier operation of its face set failed");
                    metrics.operation(op.type().json(), ApplyMetrics.Result.FAILED);
                    continue;
                }
                try {
                    boolean finished = false;
                    if (state.hasIntent(op.seq())) {
                        ObjectNode recovered = recover(op, state.intents.get(op.seq()));
                        if (recovered != null) {
                            recovered.put("recovered", true);
                            journal.done(recovered);
                            finished = true;
                        }
                    }
                    if (!finished) {
                        perform(op, journal);
                    }
                    done.merge(op.type(), 1, Integer::sum);
                    metrics.operation(op.type().json(), ApplyMetrics.Result.DONE);
                } catch (OpFailure | IOException | Producer.ProduceException e) {
                    String message = e instanceof OpFailure ? e.getMessage()
                            : e.getClass().getSimpleName() + ": " + e.getMessage();
                    ObjectNode failed = opLine(op);
                    failed.put("error", message);
                    journal.event("failed", failed);
                    failures.add(op.describe() + ": " + message);
                    metrics.operation(op.type().json(), ApplyMetrics.Result.FAILED);
                    if (op.faceset() != null) {
                        failedFacesets.add(op.faceset());
                    }
                }
                progress.accept(++count);
            }
            ObjectNode finish = node();
            finish.put("result", failures.isEmpty() ? "ok" : "partial");
            finish.put("failed", failures.size());
            journal.event("finish", finish);
        }
        return new ApplyOutcome(dir.header().id(), done, failures, problems, notes);
    }

    // ---------------------------------------------------------------- running one operation

    private void perform(Op op, Journal journal) throws IOException, OpFailure, Producer.ProduceException {
        Path path = CorpusPath.resolve(root, op.path());
        switch (op.type()) {
            case MKDIR -> {
                journal.intent(opLine(op));
                point(op, "intent");
                if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectory(path);
                }
                point(op, "created");
                if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    throw new OpFailure("folder " + op.path() + " was not created");
                }
                journal.done(opLine(op));
            }
            case MOVE -> {
                Path to = CorpusPath.resolve(root, op.to());
                if (FileOps.exists(to)) {
                    throw new OpFailure("target " + op.to() + " exists now (created after the apply started?),"
                            + " not overwritten");
                }
                journal.intent(opLine(op));
                point(op, "intent");
                FileOps.moveNoOverwrite(path, to, false);
                point(op, "moved");
                checkMoved(op, path, to);
                journal.done(opLine(op));
            }
            case MOVE_DIR -> {
                Path to = CorpusPath.resolve(root, op.to());
                if (FileOps.exists(to)) {
                    throw new OpFailure("target " + op.to() + "/ exists now, not overwritten");
                }
                ObjectNode intent = opLine(op);
                intent.set("files", TreeListing.of(path, op.path(), dir.plan().inputs(), files).toJson());
                journal.intent(intent);
                point(op, "intent");
                FileOps.moveNoOverwrite(path, to, true);
                point(op, "moved");
                checkMovedDir(op, path, to, TreeListing.fromJson(intent.get("files")));
                journal.done(opLine(op));
            }
            case REWRITE_FSZ, REWRITE_MANIFEST, UPDATE_MASTER -> rewrite(op, path, journal);
            default -> throw new IllegalStateException("unknown operation " + op.type());
        }
    }

    private void rewrite(Op op, Path path, Journal journal)
            throws IOException, OpFailure, Producer.ProduceException {
        Path temp = CorpusPath.resolve(root, op.temp());
        journal.intent(opLine(op));
        point(op, "intent");
        Files.deleteIfExists(temp);
        Path source = null;
        if (op.before() != null) {
            source = dir.backup(op);
            FileOps.keepOriginal(path, source);
            InputFile copy = new InputFile(Files.size(source), files.sha256(source));
            if (!copy.equals(op.before())) {
                Files.delete(source);
                throw new OpFailure(op.path() + " changed since the apply checked it (sha256 differs), left"
                        + " untouched");
            }
            point(op, "backup");
        } else if (FileOps.exists(path)) {
            throw new OpFailure(op.path() + " appeared after the apply started, left untouched");
        }
        ObjectNode details = producer.produce(op, source, temp);
        InputFile after = new InputFile(Files.size(temp), files.sha256(temp));
        point(op, "temp");
        if (op.before() == null) {
            Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE);
            FileOps.syncDirectory(path.getParent());
        } else {
            FileOps.replace(temp, path);
        }
        point(op, "renamed");
        InputFile now = new InputFile(Files.size(path), files.sha256(path));
        if (!now.equals(after)) {
            throw new OpFailure(op.path() + " does not hold the new content after the rename");
        }
        ObjectNode line = opLine(op);
        line.put("after_size", after.size());
        line.put("after_sha256", after.sha256());
        line.setAll(details);
        journal.done(line);
    }

    private void checkMoved(Op op, Path from, Path to) throws IOException, OpFailure {
        if (FileOps.exists(from)) {
            throw new OpFailure(op.path() + " is still there after the move");
        }
        if (!Files.isRegularFile(to, LinkOption.NOFOLLOW_LINKS)) {
            throw new OpFailure(op.to() + " is missing after the move");
        }
        InputFile moved = new InputFile(Files.size(to), files.sha256(to));
        if (op.before() != null && !moved.equals(op.before())) {
            throw new OpFailure(op.to() + " does not hold the content of " + op.path() + " after the move");
        }
    }

    private void checkMovedDir(Op op, Path from, Path to, TreeListing expected) throws IOException, OpFailure {
        if (FileOps.exists(from)) {
            throw new OpFailure(op.path() + "/ is still there after the move");
        }
        if (!Files.isDirectory(to, LinkOption.NOFOLLOW_LINKS)) {
            throw new OpFailure(op.to() + "/ is missing after the move");
        }
        String difference = expected.sizesDiffer(to);
        if (difference != null) {
            throw new OpFailure(op.to() + "/ differs from the face set it was moved from: " + difference);
        }
    }

    // ---------------------------------------------------------------- resume

    /**
     * Checks an operation that has an intent but no done line. Returns the done line when it is finished; null
     * when it has to run (again), after removing what a half-done run left.
     */
    private ObjectNode recover(Op op, JsonNode intent) throws IOException, OpFailure, Producer.ProduceException {
        Path path = CorpusPath.resolve(root, op.path());
        switch (op.type()) {
            case MKDIR -> {
                return Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) ? opLine(op) : null;
            }
            case MOVE -> {
                Path to = CorpusPath.resolve(root, op.to());
                boolean source = FileOps.exists(path);
                boolean target = FileOps.exists(to);
                if (source && !target) {
                    return null;
                }
                if (!source && target) {
                    checkMoved(op, path, to);
                    return opLine(op);
                }
                if (source) {
                    // a copy across file systems was interrupted: keep whichever copy is complete
                    InputFile copy = new InputFile(Files.size(to), files.sha256(to));
                    if (copy.equals(op.before())) {
                        Files.delete(path);
                        return opLine(op);
                    }
                    Files.delete(to);
                    return null;
                }
                throw new OpFailure(op.path() + " and " + op.to() + " are both missing: find the image and put it"
                        + " back at " + op.path() + ", then resume");
            }
            case MOVE_DIR -> {
                Path to = CorpusPath.resolve(root, op.to());
                boolean source = FileOps.exists(path);
                boolean target = FileOps.exists(to);
                if (source && !target) {
                    return null;
                }
                if (!source && target) {
                    checkMovedDir(op, path, to, TreeListing.fromJson(intent.get("files")));
                    return opLine(op);
                }
                throw new OpFailure(source ? op.to() + "/ exists beside " + op.path() + "/, not overwritten"
                        : op.path() + "/ and " + op.to() + "/ are both missing");
            }
            case REWRITE_FSZ, REWRITE_MANIFEST, UPDATE_MASTER -> {
                return recoverRewrite(op, path);
            }
            default -> throw new IllegalStateException("unknown operation " + op.type());
        }
    }

    private ObjectNode recoverRewrite(Op op, Path path) throws IOException, OpFailure, Producer.ProduceException {
        Path temp = CorpusPath.resolve(root, op.temp());
        if (op.before() == null) {
            if (!FileOps.exists(path)) {
                Files.deleteIfExists(temp);
                return null;
            }
        } else {
            if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                throw new OpFailure(op.path() + " is missing: restore it from " + dir.backup(op) + " if that"
                        + " exists, then resume");
            }
            InputFile now = new InputFile(Files.size(path), files.sha256(path));
            if (now.equals(op.before())) {
                Files.deleteIfExists(temp);
                return null;
            }
        }
        InputFile expected = expectedAfter(op, temp);
        InputFile now = new InputFile(Files.size(path), files.sha256(path));
        if (!now.equals(expected)) {
            throw new OpFailure(op.path() + " was changed by something else during the apply (it is neither the"
                    + " original nor the rewritten file); the original is in " + dir.backup(op));
        }
        ObjectNode line = opLine(op);
        line.put("after_size", expected.size());
        line.put("after_sha256", expected.sha256());
        return line;
    }

    /** Size and sha256 of the content the rewrite produces, computed into {@code scratch} (deleted after). */
    InputFile expectedAfter(Op op, Path scratch) throws IOException, OpFailure, Producer.ProduceException {
        return expectedAfter(dir, producer, files, op, scratch);
    }

    static InputFile expectedAfter(ApplyDir dir, Producer producer, FileOps files, Op op, Path scratch)
            throws IOException, OpFailure, Producer.ProduceException {
        Path source = null;
        if (op.before() != null) {
            source = dir.backup(op);
            if (!Files.isRegularFile(source)
                    || !new InputFile(Files.size(source), files.sha256(source)).equals(op.before())) {
                throw new OpFailure("the backup " + source + " of " + op.path() + " is missing or damaged");
            }
        }
        Files.deleteIfExists(scratch);
        try {
            producer.produce(op, source, scratch);
            return new InputFile(Files.size(scratch), files.sha256(scratch));
        } finally {
            Files.deleteIfExists(scratch);
        }
    }

    // ---------------------------------------------------------------- plumbing

    private void point(Op op, String what) {
        checkpoints.reached("op " + op.seq() + " " + op.type().json() + " " + what);
    }

    static ObjectNode opLine(Op op) {
        return op.toJson();
    }

    private static ObjectNode node() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** An operation could not be done; the message names the file and what to do. */
    static final class OpFailure extends Exception {
        OpFailure(String message) {
            super(message);
        }
    }

    /** Files under a face-set folder with their size and sha256 (taken from the plan when it recorded them). */
    record TreeListing(Map<String, InputFile> files) {

        static TreeListing of(Path dir, String dirRel, Map<String, InputFile> known, FileOps hasher)
                throws IOException {
            Map<String, InputFile> files = new TreeMap<>();
            walk(dir, dir, dirRel, known, hasher, files);
            return new TreeListing(files);
        }

        private static void walk(Path base, Path dir, String dirRel, Map<String, InputFile> known, FileOps hasher,
                Map<String, InputFile> out) throws IOException {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path p : entries) {
                    String rel = CorpusPaths.relative(base, p);
                    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                        out.put(rel + "/", new InputFile(-1, ""));
                        walk(base, p, dirRel, known, hasher, out);
                    } else {
                        long size = Files.size(p);
                        InputFile k = known.get(dirRel + "/" + rel);
                        if (k != null && k.size() == size) {
                            out.put(rel, k);
                        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                            out.put(rel, new InputFile(size, hasher.sha256(p)));
                        } else {
                            out.put(rel, new InputFile(-2, "link:" + Files.readSymbolicLink(p)));
                        }
                    }
                }
            }
        }

        /** The first file whose presence or size differs under {@code dir}, or null. */
        String sizesDiffer(Path dir) throws IOException {
            Map<String, InputFile> now = new TreeMap<>();
            walkSizes(dir, dir, now);
            for (Map.Entry<String, InputFile> e : files.entrySet()) {
                InputFile n = now.get(e.getKey());
                if (n == null) {
                    return e.getKey() + " is missing";
                }
                if (e.getValue().size() >= 0 && n.size() != e.getValue().size()) {
                    return e.getKey() + " was changed (other size)";
                }
            }
            for (String k : now.keySet()) {
                if (!files.containsKey(k)) {
                    return k + " was added";
                }
            }
            return null;
        }

        /** The first file whose presence or content differs under {@code dir}, or null. */
        String contentDiffers(Path dir, FileOps hasher) throws IOException {
            String sizes = sizesDiffer(dir);
            if (sizes != null) {
                return sizes;
            }
            for (Map.Entry<String, InputFile> e : files.entrySet()) {
                if (e.getValue().size() >= 0) {
                    String sha = hasher.sha256(dir.resolve(e.getKey()));
                    if (!sha.equals(e.getValue().sha256())) {
                        return e.getKey() + " was changed";
                    }
                }
            }
            return null;
        }

        private static void walkSizes(Path base, Path dir, Map<String, InputFile> out) throws IOException {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path p : entries) {
                    String rel = CorpusPaths.relative(base, p);
                    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                        out.put(rel + "/", new InputFile(-1, ""));
                        walkSizes(base, p, out);
                    } else {
                        out.put(rel, new InputFile(Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                                ? Files.size(p) : -2, ""));
                    }
                }
            }
        }

        ObjectNode toJson() {
            ObjectNode n = JsonNodeFactory.instance.objectNode();
            files.forEach((rel, f) -> {
                ObjectNode e = n.putObject(rel);
                e.put("size", f.size());
                e.put("sha256", f.sha256());
            });
            return n;
        }

        static TreeListing fromJson(JsonNode n) {
            Map<String, InputFile> files = new TreeMap<>();
            n.properties().forEach(e -> files.put(e.getKey(), new InputFile(e.getValue().get("size").asLong(),
                    e.getValue().get("sha256").asString())));
            return new TreeListing(files);
        }
    }
}
