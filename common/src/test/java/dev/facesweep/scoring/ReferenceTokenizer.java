package dev.facesweep.scoring;

import dev.facesweep.testing.ScoringReference;
import dev.facesweep.tokenizer.ClipTokenizer;
import dev.facesweep.tokenizer.Tokens;

/** A tokenizer that knows only the fixture's prompts and returns open_clip's golden ids for them. */
final class ReferenceTokenizer implements ClipTokenizer {

    private final ScoringReference reference;

    ReferenceTokenizer(ScoringReference reference) {
        this.reference = reference;
    }

    @Override
    public int contextLength() {
        return 77;
    }

    @Override
    public Tokens encode(String text) {
        if (!reference.promptTexts().contains(text)) {
            throw new IllegalArgumentException("not a fixture prompt: " + text);
        }
        int[] ids = reference.tokenIds(text);
        return new Tokens(ids, ids.length == contextLength() && text.length() > 200);
    }
}
