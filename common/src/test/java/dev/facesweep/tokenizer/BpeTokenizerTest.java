package dev.facesweep.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BpeTokenizerTest {

    private static final int CONTEXT = 77;
    private static final int[] A_PHOTO_OF_A_CAT = {49406, 320, 1125, 539, 320, 2368, 49407};

    private static BpeTokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = BpeTokenizer.load(ReferencePrompts.vocabGz(), CONTEXT);
    }

    private static int[] ids(String text) {
        return tokenizer.encode(text).ids();
    }

    @Test
    void referenceCoversEveryFixturePrompt() {
        assertThat(ReferencePrompts.tokenIds().keySet())
                .containsAll(ReferencePrompts.allPromptTexts())
                .containsAll(ReferencePrompts.tokenizerOnlyTexts());
    }

    @Test
    void matchesOpenClipOnEveryReferencePrompt() {
        Map<String, int[]> reference = ReferencePrompts.tokenIds();
        assertThat(reference).hasSizeGreaterThanOrEqualTo(25);
        reference.forEach((text, expected) ->
                assertThat(ids(text)).as("ids of \"%s\"", text).containsExactly(expected));
    }

    @Test
    void aPhotoOfACat() {
        Tokens tokens = tokenizer.encode("a photo of a cat");
        assertThat(tokens.ids()).containsExactly(A_PHOTO_OF_A_CAT);
        assertThat(tokens.truncated()).isFalse();
        assertThat(tokenizer.contextLength()).isEqualTo(CONTEXT);
    }

    @Test
    void longPromptIsCutToTheContextWithTheEndTokenLast() {
        String text = ReferencePrompts.tokenizerOnlyTexts().stream()
                .filter(t -> t.startsWith(ReferencePrompts.LONG_PROMPT_START)).findFirst().orElseThrow();
        Tokens tokens = tokenizer.encode(text);
        assertThat(tokens.ids()).hasSize(CONTEXT).startsWith(ClipTokenizer.START_OF_TEXT).endsWith(ClipTokenizer.END_OF_TEXT);
        assertThat(tokens.truncated()).isTrue();
        assertThat(tokens.ids()).containsExactly(ReferencePrompts.tokenIds().get(text));
    }

    @Test
    void exactlyFullContextIsNotTruncated() {
        // "a" is one token (320, from "a photo of a cat"), so 75 of them fill 77 ids with the start and end tokens.
        Tokens full = tokenizer.encode("a ".repeat(CONTEXT - 2));
        assertThat(full.ids()).hasSize(CONTEXT).containsOnly(ClipTokenizer.START_OF_TEXT, 320, ClipTokenizer.END_OF_TEXT);
        assertThat(full.truncated()).isFalse();

        Tokens over = tokenizer.encode("a ".repeat(CONTEXT - 1));
        assertThat(over.ids()).isEqualTo(full.ids());
        assertThat(over.truncated()).isTrue();
    }

    @Test
    void honoursASmallerContextLength() {
        BpeTokenizer short10 = BpeTokenizer.load(ReferencePrompts.vocabGz(), 10);
        assertThat(short10.encode("a photo of a cat").ids()).containsExactly(A_PHOTO_OF_A_CAT);
        Tokens cut = short10.encode("a photo of a cat and a photo of a dog");
        assertThat(cut.ids()).hasSize(10).startsWith(49406, 320, 1125, 539, 320, 2368).endsWith(49407);
        assertThat(cut.truncated()).isTrue();
    }

    @Test
    void rejectsAContextTooShortForStartAndEnd() {
        assertThatThrownBy(() -> BpeTokenizer.load(ReferencePrompts.vocabGz(), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 2");
    }

    @Test
    void emptyAndBlankTextGiveOnlyStartAndEnd() {
        for (String text : List.of("", "   ", "\t\n\u00A0\u3000")) {
            Tokens tokens = tokenizer.encode(text);
            assertThat(tokens.ids()).containsExactly(49406, 49407);
            assertThat(tokens.truncated()).isFalse();
        }
    }

    @Test
    void nullTextIsRejected() {
        assertThatThrownBy(() -> tokenizer.encode(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void upperCaseIsLowered() {
        assertThat(ids("A PHOTO OF A CAT")).containsExactly(A_PHOTO_OF_A_CAT);
    }

    @Test
    void anyUnicodeWhitespaceRunIsOneSpace() {
        List<String> forms = List.of(
                "a\u00A0photo\u2003of a\u2009cat",
                "\ta\nphoto\r\nof\u3000a  cat ",
                "a\u2028photo\u2029of\u205Fa\u202Fcat\u1680",
                "a\fphoto\u2000\u200Aof a\rcat");
        for (String text : forms) {
            assertThat(ids(text)).as("ids of %s", text.codePoints().mapToObj(Integer::toHexString).toList())
                    .containsExactly(A_PHOTO_OF_A_CAT);
        }
    }

    @Test
    void controlCharactersThatPythonCallsSpaceAreFixedByFtfyFirst() {
        // ftfy reads U+0085 as Windows-1252 (an ellipsis) before it would treat it as a line break ...
        assertThat(ids("a\u0085b")).containsExactly(ids("a\u2026b"));
        // ... and removes vertical tab and the information separators, which joins the words around them.
        assertThat(ids("of\u000Ba")).containsExactly(ids("ofa"));
        assertThat(ids("of\u001Ca")).containsExactly(ids("ofa"));
    }

    @Test
    void curlyQuotesAreStraightened() {
        assertThat(ids("it\u2019s a cat")).containsExactly(ids("it's a cat"));
        assertThat(ids("it\u2018s")).containsExactly(ids("it's"));
        assertThat(ids("\u201Cquoted\u201D")).containsExactly(ids("\"quoted\""));
        assertThat(ids("it\u02BCs")).containsExactly(ids("it's"));
    }

    @Test
    void htmlIsUnescapedTwice() {
        assertThat(ids("&amp;amp;")).containsExactly(ids("&"));
        assertThat(ids("a photo of a cat &amp; a dog")).containsExactly(ids("a photo of a cat & a dog"));
        assertThat(ids("&lt;3 &gt;_&lt;")).containsExactly(ids("<3 >_<"));
        assertThat(ids("&quot;hi&quot; &#39;x&#39; &apos;y&apos;")).containsExactly(ids("\"hi\" 'x' 'y'"));
        assertThat(ids("a&nbsp;photo of a cat")).containsExactly(A_PHOTO_OF_A_CAT);
        assertThat(ids("&#x41; &#65; &#X42;")).containsExactly(ids("a a b"));
        assertThat(ids("&copy 2024 &ampersand")).containsExactly(ids("\u00A9 2024 &ersand"));
    }

    @Test
    void ftfyDecodesReferencesUntilStableUnlessTheTextLooksLikeHtml() {
        // ftfy repeats its fixes until nothing changes, then open_clip unescapes twice more.
        assertThat(ids("&amp;amp;amp;amp;")).containsExactly(ids("&"));
        // ftfy leaves references alone in text with '<', so only open_clip's two passes apply.
        // "<b>&amp;amp;" is then split like "<b>& amp; amp;", whose spaces keep it from being unescaped.
        assertThat(ids("<b>&amp;amp;amp;amp;")).containsExactly(ids("<b>& amp; amp;"));
        // ftfy turns &#8217; into a curly quote and then straightens it ...
        assertThat(ids("it&#8217;s")).containsExactly(ids("it's"));
        // ... but with a '<' only html.unescape sees it, after ftfy, so the curly quote stays curly.
        assertThat(ids("<i>it&rsquo;s")).isNotEqualTo(ids("<i>it's"));
        assertThat(ids("<i>it&rsquo;s")).containsExactly(ids("<i>it&#8217;s"));
        // ftfy also reads upper-cased entity names.
        assertThat(ids("caf&EACUTE;")).containsExactly(ids("caf\u00E9"));
    }

    @Test
    void numericReferencesFollowPythonsRules() {
        assertThat(ids("&#128;")).containsExactly(ids("\u20AC"));
        assertThat(ids("x&#0;")).containsExactly(ids("x\uFFFD"));
        assertThat(ids("x&#x110000;")).containsExactly(ids("x\uFFFD"));
        assertThat(ids("c&#1;at")).containsExactly(ids("cat"));
        assertThat(ids("&#x1F600;")).containsExactly(ids("\uD83D\uDE00"));
    }

    @Test
    void textIsNfcNormalised() {
        assertThat(ids("cafe\u0301")).containsExactly(ids("caf\u00E9"));
    }

    @Test
    void ligaturesFullWidthFormsAndControlCharactersAreFixed() {
        assertThat(ids("\uFB01sh")).containsExactly(ids("fish"));
        assertThat(ids("\uFF23\uFF21\uFF34")).containsExactly(ids("cat"));
        assertThat(ids("c\u0007a\u0000t\uFEFF")).containsExactly(ids("cat"));
        assertThat(ids("\u001B[31mcat\u001B[0m")).containsExactly(ids("cat"));
    }

    @Test
    void specialTokenTextMapsToTheSpecialIds() {
        assertThat(ids("<start_of_text>")).containsExactly(49406, 49406, 49407);
        assertThat(ids("<END_OF_TEXT>")).containsExactly(49406, 49407, 49407);
    }

    @Test
    void finalCapitalSigmaIsLoweredToFinalSigmaAsPythonDoes() {
        assertThat(ids("\u039F\u0394\u039F\u03A3")).containsExactly(ids("\u03BF\u03B4\u03BF\u03C2"));
    }

    @Test
    void combiningIotaIsDroppedAsPythonsCaseInsensitiveRegexDoes() {
        assertThat(ids("x\u0345y")).containsExactly(ids("x y"));
    }

    @Test
    void encodesConcurrentlyWithASmallEvictingCache() throws Exception {
        BpeTokenizer small = BpeTokenizer.load(ReferencePrompts.vocabGz(), CONTEXT, 8);
        Map<String, int[]> reference = ReferencePrompts.tokenIds();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Integer>> jobs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                jobs.add(() -> {
                    int checked = 0;
                    for (int round = 0; round < 20; round++) {
                        for (Map.Entry<String, int[]> e : reference.entrySet()) {
                            assertThat(small.encode(e.getKey()).ids()).containsExactly(e.getValue());
                            checked++;
                        }
                    }
                    return checked;
                });
            }
            int total = 0;
            for (Future<Integer> f : pool.invokeAll(jobs)) {
                total += f.get();
            }
            assertThat(total).isEqualTo(8 * 20 * reference.size());
        } finally {
            pool.shutdownNow();
        }
        assertThat(small.model().cachedWords()).isLessThanOrEqualTo(8);
    }
}
