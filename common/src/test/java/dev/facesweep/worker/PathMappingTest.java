package dev.facesweep.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Prefix rewrites as pure string work, including Windows-style targets and sources (on any OS). */
class PathMappingTest {

    private static PathPolicy maps(String... specs) {
        return PathPolicy.unrestricted(java.util.Arrays.stream(specs).map(PathMapping::parse).toList());
    }

    @Test
    void wslMountBecomesAWindowsDrive() {
        PathPolicy policy = maps("/mnt/e/=E:\\");
        assertThat(policy.map("/mnt/e/facesets/faceset_001/faces/a b.png"))
                .isEqualTo("E:\\facesets\\faceset_001\\faces\\a b.png");
    }

    @Test
    void longestPrefixWinsWhateverTheOrderGiven() {
        PathPolicy policy = maps("/mnt/e/=E:\\", "/mnt/e/special/=F:\\sp");
        assertThat(policy.map("/mnt/e/special/x.png")).isEqualTo("F:\\sp\\x.png");
        assertThat(policy.map("/mnt/e/other/x.png")).isEqualTo("E:\\other\\x.png");
        PathPolicy reversed = maps("/mnt/e/special/=F:\\sp", "/mnt/e/=E:\\");
        assertThat(reversed.map("/mnt/e/special/x.png")).isEqualTo("F:\\sp\\x.png");
        assertThat(policy.mappings()).extracting(PathMapping::from).containsExactly("/mnt/e/special/", "/mnt/e/");
    }

    @Test
    void prefixesMatchWholeSegmentsOnly() {
        PathPolicy policy = maps("/mnt/e=E:");
        assertThat(policy.map("/mnt/ex/y.png")).isEqualTo("/mnt/ex/y.png");
        assertThat(policy.map("/mnt/e/y.png")).isEqualTo("E:\\y.png");
    }

    @Test
    void windowsSourceMatchesCaseAndSeparatorInsensitivelyOntoALinuxTarget() {
        PathPolicy policy = maps("E:\\faces\\=/data/faces");
        assertThat(policy.map("E:\\faces\\sub\\x.png")).isEqualTo("/data/faces/sub/x.png");
        assertThat(policy.map("e:/FACES/sub/x.png")).isEqualTo("/data/faces/sub/x.png");
        assertThat(policy.map("E:\\facesets\\x.png")).isEqualTo("E:\\facesets\\x.png");
    }

    @Test
    void posixSourcesAreCaseSensitive() {
        PathPolicy policy = maps("/mnt/e/=/data/");
        assertThat(policy.map("/Mnt/E/x.png")).isEqualTo("/Mnt/E/x.png");
    }

    @Test
    void uncTargetsAndRootPrefixes() {
        assertThat(maps("/mnt/nas/=\\\\nas\\share\\").map("/mnt/nas/a/x.png")).isEqualTo("\\\\nas\\share\\a\\x.png");
        assertThat(maps("/=E:\\root").map("/a/x.png")).isEqualTo("E:\\root\\a\\x.png");
        assertThat(maps("/srv/corpus/=/data/").map("/srv/corpus/x.png")).isEqualTo("/data/x.png");
    }

    @Test
    void unmatchedPathsAreUnchanged() {
        assertThat(maps("/mnt/e/=E:\\").map("/home/u/x.png")).isEqualTo("/home/u/x.png");
        assertThat(maps().map("relative/x.png")).isEqualTo("relative/x.png");
    }

    @Test
    void parsingSplitsAtTheFirstEqualsAndRejectsHalfSpecs() {
        assertThat(PathMapping.parse("/a=b/=c")).isEqualTo(new PathMapping("/a", "b/=c"));
        assertThatThrownBy(() -> PathMapping.parse("/mnt/e")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("path map '/mnt/e' has no '=': write FROM=TO, e.g. /mnt/e/=E:\\");
        assertThatThrownBy(() -> PathMapping.parse("/mnt/e=")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has an empty side");
        assertThat(List.of(PathMapping.parse(" /x = /y ").toString())).containsExactly("/x=/y");
    }
}
