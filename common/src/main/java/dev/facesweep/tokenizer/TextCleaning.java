package dev.facesweep.tokenizer;

import java.nio.charset.Charset;
import java.text.Normalizer;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The text clean-ups done before splitting a prompt into words. */
final class TextCleaning {

    /** Unicode White_Space, which is what {@code \s} matches in Python's {@code regex} and in Oniguruma. */
    static final String WHITESPACE_CLASS = "\\p{IsWhite_Space}";

    private static final Pattern WHITESPACE_RUN = Pattern.compile(WHITESPACE_CLASS + "+");

    private static final String WINDOWS_1252_C1 = c1AsWindows1252();

    private TextCleaning() {
    }

    /**
     * open_clip's {@code whitespace_clean(basic_clean(text)).lower()}: ftfy, HTML-unescape twice, strip, collapse
     * whitespace to one space, strip, lower-case.
     */
    static String openClip(String text) {
        String cleaned = Ftfy.fixText(text);
        cleaned = HtmlEntities.unescape(HtmlEntities.unescape(cleaned));
        cleaned = pythonStrip(cleaned);
        cleaned = pythonStrip(collapseWhitespace(cleaned));
        return cleaned.toLowerCase(Locale.ROOT);
    }

    /**
     * The normalizer of Hugging Face's CLIP {@code tokenizer.json}: NFC, whitespace runs to one space, lower-case.
     * Its lower-casing maps each character on its own, so a word-final capital sigma becomes σ, not ς.
     */
    static String huggingFace(String text) {
        String cleaned = Normalizer.normalize(text, Normalizer.Form.NFC);
        return collapseWhitespace(cleaned).replace('\u03A3', '\u03C3').toLowerCase(Locale.ROOT);
    }

    static String collapseWhitespace(String text) {
        return WHITESPACE_RUN.matcher(text).replaceAll(" ");
    }

    /** Python's {@code str.strip()}: removes characters for which {@code str.isspace()} is true from both ends. */
    static String pythonStrip(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && isPythonSpace(text.charAt(start))) {
            start++;
        }
        while (end > start && isPythonSpace(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(start, end);
    }

    /** White_Space plus the information separators U+001C..U+001F, as Python's {@code str.isspace()}. */
    private static boolean isPythonSpace(char c) {
        return (c >= 0x1C && c <= 0x1F) || isWhiteSpace(c);
    }

    private static boolean isWhiteSpace(char c) {
        return (c >= 0x09 && c <= 0x0D) || c == ' ' || c == 0x85 || c == 0xA0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F
                || c == 0x3000;
    }

    /**
     * The character a C1 control U+0080..U+009F stands for when read as Windows-1252; the five bytes Windows-1252
     * leaves undefined stay as they are (Python's "sloppy" reading and {@code html.unescape} agree on this).
     */
    static char windows1252(int c1) {
        return WINDOWS_1252_C1.charAt(c1 - 0x80);
    }

    /** Replaces every match of {@code pattern} in {@code text} with {@code replacement(match)}, taken literally. */
    static String replaceAll(String text, Pattern pattern, Function<Matcher, String> replacement) {
        Matcher m = pattern.matcher(text);
        if (!m.find()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int last = 0;
        do {
            out.append(text, last, m.start()).append(replacement.apply(m));
            last = m.end();
        } while (m.find());
        return out.append(text, last, text.length()).toString();
    }

    private static String c1AsWindows1252() {
        Charset cp1252 = Charset.forName("windows-1252");
        StringBuilder out = new StringBuilder(32);
        for (int b = 0x80; b <= 0x9F; b++) {
            String decoded = new String(new byte[] {(byte) b}, cp1252);
            out.append(decoded.length() == 1 && decoded.charAt(0) != '\uFFFD' ? decoded.charAt(0) : (char) b);
        }
        return out.toString();
    }
}
