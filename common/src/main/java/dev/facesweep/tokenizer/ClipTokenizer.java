package dev.facesweep.tokenizer;

/** Text to CLIP token ids, as open_clip's tokenizer produces them. Implementations are thread-safe. */
public interface ClipTokenizer {

    int START_OF_TEXT = 49406;
    int END_OF_TEXT = 49407;

    /** Context length of the text model (77 for CLIP). */
    int contextLength();

    /**
     * Token ids of {@code text} with the start and end tokens, cut to {@link #contextLength()} with the end token
     * kept last, no padding.
     */
    Tokens encode(String text);
}
