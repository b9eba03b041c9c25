package dev.facesweep.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Expectations from ftfy's documented examples for the fixes this subset implements. */
class FtfyTest {

    @Test
    void straightensCurlyQuotes() {
        assertThat(Ftfy.fixText("\u201Chere\u2019s a test\u201D")).isEqualTo("\"here's a test\"");
        assertThat(Ftfy.fixText("\u2018a\u201B \u02BCb \u201Ec\u201F")).isEqualTo("'a' 'b \"c\"");
    }

    @Test
    void splitsLatinLigaturesAndNarrowsFullWidthForms() {
        assertThat(Ftfy.fixText("\uFB02u\uFB03e\uFB06")).isEqualTo("fluffiest");
        assertThat(Ftfy.fixText("\uFF2C\uFF2F\uFF35\uFF24\u3000\uFF2E\uFF2F\uFF29\uFF33\uFF25\uFF33")).isEqualTo("LOUD NOISES");
        assertThat(Ftfy.fixText("\uFF35\uFF80\uFF70\uFF9D")).isEqualTo("U\u30BF\u30FC\u30F3");
    }

    @Test
    void decodesHtmlUntilStableUnlessALineHasAnAngleBracket() {
        assertThat(Ftfy.fixText("HTML entities &lt;3")).isEqualTo("HTML entities <3");
        assertThat(Ftfy.fixText("<em>HTML entities &lt;3</em>")).isEqualTo("<em>HTML entities &lt;3</em>");
        assertThat(Ftfy.fixText("&amp;amp;amp;")).isEqualTo("&");
        assertThat(Ftfy.fixText("Broken text&hellip; it&#x2019;s")).isEqualTo("Broken text\u2026 it's");
        // Once a line has '<', later lines keep their references too.
        assertThat(Ftfy.fixText("x &amp;\n<b> &amp;\ny &amp;")).isEqualTo("x &\n<b> &amp;\ny &amp;");
    }

    @Test
    void removesTerminalEscapesControlCharactersAndTheByteOrderMark() {
        assertThat(Ftfy.fixText("\u001B[36;44mI'm blue\u001B[0m")).isEqualTo("I'm blue");
        assertThat(Ftfy.fixText("\uFEFFParty\u0000 like\u0007 it\u007F")).isEqualTo("Party like it");
        assertThat(Ftfy.fixText("keep\ttab\fand\u200Djoiner")).isEqualTo("keep\ttab\fand\u200Djoiner");
    }

    @Test
    void readsC1ControlsAsWindows1252AndUnifiesLineBreaks() {
        assertThat(Ftfy.fixText("doo\u0085 I\u0092m")).isEqualTo("doo\u2026 I'm");
        assertThat(Ftfy.fixText("a\r\nb\rc\u2028d\u2029e")).isEqualTo("a\nb\nc\nd\ne");
    }

    @Test
    void replacesLoneSurrogatesAndNormalisesToNfc() {
        assertThat(Ftfy.fixText("a\uD800b\uDC00c\uD83D\uDE00")).isEqualTo("a\uFFFDb\uFFFDc\uD83D\uDE00");
        assertThat(Ftfy.fixText("cafe\u0301")).isEqualTo("caf\u00E9");
    }
}
