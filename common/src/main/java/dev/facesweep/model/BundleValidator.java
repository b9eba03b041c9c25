package dev.facesweep.model;

import dev.facesweep.tokenizer.ClipTokenizer;
import dev.facesweep.tokenizer.Tokens;
import java.nio.file.Path;
import java.util.List;

/**
 * Fully checks a bundle for {@code model check}: opens both sessions, embeds one blank image and one prompt, and
 * checks that both embeddings have config.json's {@code embed_dim} and that the tokenizer fits the text model.
 */
public final class BundleValidator {

    /** The prompt embedded by the check. */
    static final String PROBE_PROMPT = "a photo of a face";

    private BundleValidator() {
    }

    /**
     * Loads the bundle in {@code dir}, opens both models with {@code configurer}, runs them once and closes them.
     *
     * @throws BundleException naming the part that does not work
     */
    public static ModelInfo check(Path dir, SessionConfigurer configurer) throws BundleException {
        ModelBundle bundle = ModelBundle.load(dir);
        ClipTokenizer tokenizer = bundle.tokenizer();
        try (ClipModel model = ClipModel.open(bundle, configurer, ModelRole.VISUAL, ModelRole.TEXTUAL)) {
            return check(model, tokenizer);
        }
    }

    /**
     * @param model the opened model (its sessions are opened here if they are not yet)
     * @param tokenizer the bundle's tokenizer
     * @return what the sessions look like
     * @throws BundleException naming the part that does not work
     */
    public static ModelInfo check(ClipModel model, ClipTokenizer tokenizer) throws BundleException {
        ModelBundle bundle = model.bundle();
        ModelConfig config = bundle.config();
        String where = "model bundle " + bundle.dir();
        ModelInfo info = model.info();

        if (tokenizer.contextLength() != config.contextLength()) {
            throw new BundleException(where + ": tokenizer context length " + tokenizer.contextLength()
                    + " differs from config.json text_cfg.context_length " + config.contextLength());
        }
        Tokens tokens = tokenizer.encode(PROBE_PROMPT);
        for (int id : tokens.ids()) {
            if (id < 0 || id >= config.vocabSize()) {
                throw new BundleException(where + ": tokenizer " + bundle.tokenizerFile().getFileName() + " gives id "
                        + id + " for \"" + PROBE_PROMPT + "\", outside config.json text_cfg.vocab_size "
                        + config.vocabSize());
            }
        }
        float[][] image;
        float[][] text;
        try {
            image = model.embedImages(new float[3 * config.imageSize() * config.imageSize()], 1);
            text = model.embedTexts(List.of(tokens));
        } catch (InferenceException e) {
            throw new BundleException(e.getMessage(), e);
        }
        if (image[0].length != text[0].length) {
            throw new BundleException(where + ": visual embedding dim " + image[0].length + " differs from textual "
                    + text[0].length);
        }
        if (image[0].length != config.embedDim()) {
            throw new BundleException(where + ": embeddings have " + image[0].length + " dims but config.json "
                    + "embed_dim is " + config.embedDim());
        }
        return info;
    }
}
