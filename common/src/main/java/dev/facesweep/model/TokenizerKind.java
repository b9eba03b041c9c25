package dev.facesweep.model;

/** Which tokenizer file a bundle's {@code textual/} folder carries. */
public enum TokenizerKind {
    /** open_clip's {@code bpe_simple_vocab_16e6.txt.gz}: exact open_clip tokenisation. */
    OPEN_CLIP_BPE("bpe_simple_vocab_16e6.txt.gz"),
    /** Hugging Face {@code tokenizer.json} (CLIPTokenizerFast), as Immich ships. */
    HF_TOKENIZER_JSON("tokenizer.json");

    private final String fileName;

    TokenizerKind(String fileName) {
        this.fileName = fileName;
    }

    public String fileName() {
        return fileName;
    }
}
