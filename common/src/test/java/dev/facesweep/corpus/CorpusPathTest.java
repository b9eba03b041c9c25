package dev.facesweep.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CorpusPathTest {

    @TempDir
    Path dir;

    @Test
    void resolvesStoredPathsInsideTheRoot() {
        Path root = dir.resolve("corpus");

        assertThat(CorpusPath.resolve(root, "alice/faces/001.png"))
                .isEqualTo(root.resolve("alice").resolve("faces").resolve("001.png"));
        assertThat(CorpusPath.resolve(dir.resolve("x/../corpus"), "a.png")).isEqualTo(root.resolve("a.png"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/etc/passwd", "../outside.png", "alice/../../outside.png", "alice/./a.png",
            "alice//a.png", "alice/faces/", "alice\\faces\\a.png", "a\0.png", "..", "."})
    void refusesPathsThatAreNotPlainRelativePaths(String bad) {
        assertThatThrownBy(() -> CorpusPath.resolve(dir, bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("path '" + bad + "'").hasMessageNotContaining("\n");
    }

    @Test
    void refusesANullPath() {
        assertThatThrownBy(() -> CorpusPath.resolve(dir, null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void resolveInsideRefusesLinksLeadingOut() throws Exception {
        Path root = Files.createDirectories(dir.resolve("corpus/alice/faces"));
        Path secret = Files.writeString(dir.resolve("secret.png"), "x");
        Files.createSymbolicLink(root.resolve("link.png"), secret);
        Files.writeString(root.resolve("real.png"), "y");
        Files.createSymbolicLink(root.resolve("inner.png"), root.resolve("real.png"));
        Path corpus = dir.resolve("corpus");

        assertThatThrownBy(() -> CorpusPath.resolveInside(corpus, "alice/faces/link.png"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("link leading out");
        assertThat(CorpusPath.resolveInside(corpus, "alice/faces/inner.png")).isEqualTo(root.resolve("inner.png"));
        assertThat(CorpusPath.resolveInside(corpus, "alice/faces/missing.png")).isEqualTo(root.resolve("missing.png"));
    }
}
