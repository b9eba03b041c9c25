package dev.facesweep.coordinator.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.facesweep.coordinator.store.StagedImage;
import dev.facesweep.corpus.ContentHash;
import dev.facesweep.corpus.CorpusWalk;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagingTest {

    @TempDir
    Path tmp;

    private void write(Path root, String relative, String content) throws Exception {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    @Test
    void hashesInWalkOrderReusesKnownHashesAndTurnsBadFilesIntoFailuresOrNotes() throws Exception {
        Path root = tmp.resolve("corpus");
        write(root, "a/faces/1.png", "one");
        write(root, "a/faces/2.png", "two");
        write(root, "a/faces/empty.png", "");
        write(root, "a/faces/readme.txt", "notes");
        write(root, "b/3.png", "three");
        write(root, "_masked/c/faces/4.png", "four");
        write(tmp, "outside/secret.png", "secret");
        Files.createSymbolicLink(root.resolve("a/faces/link.png"), tmp.resolve("outside/secret.png"));
        String known = "f".repeat(64);
        AtomicInteger lookups = new AtomicInteger();
        KnownHashes hashes = (path, size, modified) -> {
            lookups.incrementAndGet();
            return path.equals("a/faces/2.png") && size == 3 && modified > 0 ? Optional.of(known) : Optional.empty();
        };

        List<StagedImage> staged = new ArrayList<>();
        List<String> notes;
        try (Staging staging = new Staging(CorpusWalk.open(root), hashes, 2, 2)) {
            while (!staging.exhausted()) {
                staged.addAll(staging.next(2));
            }
            notes = staging.takeNotes();
            assertThat(staging.takeNotes()).isEmpty();
            assertThat(staging.walked()).isEqualTo(4);
        }

        Map<String, StagedImage> byPath = staged.stream()
                .collect(Collectors.toMap(StagedImage::relativePath, Function.identity()));
        assertThat(byPath).containsOnlyKeys("a/faces/1.png", "a/faces/2.png", "a/faces/empty.png",
                "a/faces/link.png", "b/3.png");
        assertThat(byPath.get("a/faces/1.png").sha256())
                .isEqualTo(ContentHash.sha256("one".getBytes(StandardCharsets.UTF_8)));
        assertThat(byPath.get("a/faces/2.png").sha256()).isEqualTo(known);
        assertThat(byPath.get("a/faces/empty.png").error()).contains("0 bytes");
        assertThat(byPath.get("a/faces/link.png").error()).contains("symlink leaves the corpus root");
        assertThat(byPath.get("a/faces/link.png").faceset()).isEqualTo("a");
        assertThat(byPath.get("b/3.png").faceset()).isEqualTo("b");
        assertThat(staged.stream().filter(s -> s.error() == null).map(StagedImage::relativePath))
                .containsExactly("a/faces/1.png", "a/faces/2.png", "b/3.png");
        assertThat(lookups.get()).as("the empty file needs no lookup").isEqualTo(3);
        assertThat(notes).anyMatch(n -> n.startsWith("skipped a/faces/readme.txt"))
                .anyMatch(n -> n.startsWith("note: b: no faces/ folder"))
                .noneMatch(n -> n.contains("_masked"));
    }
}
