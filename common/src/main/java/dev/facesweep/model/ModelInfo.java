package dev.facesweep.model;

/**
 * A checked bundle, for {@code model check}: identity, config and both opened sessions.
 *
 * @param bundle the bundle
 * @param visual the image model's session
 * @param textual the text model's session
 */
public record ModelInfo(ModelBundle bundle, SessionInfo visual, SessionInfo textual) {

    /** Multi-line, aligned report. */
    public String format() {
        ModelConfig c = bundle.config();
        String scale = c.logitScale() + (c.logitScaleDeclared() ? "" : " (default: config.json has none)");
        return String.join(System.lineSeparator(),
                "model      " + bundle.modelId(),
                "bundle     " + bundle.dir(),
                "config     embed_dim " + c.embedDim() + ", image " + c.imageSize() + " px, context "
                        + c.contextLength() + ", vocab " + c.vocabSize() + ", quick_gelu " + c.quickGelu(),
                "scale      logit_scale " + scale,
                "tokenizer  " + bundle.tokenizerKind().fileName(),
                "visual     " + visual.format(),
                "textual    " + textual.format(),
                "scoring    " + bundle.scoringId());
    }

    @Override
    public String toString() {
        return format();
    }
}
