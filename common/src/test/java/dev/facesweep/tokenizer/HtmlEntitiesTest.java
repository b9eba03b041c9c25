package dev.facesweep.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Expectations from the documented behaviour of Python's {@code html.unescape} and ftfy's {@code unescape_html}. */
class HtmlEntitiesTest {

    @Test
    void unescapeIsOnePass() {
        assertThat(HtmlEntities.unescape("&amp;amp;")).isEqualTo("&amp;");
        assertThat(HtmlEntities.unescape("no references")).isEqualTo("no references");
    }

    @Test
    void unescapeDecodesCommonNamesAndNumbers() {
        assertThat(HtmlEntities.unescape("&lt;&gt;&quot;&#39;&apos;&nbsp;&hellip;&rsquo;"))
                .isEqualTo("<>\"''\u00A0\u2026\u2019");
        assertThat(HtmlEntities.unescape("&#x41;&#65;&#X42;&#x1F600;")).isEqualTo("AAB\uD83D\uDE00");
    }

    @Test
    void unescapeAcceptsLegacyNamesWithoutSemicolon() {
        assertThat(HtmlEntities.unescape("&amp")).isEqualTo("&");
        assertThat(HtmlEntities.unescape("&ampx")).isEqualTo("&x");
        assertThat(HtmlEntities.unescape("&copy 2024")).isEqualTo("\u00A9 2024");
        // The longest legacy name that prefixes an unknown one is decoded, the rest kept.
        assertThat(HtmlEntities.unescape("&notit;")).isEqualTo("\u00ACit;");
        // Names that must end in ';' are not decoded without it.
        assertThat(HtmlEntities.unescape("&hellip")).isEqualTo("&hellip");
    }

    @Test
    void unescapeLeavesNonReferencesAlone() {
        assertThat(HtmlEntities.unescape("&bogus; & amp; &#; &#x; a&b")).isEqualTo("&bogus; & amp; &#; &#x; a&b");
    }

    @Test
    void numericReferencesFollowTheHtmlStandardsRepairs() {
        assertThat(HtmlEntities.unescape("&#0;")).isEqualTo("\uFFFD");
        assertThat(HtmlEntities.unescape("&#13;")).isEqualTo("\r");
        assertThat(HtmlEntities.unescape("&#128;&#x92;")).isEqualTo("\u20AC\u2019");
        assertThat(HtmlEntities.unescape("&#129;")).isEqualTo("\u0081");
        assertThat(HtmlEntities.unescape("&#xD800;")).isEqualTo("\uFFFD");
        assertThat(HtmlEntities.unescape("&#x110000;")).isEqualTo("\uFFFD");
        assertThat(HtmlEntities.unescape("&#99999999999999999999;")).isEqualTo("\uFFFD");
        assertThat(HtmlEntities.unescape("a&#1;b&#xFFFF;c&#xFDD0;d&#11;e")).isEqualTo("abcde");
    }

    @Test
    void strictUnescapeNeedsTheSemicolon() {
        assertThat(HtmlEntities.unescapeStrict("&amp &copy &#39")).isEqualTo("&amp &copy &#39");
        assertThat(HtmlEntities.unescapeStrict("&amp;amp; &#x27; &#39;")).isEqualTo("&amp; ' '");
        assertThat(HtmlEntities.unescapeStrict("&notit;")).isEqualTo("&notit;");
    }

    @Test
    void strictUnescapeReadsUpperCasedLatinNames() {
        assertThat(HtmlEntities.unescapeStrict("P&EACUTE;REZ")).isEqualTo("P\u00C9REZ");
        assertThat(HtmlEntities.unescapeStrict("BUNDESSTRA&SZLIG;E")).isEqualTo("BUNDESSTRASSE");
        assertThat(HtmlEntities.unescapeStrict("&ntilde; &Ntilde; &NTILDE; &nTILDE;"))
                .isEqualTo("\u00F1 \u00D1 \u00D1 &nTILDE;");
        assertThat(HtmlEntities.unescapeStrict("&AMP;")).isEqualTo("&");
    }
}
