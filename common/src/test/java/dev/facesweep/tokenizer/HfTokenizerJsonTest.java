package dev.facesweep.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfTokenizerJsonTest {

    private static final int CONTEXT = 77;
    private static final int[] A_PHOTO_OF_A_CAT = {49406, 320, 1125, 539, 320, 2368, 49407};

    @TempDir
    static Path dir;

    private static HfTokenizerJson stringMerges;
    private static HfTokenizerJson pairMerges;
    private static BpeTokenizer openClip;

    @BeforeAll
    static void load() {
        stringMerges = HfTokenizerJson.load(
                TokenizerJsonFixture.write(dir.resolve("string-merges.json"), false, true), CONTEXT);
        pairMerges = HfTokenizerJson.load(
                TokenizerJsonFixture.write(dir.resolve("pair-merges.json"), true, true), CONTEXT);
        openClip = BpeTokenizer.load(ReferencePrompts.vocabGz(), CONTEXT);
    }

    @Test
    void bothMergeFormsGiveOpenClipsIdsForEveryReferencePromptWithoutHtml() {
        Map<String, int[]> reference = ReferencePrompts.tokenIds();
        int compared = 0;
        for (Map.Entry<String, int[]> e : reference.entrySet()) {
            if (e.getKey().contains("&")) {
                continue; // Hugging Face does not unescape HTML: see htmlReferencesAreLeftAsWritten
            }
            assertThat(stringMerges.encode(e.getKey()).ids()).as("\"%s\"", e.getKey()).containsExactly(e.getValue());
            assertThat(pairMerges.encode(e.getKey()).ids()).as("\"%s\"", e.getKey()).containsExactly(e.getValue());
            compared++;
        }
        assertThat(compared).isEqualTo(reference.size() - 1);
    }

    @Test
    void aPhotoOfACat() {
        assertThat(stringMerges.encode("a photo of a cat").ids()).containsExactly(A_PHOTO_OF_A_CAT);
        assertThat(stringMerges.contextLength()).isEqualTo(CONTEXT);
    }

    @Test
    void longPromptIsCutToTheContextWithTheEndTokenLast() {
        String text = ReferencePrompts.tokenizerOnlyTexts().stream()
                .filter(t -> t.startsWith(ReferencePrompts.LONG_PROMPT_START)).findFirst().orElseThrow();
        Tokens tokens = pairMerges.encode(text);
        assertThat(tokens.ids()).hasSize(CONTEXT).endsWith(ClipTokenizer.END_OF_TEXT)
                .containsExactly(ReferencePrompts.tokenIds().get(text));
        assertThat(tokens.truncated()).isTrue();
    }

    @Test
    void htmlReferencesAreLeftAsWritten() {
        String text = ReferencePrompts.tokenizerOnlyTexts().stream()
                .filter(t -> t.contains("&amp;")).findFirst().orElseThrow();
        int[] hf = stringMerges.encode(text).ids();
        assertThat(hf).isNotEqualTo(ReferencePrompts.tokenIds().get(text));
        // "&amp;" splits into the words "&", "amp" and ";"; with spaces between them open_clip cannot unescape them.
        assertThat(hf).containsExactly(openClip.encode(text.replace("&amp;", "& amp ;")).ids());
    }

    @Test
    void curlyQuotesAreKeptAsHuggingFaceHasNoFtfy() {
        assertThat(stringMerges.encode("it\u2019s").ids()).isNotEqualTo(stringMerges.encode("it's").ids());
        assertThat(stringMerges.encode("it's a cat").ids()).containsExactly(openClip.encode("it's a cat").ids());
    }

    @Test
    void unicodeWhitespaceAndCaseAreNormalised() {
        assertThat(stringMerges.encode("  A\u00A0Photo\u2003of\ta\nCAT\u3000 ").ids()).containsExactly(A_PHOTO_OF_A_CAT);
        assertThat(stringMerges.encode("cafe\u0301").ids()).containsExactly(stringMerges.encode("caf\u00E9").ids());
    }

    @Test
    void capitalSigmaIsLoweredCharacterByCharacter() {
        // Hugging Face lower-cases each character alone, so a final capital sigma becomes σ (open_clip: ς).
        assertThat(stringMerges.encode("\u039F\u0394\u039F\u03A3").ids())
                .containsExactly(stringMerges.encode("\u03BF\u03B4\u03BF\u03C3").ids());
    }

    @Test
    void specialTokensComeFromAddedTokensOrTheVocabulary() {
        HfTokenizerJson vocabOnly = HfTokenizerJson.load(
                TokenizerJsonFixture.write(dir.resolve("no-added-tokens.json"), false, false), CONTEXT);
        for (HfTokenizerJson tokenizer : List.of(stringMerges, vocabOnly)) {
            assertThat(tokenizer.encode("<|startoftext|>").ids()).containsExactly(49406, 49406, 49407);
            assertThat(tokenizer.encode("a <|endoftext|>").ids()).containsExactly(49406, 320, 49407, 49407);
        }
    }

    @Test
    void agreesWithOpenClipOnPlainPrompts() {
        List<String> prompts = List.of(
                "a close-up portrait of a man wearing aviator sunglasses, 35mm photo",
                "A woman's face with an FFP2 mask; studio lighting (high key)",
                "two people: one with glasses & one without",
                "Ein Gesicht mit Sonnenbrille \u00FCber den Augen",
                "\u4E00\u4E2A\u6234\u53E3\u7F69\u7684\u4EBA 123 emoji \uD83D\uDE37\uD83D\uDE0E",
                "they're wearing masks, aren't they? we'll see... I'd say yes; you've got it");
        for (String prompt : prompts) {
            assertThat(pairMerges.encode(prompt).ids()).as(prompt).containsExactly(openClip.encode(prompt).ids());
        }
    }

    @Test
    void malformedFilesGiveOneLineMessagesNamingTheFileAndBothFormats() throws IOException {
        Map<String, String> cases = Map.of(
                "{not json", "not valid JSON",
                "[1, 2]", "not a JSON object",
                "{}", "no \"model\" object",
                "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {}}}", "not BPE",
                "{\"model\": {\"type\": \"BPE\", \"merges\": []}}", "no \"vocab\"",
                "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}}}", "no \"merges\"",
                "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": \"zero\"}, \"merges\": []}}", "integer id",
                "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"<|startoftext|>\": 0, \"<|endoftext|>\": 1, \"a\": 2},"
                        + " \"merges\": [\"a b\"]}}", "not in the vocabulary",
                "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"<|startoftext|>\": 0, \"<|endoftext|>\": 1},"
                        + " \"merges\": [7]}}", "neither",
                "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"<|startoftext|>\": 0, \"<|endoftext|>\": 1},"
                        + " \"merges\": []}}", "byte symbol");
        int i = 0;
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Path file = Files.writeString(dir.resolve("bad-" + i++ + ".json"), c.getKey());
            assertThatThrownBy(() -> HfTokenizerJson.load(file, CONTEXT))
                    .as(c.getKey())
                    .isInstanceOf(TokenizerException.class)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining(c.getValue())
                    .hasMessageContaining(HfTokenizerJson.FILE)
                    .hasMessageContaining(BpeTokenizer.VOCAB_FILE)
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void missingSpecialTokenIsReported() throws IOException {
        Path file = Files.writeString(dir.resolve("no-specials.json"),
                "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": []}}");
        assertThatThrownBy(() -> HfTokenizerJson.load(file, CONTEXT))
                .isInstanceOf(TokenizerException.class)
                .hasMessageContaining("<|startoftext|>");
    }

    @Test
    void missingFileIsReported() {
        Path file = dir.resolve("absent").resolve(HfTokenizerJson.FILE);
        assertThatThrownBy(() -> HfTokenizerJson.load(file, CONTEXT))
                .isInstanceOf(TokenizerException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("does not exist")
                .hasMessageContaining(BpeTokenizer.VOCAB_FILE);
    }
}
