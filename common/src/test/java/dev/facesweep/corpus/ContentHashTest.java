package dev.facesweep.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentHashTest {

    // FIPS 180-2 test vectors.
    private static final String EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    private static final String MILLION_A = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";

    @TempDir
    Path dir;

    @Test
    void hashesFilesAsLowercaseHex() throws Exception {
        ContentHash hash = new ContentHash();

        assertThat(hash.sha256(Files.write(dir.resolve("empty"), new byte[0]))).isEqualTo(EMPTY);
        assertThat(hash.sha256(Files.writeString(dir.resolve("abc"), "abc"))).isEqualTo(ABC);
    }

    @Test
    void fileLargerThanTheBufferAndReuseOfOneInstance() throws Exception {
        ContentHash hash = new ContentHash();
        Path big = Files.write(dir.resolve("big"), "a".repeat(1_000_000).getBytes(StandardCharsets.US_ASCII));

        assertThat(hash.sha256(big)).isEqualTo(MILLION_A);
        assertThat(hash.sha256(Files.writeString(dir.resolve("abc"), "abc"))).isEqualTo(ABC);
        assertThat(hash.sha256(big)).isEqualTo(MILLION_A);
    }

    @Test
    void hashesBytesInMemory() {
        assertThat(ContentHash.sha256("abc".getBytes(StandardCharsets.US_ASCII))).isEqualTo(ABC);
    }

    @Test
    void recognisesTheHexForm() {
        assertThat(ContentHash.isSha256Hex(ABC)).isTrue();
        assertThat(ContentHash.isSha256Hex(ABC.toUpperCase())).isFalse();
        assertThat(ContentHash.isSha256Hex(ABC.substring(1))).isFalse();
        assertThat(ContentHash.isSha256Hex(null)).isFalse();
        assertThat(ContentHash.isSha256Hex(ABC + "0")).isFalse();
        for (char bad : new char[] {'g', 'G', '/', ':', '`', ' ', '\u00e9'}) {
            assertThat(ContentHash.isSha256Hex(bad + ABC.substring(1))).as("%s first", bad).isFalse();
            assertThat(ContentHash.isSha256Hex(ABC.substring(0, 63) + bad)).as("%s last", bad).isFalse();
        }
    }
}
