package dev.facesweep.tokenizer;

import java.text.Normalizer;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The part of ftfy's {@code fix_text} (default settings) that matters for prompts: HTML references when the line
 * has no {@code <}, C1 controls read as Windows-1252, Latin ligatures, full-width forms, curly quotes, line breaks,
 * lone surrogates, terminal escapes, stray control characters and NFC, repeated until nothing changes.
 *
 * <p>Not done: ftfy's mojibake repair ({@code fix_encoding}), which guesses with a statistical badness score.
 * Prompts typed by people do not contain mojibake; if one does, open_clip would repair it and this will not.
 */
final class Ftfy {

    private static final Pattern TERMINAL_ESCAPE = Pattern.compile("\u001B\\[(?:\\p{Nd}|;)*[a-zA-Z]");

    private static final Map<Integer, String> LIGATURES = Map.ofEntries(
            Map.entry(0x0132, "IJ"), Map.entry(0x0133, "ij"), Map.entry(0x0149, "\u02BCn"),
            Map.entry(0x01F1, "DZ"), Map.entry(0x01F2, "Dz"), Map.entry(0x01F3, "dz"),
            Map.entry(0x01C4, "D\u017D"), Map.entry(0x01C5, "D\u017E"), Map.entry(0x01C6, "d\u017E"),
            Map.entry(0x01C7, "LJ"), Map.entry(0x01C8, "Lj"), Map.entry(0x01C9, "lj"),
            Map.entry(0x01CA, "NJ"), Map.entry(0x01CB, "Nj"), Map.entry(0x01CC, "nj"),
            Map.entry(0xFB00, "ff"), Map.entry(0xFB01, "fi"), Map.entry(0xFB02, "fl"),
            Map.entry(0xFB03, "ffi"), Map.entry(0xFB04, "ffl"), Map.entry(0xFB05, "\u017Ft"), Map.entry(0xFB06, "st"));

    private static final int WIDTH_FIRST = 0xFF01;
    private static final int WIDTH_LAST = 0xFFEF;

    private Ftfy() {
    }

    static String fixText(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean unescapeHtml = true;
        int pos = 0;
        while (pos < text.length()) {
            int newline = text.indexOf('\n', pos);
            int end = newline < 0 ? text.length() : newline + 1;
            String segment = text.substring(pos, end);
            if (unescapeHtml && segment.indexOf('<') >= 0) {
                // Looks like real HTML: leave its references alone, in this line and the rest.
                unescapeHtml = false;
            }
            out.append(fixSegment(segment, unescapeHtml));
            pos = end;
        }
        return out.toString();
    }

    private static String fixSegment(String text, boolean unescapeHtml) {
        // Every pass either shortens the text or reaches a fixed point within a few rounds; the bound only guards
        // against a cycle nobody has found.
        for (int round = 0; round <= text.length() + 8; round++) {
            String before = text;
            if (unescapeHtml) {
                text = HtmlEntities.unescapeStrict(text);
            }
            text = mapCharacters(text);
            text = fixLineBreaks(text);
            text = fixSurrogates(text);
            text = TextCleaning.replaceAll(text, TERMINAL_ESCAPE, m -> "");
            text = removeControlChars(text);
            if (!Normalizer.isNormalized(text, Normalizer.Form.NFC)) {
                text = Normalizer.normalize(text, Normalizer.Form.NFC);
            }
            if (text.equals(before)) {
                break;
            }
        }
        return text;
    }

    /** ftfy's per-character fixes in its order: C1 controls, ligatures, character width, curly quotes. */
    private static String mapCharacters(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cp >= 0x80 && cp <= 0x9F) {
                cp = TextCleaning.windows1252(cp);
            }
            String ligature = LIGATURES.get(cp);
            if (ligature == null) {
                appendWidthAndQuotes(out, cp);
            } else {
                ligature.codePoints().forEach(c -> appendWidthAndQuotes(out, c));
            }
        }
        return out.toString();
    }

    private static void appendWidthAndQuotes(StringBuilder out, int cp) {
        String wide = null;
        if (cp == 0x3000) {
            wide = " ";
        } else if (cp >= WIDTH_FIRST && cp <= WIDTH_LAST) {
            // ftfy's table is NFKC of each half- and full-width form; work it out for the rare one we meet.
            String c = String.valueOf((char) cp);
            String alternate = Normalizer.normalize(c, Normalizer.Form.NFKC);
            wide = alternate.equals(c) ? null : alternate;
        }
        if (wide == null) {
            out.appendCodePoint(uncurl(cp));
        } else {
            wide.codePoints().forEach(c -> out.appendCodePoint(uncurl(c)));
        }
    }

    private static int uncurl(int cp) {
        if (cp == 0x02BC || (cp >= 0x2018 && cp <= 0x201B)) {
            return '\'';
        }
        if (cp >= 0x201C && cp <= 0x201F) {
            return '"';
        }
        return cp;
    }

    private static String fixLineBreaks(String text) {
        return text.replace("\r\n", "\n")
                .replace('\r', '\n')
                .replace('\u2028', '\n')
                .replace('\u2029', '\n')
                .replace('\u0085', '\n');
    }

    private static String fixSurrogates(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean lone = false;
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    if (out != null) {
                        out.append(c).append(text.charAt(i + 1));
                    }
                    i++;
                    continue;
                }
                lone = true;
            } else if (Character.isLowSurrogate(c)) {
                lone = true;
            }
            if (lone && out == null) {
                out = new StringBuilder(text.length()).append(text, 0, i);
            }
            if (out != null) {
                out.append(lone ? '\uFFFD' : c);
            }
        }
        return out == null ? text : out.toString();
    }

    private static String removeControlChars(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = c <= 0x08 || c == 0x0B || (c >= 0x0E && c <= 0x1F) || c == 0x7F
                    || (c >= 0x206A && c <= 0x206F) || c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFC);
            if (control && out == null) {
                out = new StringBuilder(text.length()).append(text, 0, i);
            }
            if (out != null && !control) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }
}
