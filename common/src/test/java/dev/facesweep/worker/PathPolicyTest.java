package dev.facesweep.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Allowed roots against real files: {@code ..}, symbolic links, missing files, mapped paths. */
class PathPolicyTest {

    @TempDir
    Path tmp;

    private Path root;
    private Path inside;
    private Path outside;

    @BeforeEach
    void files() throws Exception {
        root = Files.createDirectories(tmp.resolve("corpus"));
        inside = Files.writeString(Files.createDirectories(root.resolve("set1")).resolve("a.png"), "a");
        outside = Files.writeString(tmp.resolve("secret.png"), "s");
    }

    private PathPolicy policy(PathMapping... maps) {
        return PathPolicy.restricted(List.of(maps), List.of(root));
    }

    @Test
    void aFileInsideTheRootResolvesToItsRealPath() throws Exception {
        assertThat(policy().resolve(inside.toString())).isEqualTo(inside.toRealPath());
    }

    @Test
    void mappedPathsAreCheckedAfterMapping() throws Exception {
        PathPolicy policy = policy(new PathMapping("/coordinator/view/", root + "/"));
        assertThat(policy.resolve("/coordinator/view/set1/a.png")).isEqualTo(inside.toRealPath());
        assertThatThrownBy(() -> policy.resolve("/coordinator/view/../../" + tmp.relativize(outside)))
                .isInstanceOf(PathRefusedException.class).hasMessageContaining("outside the allowed roots");
    }

    @Test
    void dotDotEscapeIsRefusedNamingThePath() {
        String sneaky = root + "/set1/../../secret.png";
        assertThatThrownBy(() -> policy().resolve(sneaky)).isInstanceOf(PathRefusedException.class)
                .hasMessage("path " + sneaky + " is outside the allowed roots [" + root + "] (it normalises to "
                        + outside + "); add --allow-root or --path-map on this worker");
    }

    @Test
    void symlinkLeavingTheRootIsRefused() throws Exception {
        Path link = Files.createSymbolicLink(root.resolve("set1/link.png"), outside);
        assertThatThrownBy(() -> policy().resolve(link.toString())).isInstanceOf(PathRefusedException.class)
                .hasMessage("path " + link + " resolves through a link to " + outside.toRealPath()
                        + ", outside the allowed roots [" + root + "]");
        Path dirLink = Files.createSymbolicLink(root.resolve("elsewhere"), tmp);
        assertThatThrownBy(() -> policy().resolve(dirLink.resolve("secret.png").toString()))
                .isInstanceOf(PathRefusedException.class).hasMessageContaining("resolves through a link");
    }

    @Test
    void linksThatStayInsideTheRootAndALinkedRootAreFine() throws Exception {
        Path link = Files.createSymbolicLink(root.resolve("alias"), root.resolve("set1"));
        assertThat(policy().resolve(link.resolve("a.png").toString())).isEqualTo(inside.toRealPath());
        Path linkedRoot = Files.createSymbolicLink(tmp.resolve("corpus-link"), root);
        PathPolicy viaLink = PathPolicy.restricted(List.of(), List.of(linkedRoot));
        assertThat(viaLink.resolve(linkedRoot.resolve("set1/a.png").toString())).isEqualTo(inside.toRealPath());
        assertThat(viaLink.resolve(inside.toString())).isEqualTo(inside.toRealPath());
    }

    @Test
    void aMissingFileIsNoSuchFile() {
        assertThatThrownBy(() -> policy().resolve(root.resolve("set1/gone.png").toString()))
                .isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void relativeAndForeignPathsAreRefused() {
        assertThatThrownBy(() -> policy().resolve("set1/a.png")).isInstanceOf(PathRefusedException.class)
                .hasMessage("path set1/a.png is not absolute on this worker; add a --path-map for it");
        assertThatThrownBy(() -> policy().resolve("E:\\corpus\\a.png")).isInstanceOf(PathRefusedException.class)
                .hasMessageContaining("E:\\corpus\\a.png");
    }

    @Test
    void noRootsMeansInlineOnly() {
        PathPolicy none = PathPolicy.restricted(List.of(), List.of());
        assertThat(none.isInlineOnly()).isTrue();
        assertThatThrownBy(() -> none.resolve(inside.toString())).isInstanceOf(PathRefusedException.class)
                .hasMessage("path " + inside + " refused: this worker reads no files (no allowed roots); give it "
                        + "--allow-root or have the coordinator send images inline");
        assertThat(PathPolicy.inlineOnly().isInlineOnly()).isTrue();
    }

    @Test
    void unrestrictedReadsAnyAbsolutePath() throws Exception {
        PathPolicy any = PathPolicy.unrestricted(List.of());
        assertThat(any.isInlineOnly()).isFalse();
        assertThat(any.resolve(outside.toString())).isEqualTo(outside.toRealPath());
        assertThatThrownBy(() -> any.resolve("x.png")).isInstanceOf(PathRefusedException.class);
    }

    @Test
    void rootsMustBeExistingAbsoluteFolders() {
        Path missing = tmp.resolve("not-there");
        assertThatThrownBy(() -> PathPolicy.restricted(List.of(), List.of(missing)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("allowed root " + missing + " is not an existing folder: mount it or fix the path");
        assertThatThrownBy(() -> PathPolicy.restricted(List.of(), List.of(Path.of("rel"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not absolute");
    }
}
