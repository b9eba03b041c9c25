package dev.facesweep.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipTokenizersTest {

    private static final int[] A_PHOTO_OF_A_CAT = {49406, 320, 1125, 539, 320, 2368, 49407};

    @TempDir
    Path dir;

    @Test
    void loadsOpenClipsVocabularyFromTheFixtureBundle() {
        ClipTokenizer tokenizer = ClipTokenizers.load(ReferencePrompts.vocabGz().getParent(), 77);
        assertThat(tokenizer).isInstanceOf(BpeTokenizer.class);
        assertThat(tokenizer.contextLength()).isEqualTo(77);
        assertThat(tokenizer.encode("a photo of a cat").ids()).containsExactly(A_PHOTO_OF_A_CAT);
    }

    @Test
    void loadsTokenizerJsonWhenThatIsAllThereIs() {
        TokenizerJsonFixture.write(dir.resolve(HfTokenizerJson.FILE), true, true);
        ClipTokenizer tokenizer = ClipTokenizers.load(dir, 77);
        assertThat(tokenizer).isInstanceOf(HfTokenizerJson.class);
        assertThat(tokenizer.encode("a photo of a cat").ids()).containsExactly(A_PHOTO_OF_A_CAT);
    }

    @Test
    void prefersOpenClipsVocabularyWhenBothArePresent() throws IOException {
        Files.copy(ReferencePrompts.vocabGz(), dir.resolve(BpeTokenizer.VOCAB_FILE));
        // Broken on purpose: it must not even be read.
        Files.writeString(dir.resolve(HfTokenizerJson.FILE), "{broken");
        ClipTokenizer tokenizer = ClipTokenizers.load(dir, 77);
        assertThat(tokenizer).isInstanceOf(BpeTokenizer.class);
        assertThat(tokenizer.encode("a photo of a cat").ids()).containsExactly(A_PHOTO_OF_A_CAT);
    }

    @Test
    void folderWithoutEitherFileIsReported() throws IOException {
        Files.writeString(dir.resolve("model.onnx"), "not a tokenizer");
        assertOneLineNamingFolderAndBothFiles(() -> ClipTokenizers.load(dir, 77), dir);
    }

    @Test
    void missingFolderIsReported() {
        Path missing = dir.resolve("no-such-textual");
        assertOneLineNamingFolderAndBothFiles(() -> ClipTokenizers.load(missing, 77), missing);
    }

    @Test
    void vocabularyThatIsNotGzipIsReported() throws IOException {
        Files.writeString(dir.resolve(BpeTokenizer.VOCAB_FILE), "plain text, not gzip");
        assertOneLineNamingFolderAndBothFiles(() -> ClipTokenizers.load(dir, 77), dir);
        assertThatThrownBy(() -> ClipTokenizers.load(dir, 77)).hasMessageContaining("gzip");
    }

    @Test
    void vocabularyWithTooFewMergesIsReported() throws IOException {
        writeGz("\"bpe_simple_vocab_16e6.txt#version: 0.2\ni n\nt h\n");
        assertOneLineNamingFolderAndBothFiles(() -> ClipTokenizers.load(dir, 77), dir);
        assertThatThrownBy(() -> ClipTokenizers.load(dir, 77)).hasMessageContaining("has 2 merge lines");
    }

    @Test
    void vocabularyWithABadLineIsReported() throws IOException {
        writeGz("header\ni n\nthree parts here\n");
        assertThatThrownBy(() -> ClipTokenizers.load(dir, 77))
                .isInstanceOf(TokenizerException.class)
                .hasMessageContaining("line 3");
    }

    @Test
    void vocabularyMergingUnknownSymbolsIsReported() throws IOException {
        StringBuilder text = new StringBuilder("header\n");
        for (int i = 0; i < BpeTokenizer.MERGES; i++) {
            text.append("i n\n");
        }
        text.setLength(text.length() - "i n\n".length());
        text.append("xyz qqq\n");
        writeGz(text.toString());
        assertOneLineNamingFolderAndBothFiles(() -> ClipTokenizers.load(dir, 77), dir);
        assertThatThrownBy(() -> ClipTokenizers.load(dir, 77)).hasMessageContaining("not in the vocabulary");
    }

    @Test
    void malformedTokenizerJsonIsReported() throws IOException {
        Files.writeString(dir.resolve(HfTokenizerJson.FILE), "{\"model\": 3}");
        assertOneLineNamingFolderAndBothFiles(() -> ClipTokenizers.load(dir, 77), dir);
    }

    private void writeGz(String text) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(dir.resolve(BpeTokenizer.VOCAB_FILE)))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void assertOneLineNamingFolderAndBothFiles(
            org.assertj.core.api.ThrowableAssert.ThrowingCallable call, Path folder) {
        assertThatThrownBy(call)
                .isInstanceOf(TokenizerException.class)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(folder.toAbsolutePath().toString())
                .hasMessageContaining(BpeTokenizer.VOCAB_FILE)
                .hasMessageContaining(HfTokenizerJson.FILE)
                .hasMessageNotContaining("\n");
    }
}
