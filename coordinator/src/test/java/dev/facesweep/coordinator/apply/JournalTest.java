package dev.facesweep.coordinator.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

class JournalTest {

    @TempDir
    Path dir;

    private final Clock clock = Clock.fixed(Instant.parse("2025-03-01T10:00:00Z"), ZoneOffset.UTC);

    private static ObjectNode op(int n) {
        return Journal.MAPPER.createObjectNode().put("op", n).put("type", "move");
    }

    @Test
    void aTornLastLineIsIgnoredAndClosedOffBeforeAppending() throws Exception {
        Path file = dir.resolve("journal.jsonl");
        try (Journal j = Journal.append(file, clock)) {
            j.intent(op(1));
            j.done(op(1));
        }
        Files.writeString(file, "{\"op\":2,\"event\":\"inte", StandardOpenOption.APPEND);
        JournalState torn = JournalState.read(file);
        assertThat(torn.isDone(1)).isTrue();
        assertThat(torn.hasIntent(2)).isFalse();

        try (Journal j = Journal.append(file, clock)) {
            j.intent(op(3));
        }
        JournalState after = JournalState.read(file);
        assertThat(after.hasIntent(3)).isTrue();
        assertThat(after.intents.get(3).get("t").asString()).isEqualTo("2025-03-01T10:00:00Z");
        assertThat(Files.readAllLines(file)).hasSize(4);
    }

    @Test
    void aLaterDoneClearsAnEarlierFailure() throws Exception {
        Path file = dir.resolve("journal.jsonl");
        try (Journal j = Journal.append(file, clock)) {
            j.event("start", Journal.MAPPER.createObjectNode());
            j.intent(op(1));
            j.event("failed", op(1).put("error", "disk full"));
            j.intent(op(1));
            j.done(op(1));
        }
        JournalState s = JournalState.read(file);
        assertThat(s.started()).isTrue();
        assertThat(s.finished()).isFalse();
        assertThat(s.failed).isEmpty();
        assertThat(s.isDone(1)).isTrue();
    }
}
