package dev.facesweep.tokenizer;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds and loads the tokenizer that ships in a model bundle's {@code textual/} folder. */
public final class ClipTokenizers {

    private ClipTokenizers() {
    }

    /**
     * The tokenizer in {@code textualDir}: open_clip's {@value BpeTokenizer#VOCAB_FILE} when present (it is the
     * reference), else Hugging Face's {@value HfTokenizerJson#FILE}.
     *
     * @param textualDir the model bundle's text folder
     * @param contextLength the text model's context length (77 for CLIP)
     * @throws TokenizerException if the folder holds neither file, or the file is unreadable or malformed; the
     *         message is one line and names the folder and both accepted file names
     */
    public static ClipTokenizer load(Path textualDir, int contextLength) {
        if (!Files.isDirectory(textualDir)) {
            throw new TokenizerException("tokenizer folder " + textualDir.toAbsolutePath() + " does not exist: point "
                    + "the model path at a bundle whose text folder holds open_clip's " + BpeTokenizer.VOCAB_FILE
                    + " or a Hugging Face " + HfTokenizerJson.FILE);
        }
        Path vocab = textualDir.resolve(BpeTokenizer.VOCAB_FILE);
        if (Files.isRegularFile(vocab)) {
            return BpeTokenizer.load(vocab, contextLength);
        }
        Path json = textualDir.resolve(HfTokenizerJson.FILE);
        if (Files.isRegularFile(json)) {
            return HfTokenizerJson.load(json, contextLength);
        }
        throw new TokenizerException("no tokenizer in " + textualDir.toAbsolutePath() + ": put open_clip's "
                + BpeTokenizer.VOCAB_FILE + " or a Hugging Face " + HfTokenizerJson.FILE + " there");
    }

    /** {@code message} on one line, for error messages built from a cause's text. */
    static String oneLine(String message) {
        if (message == null) {
            return "no detail";
        }
        return message.strip().replaceAll("\\s+", " ");
    }
}
