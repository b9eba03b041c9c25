package dev.facesweep.tokenizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * HTML character references, decoded the two ways open_clip's text cleaning does: Python's {@code html.unescape}
 * (lenient: numeric references, all HTML5 names, legacy names without a semicolon) and ftfy's stricter
 * {@code unescape_html} (only references ending in {@code ;}, plus upper-cased Latin names such as {@code &EACUTE;}).
 */
final class HtmlEntities {

    private static final String TABLE = "html-entities.tsv";

    /** Python's {@code html._charref}. */
    private static final Pattern CHARREF =
            Pattern.compile("&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\\t\\n\\f <&#;]{1,32};?)");

    /** ftfy's {@code HTML_ENTITY_RE}. */
    private static final Pattern STRICT_ENTITY = Pattern.compile("&#?[0-9A-Za-z]{1,24};");

    private static final char REPLACEMENT = '\uFFFD';

    private HtmlEntities() {
    }

    /** As Python's {@code html.unescape}: one left-to-right pass, not repeated. */
    static String unescape(String text) {
        if (text.indexOf('&') < 0) {
            return text;
        }
        return TextCleaning.replaceAll(text, CHARREF, m -> decodeReference(m.group(1)));
    }

    /**
     * As ftfy's {@code unescape_html}: named references that end in {@code ;} (and upper-cased Latin ones), numeric
     * references only when they end in {@code ;}; anything else is left as written.
     */
    static String unescapeStrict(String text) {
        if (text.indexOf('&') < 0) {
            return text;
        }
        return TextCleaning.replaceAll(text, STRICT_ENTITY, m -> {
            String entity = m.group();
            String named = Tables.STRICT.get(entity);
            if (named != null) {
                return named;
            }
            if (entity.startsWith("&#")) {
                String decoded = unescape(entity);
                return decoded.indexOf(';') >= 0 ? entity : decoded;
            }
            return entity;
        });
    }

    /** One Python {@code _replace_charref}: {@code ref} is the match without its leading {@code &}. */
    private static String decodeReference(String ref) {
        if (ref.charAt(0) == '#') {
            boolean hex = ref.length() > 1 && (ref.charAt(1) == 'x' || ref.charAt(1) == 'X');
            String digits = ref.substring(hex ? 2 : 1);
            if (digits.endsWith(";")) {
                digits = digits.substring(0, digits.length() - 1);
            }
            return decodeCodePoint(parseCodePoint(digits, hex ? 16 : 10));
        }
        String value = Tables.NAMED.get(ref);
        if (value != null) {
            return value;
        }
        // The longest legacy name (no semicolon) that prefixes the reference, as the HTML standard says.
        for (int x = ref.length() - 1; x > 1; x--) {
            value = Tables.NAMED.get(ref.substring(0, x));
            if (value != null) {
                return value + ref.substring(x);
            }
        }
        return "&" + ref;
    }

    /** The number, or -1 when it is beyond Unicode (however many digits it has). */
    private static int parseCodePoint(String digits, int radix) {
        int i = 0;
        while (i < digits.length() - 1 && digits.charAt(i) == '0') {
            i++;
        }
        String significant = digits.substring(i);
        if (significant.length() > (radix == 16 ? 6 : 7)) {
            return -1;
        }
        int value = Integer.parseInt(significant, radix);
        return value > Character.MAX_CODE_POINT ? -1 : value;
    }

    /** Python's rules for numeric references: Windows-1252 for C1, U+FFFD for surrogates, nothing for junk. */
    private static String decodeCodePoint(int cp) {
        if (cp == 0) {
            return String.valueOf(REPLACEMENT);
        }
        if (cp == 0x0D) {
            return "\r";
        }
        if (cp >= 0x80 && cp <= 0x9F) {
            return String.valueOf(TextCleaning.windows1252(cp));
        }
        if (cp < 0 || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return String.valueOf(REPLACEMENT);
        }
        if (isInvalidCodePoint(cp)) {
            return "";
        }
        return new String(Character.toChars(cp));
    }

    private static boolean isInvalidCodePoint(int cp) {
        return (cp >= 0x01 && cp <= 0x08)
                || cp == 0x0B
                || (cp >= 0x0E && cp <= 0x1F)
                || (cp >= 0x7F && cp <= 0x9F)
                || (cp >= 0xFDD0 && cp <= 0xFDEF)
                || (cp & 0xFFFE) == 0xFFFE;
    }

    /** Lazily loaded entity tables. */
    private static final class Tables {

        /** Name as in the HTML standard's table (with its {@code ;} when it has one) to its text. */
        static final Map<String, String> NAMED = load();

        /** ftfy's table: {@code &name;} to its text, plus upper-cased names that are not themselves entities. */
        static final Map<String, String> STRICT = strict();

        private static Map<String, String> load() {
            Map<String, String> named = new HashMap<>(4096);
            try (InputStream in = HtmlEntities.class.getResourceAsStream(TABLE)) {
                if (in == null) {
                    throw new IllegalStateException("resource " + TABLE + " is missing from the facesweep-common jar");
                }
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (line.isEmpty() || line.startsWith("#")) {
                        continue;
                    }
                    int tab = line.indexOf('\t');
                    StringBuilder text = new StringBuilder(2);
                    for (String hex : line.substring(tab + 1).split(" ")) {
                        text.appendCodePoint(Integer.parseInt(hex, 16));
                    }
                    named.put(line.substring(0, tab), text.toString());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read resource " + TABLE, e);
            }
            return Collections.unmodifiableMap(named);
        }

        private static Map<String, String> strict() {
            Map<String, String> strict = new HashMap<>(4096);
            for (Map.Entry<String, String> e : NAMED.entrySet()) {
                String name = e.getKey();
                if (!name.endsWith(";")) {
                    continue;
                }
                strict.put("&" + name, e.getValue());
            }
            for (Map.Entry<String, String> e : NAMED.entrySet()) {
                String name = e.getKey();
                if (!name.endsWith(";") || !name.equals(name.toLowerCase(Locale.ROOT))) {
                    continue;
                }
                String upper = "&" + name.toUpperCase(Locale.ROOT);
                if (unescape(upper).equals(upper)) {
                    strict.put(upper, e.getValue().toUpperCase(Locale.ROOT));
                }
            }
            return Collections.unmodifiableMap(strict);
        }
    }
}
