package dev.facesweep.model;

/** Which tokenizer file a bundle's {@code textual/} folder carries. */
public enum TokenizerKind {
    /** open_clip's {@code bpe_simple_vocab_16e6.txt.gz}: exact open_clip tokenisation. */
    OPEN_CLIP_BPE("bpe_simple_vocab_16e6.txt.gz", "open_clip BPE"),
    /** Hugging Face {@code tokenizer.json} (CLIPTokenizerFast), as Immich ships. */
    HF_TOKENIZER_JSON("tokenizer.json", "Hugging Face tokenizer.json");

    private final String fileName;
    private final String description;

    TokenizerKind(String fileName, String description) {
        this.fileName = fileName;
        this.description = description;
    }

    /** For reports, e.g. {@code open_clip BPE}. */
    public String description() {
        return description;
    }

    public String fileName() {
        return fileName;
    }
}
