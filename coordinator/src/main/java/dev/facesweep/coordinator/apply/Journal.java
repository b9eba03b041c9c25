package dev.facesweep.coordinator.apply;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An append-only JSON-lines journal. {@link #intent} lines are forced to disk before the caller goes on;
 * other lines are written without waiting (a lost {@code done} line is recovered by checking the files).
 * A torn line (the process died mid-write) is ignored when reading and closed off before appending.
 */
final class Journal implements Closeable {

    static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final FileChannel channel;
    private final Clock clock;

    private Journal(FileChannel channel, Clock clock) {
        this.channel = channel;
        this.clock = clock;
    }

    static Journal append(Path file, Clock clock) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        long size = ch.size();
        if (size > 0) {
            ByteBuffer last = ByteBuffer.allocate(1);
            ch.read(last, size - 1);
            if (last.get(0) != '\n') {
                ch.write(ByteBuffer.wrap(new byte[] {'\n'}), size);
                size++;
            }
        }
        ch.position(size);
        return new Journal(ch, clock);
    }

    /** Writes the line and forces it to disk. */
    void intent(ObjectNode line) throws IOException {
        line.put("event", "intent");
        write(line, true);
    }

    void done(ObjectNode line) throws IOException {
        line.put("event", "done");
        write(line, false);
    }

    /** Any other event ({@code start}, {@code failed}, {@code finish}...), forced to disk. */
    void event(String event, ObjectNode line) throws IOException {
        line.put("event", event);
        write(line, true);
    }

    private void write(ObjectNode line, boolean force) throws IOException {
        ObjectNode stamped = MAPPER.createObjectNode();
        stamped.put("t", clock.instant().toString());
        stamped.setAll(line);
        ByteBuffer bytes = ByteBuffer.wrap((MAPPER.writeValueAsString(stamped) + "\n")
                .getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
        if (force) {
            channel.force(false);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** Every complete line of a journal (none when the file does not exist). */
    static List<JsonNode> read(Path file) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        if (!Files.exists(file)) {
            return lines;
        }
        String text = Files.readString(file);
        String[] parts = text.split("\n", -1);
        for (String part : parts) {
            if (part.isBlank()) {
                continue;
            }
            try {
                lines.add(MAPPER.readTree(part));
            } catch (JacksonException e) {
                // A torn line: the process died while writing it. Safe to ignore: an intent is forced to disk
                // before its operation starts, and a lost done line is recovered by checking the files.
                continue;
            }
        }
        return lines;
    }
}
