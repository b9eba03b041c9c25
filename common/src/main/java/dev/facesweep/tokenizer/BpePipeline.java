package dev.facesweep.tokenizer;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Clean, split into words, BPE each word, frame with start and end tokens, cut to the context length. */
final class BpePipeline {

    /** The word pattern shared by open_clip and Hugging Face's CLIP, after the special tokens. */
    private static final String WORDS = "'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^"
            + TextCleaning.WHITESPACE_CLASS + "\\p{L}\\p{N}%s]+";

    private final UnaryOperator<String> cleaner;
    private final Pattern words;
    private final BytePairModel model;
    private final int startId;
    private final int endId;
    private final int contextLength;

    BpePipeline(UnaryOperator<String> cleaner, Pattern words, BytePairModel model, int startId, int endId,
                int contextLength) {
        if (contextLength < 2) {
            throw new IllegalArgumentException(
                    "context length must be at least 2 (start and end token), got " + contextLength);
        }
        this.cleaner = cleaner;
        this.words = words;
        this.model = model;
        this.startId = startId;
        this.endId = endId;
        this.contextLength = contextLength;
    }

    /** The split pattern: the special tokens (matched literally), then CLIP's word pattern. */
    static Pattern wordPattern(String startToken, String endToken, boolean caseInsensitive) {
        // Python's regex module, case-insensitive, matches U+0345 (combining iota, which case-folds to a letter)
        // with neither the letter class nor its complement, so open_clip silently drops it. So do we.
        String words = String.format(WORDS, caseInsensitive ? "\\u0345" : "");
        String regex = Pattern.quote(startToken) + "|" + Pattern.quote(endToken) + "|" + words;
        return Pattern.compile(regex, caseInsensitive ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
    }

    int contextLength() {
        return contextLength;
    }

    BytePairModel model() {
        return model;
    }

    Tokens encode(String text) {
        Objects.requireNonNull(text, "text");
        String cleaned = cleaner.apply(text);
        int room = contextLength - 2;
        int[] ids = new int[Math.min(contextLength, 32)];
        ids[0] = startId;
        int n = 1;
        boolean truncated = false;
        Matcher m = words.matcher(cleaned);
        scan:
        while (m.find()) {
            for (int id : model.encodeWord(m.group())) {
                if (n - 1 == room) {
                    truncated = true;
                    break scan;
                }
                if (n == ids.length) {
                    ids = Arrays.copyOf(ids, Math.min(contextLength, ids.length * 2));
                }
                ids[n++] = id;
            }
        }
        if (n == ids.length) {
            ids = Arrays.copyOf(ids, n + 1);
        }
        ids[n++] = endId;
        return new Tokens(n == ids.length ? ids : Arrays.copyOf(ids, n), truncated);
    }
}
