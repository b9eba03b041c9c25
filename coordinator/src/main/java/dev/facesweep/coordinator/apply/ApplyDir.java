package dev.facesweep.coordinator.apply;

import dev.facesweep.coordinator.plan.Plan;
import dev.facesweep.coordinator.plan.PlanFormatException;
import dev.facesweep.coordinator.plan.PlanJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The folder of one apply: {@code <state>/applies/<id>/} with
 * <ul>
 *   <li>{@code apply.json}: the header ({@link ApplyHeader});</li>
 *   <li>{@code plan.json}: the plan as applied;</li>
 *   <li>{@code ops.jsonl}: the program, one operation per line, fixed before the first operation;</li>
 *   <li>{@code journal.jsonl}: the apply's journal (intent / done / failed lines);</li>
 *   <li>{@code backup/}: the originals of rewritten files;</li>
 *   <li>{@code revert.jsonl}: the revert's journal, once a revert started.</li>
 * </ul>
 * The folder is written under a temporary name and renamed into place, so it either exists complete or not at all.
 */
final class ApplyDir {

    static final String APPLIES = "applies";

    private final Path dir;
    private final ApplyHeader header;
    private final Plan plan;
    private final List<Op> ops;

    private ApplyDir(Path dir, ApplyHeader header, Plan plan, List<Op> ops) {
        this.dir = dir;
        this.header = header;
        this.plan = plan;
        this.ops = ops;
    }

    static Path appliesDir(Path state) {
        return state.resolve(APPLIES);
    }

    static ApplyDir create(Path state, ApplyHeader header, Plan plan, List<Op> ops) throws IOException {
        Path applies = appliesDir(state);
        Files.createDirectories(applies);
        Path tmp = applies.resolve("." + header.id() + ".tmp");
        Path dir = applies.resolve(header.id());
        Files.createDirectories(tmp.resolve("backup"));
        FileOps.writeDurably(tmp.resolve("plan.json"), PlanJson.toText(plan).getBytes(StandardCharsets.UTF_8));
        StringBuilder lines = new StringBuilder();
        for (Op op : ops) {
            lines.append(Journal.MAPPER.writeValueAsString(op.toJson())).append('\n');
        }
        FileOps.writeDurably(tmp.resolve("ops.jsonl"), lines.toString().getBytes(StandardCharsets.UTF_8));
        FileOps.writeDurably(tmp.resolve("apply.json"), (Journal.MAPPER.writerWithDefaultPrettyPrinter()
                .writeValueAsString(header.toJson()) + "\n").getBytes(StandardCharsets.UTF_8));
        FileOps.syncDirectory(tmp);
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        FileOps.syncDirectory(applies);
        return new ApplyDir(dir, header, plan, List.copyOf(ops));
    }

    /** Opens an existing apply; {@link ApplyException} when there is none with this id or it is damaged. */
    static ApplyDir open(Path state, String id) {
        if (id.isEmpty() || id.contains("/") || id.contains("\\") || id.startsWith(".")) {
            throw new ApplyException("'" + id + "' is not an apply id (see 'facesweep history')");
        }
        Path dir = appliesDir(state).resolve(id);
        try {
            ApplyHeader header = ApplyHeader.fromJson(Journal.MAPPER.readTree(
                    Files.readString(dir.resolve("apply.json"))));
            Plan plan = PlanJson.read(dir.resolve("plan.json"));
            List<Op> ops = new ArrayList<>();
            for (String line : Files.readAllLines(dir.resolve("ops.jsonl"))) {
                if (!line.isBlank()) {
                    ops.add(Op.fromJson(Journal.MAPPER.readTree(line)));
                }
            }
            return new ApplyDir(dir, header, plan, List.copyOf(ops));
        } catch (NoSuchFileException e) {
            throw new ApplyException("no apply " + id + " in " + appliesDir(state) + " (see 'facesweep history"
                    + " --state " + state + "')");
        } catch (IOException | PlanFormatException | RuntimeException e) {
            throw new ApplyException("apply " + id + " in " + dir + " is damaged: " + e.getMessage(), e);
        }
    }

    /** Ids of all complete apply folders, oldest first by their creation time. */
    static List<ApplyHeader> list(Path state) throws IOException {
        List<ApplyHeader> headers = new ArrayList<>();
        Path applies = appliesDir(state);
        if (!Files.isDirectory(applies)) {
            return headers;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(applies)) {
            for (Path e : entries) {
                Path header = e.resolve("apply.json");
                if (!e.getFileName().toString().startsWith(".") && Files.isRegularFile(header)) {
                    headers.add(ApplyHeader.fromJson(Journal.MAPPER.readTree(Files.readString(header))));
                }
            }
        }
        headers.sort(Comparator.comparing(ApplyHeader::created).thenComparing(ApplyHeader::id));
        return headers;
    }

    Path dir() {
        return dir;
    }

    ApplyHeader header() {
        return header;
    }

    Plan plan() {
        return plan;
    }

    List<Op> ops() {
        return ops;
    }

    Path root() {
        return Path.of(header.root());
    }

    Path journal() {
        return dir.resolve("journal.jsonl");
    }

    Path revertJournal() {
        return dir.resolve("revert.jsonl");
    }

    Path backup(Op op) {
        return dir.resolve(op.backup());
    }
}
