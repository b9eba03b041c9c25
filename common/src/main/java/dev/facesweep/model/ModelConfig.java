package dev.facesweep.model;

import java.util.Optional;

/**
 * The parts of a bundle's {@code config.json} (open_clip model config plus facesweep's additions) that scoring
 * needs.
 *
 * @param embedDim embedding width of both models ({@code embed_dim})
 * @param imageSize square input size of the image model ({@code vision_cfg.image_size})
 * @param contextLength token positions of the text model ({@code text_cfg.context_length}, open_clip default 77)
 * @param vocabSize text vocabulary size ({@code text_cfg.vocab_size}, open_clip default 49408)
 * @param quickGelu whether the model uses QuickGELU ({@code quick_gelu}, default false); informational
 * @param logitScale the multiplier of the cosines before the softmax, {@code logit_scale.exp()} of the checkpoint
 * @param logitScaleDeclared false when config.json had no {@code logit_scale} and the default 100 is used
 * @param modelName {@code model_name}, or the bundle folder's name when absent
 * @param pretrained {@code pretrained} tag when present
 */
public record ModelConfig(
        int embedDim,
        int imageSize,
        int contextLength,
        int vocabSize,
        boolean quickGelu,
        double logitScale,
        boolean logitScaleDeclared,
        String modelName,
        Optional<String> pretrained) {

    /** Used when config.json has no {@code logit_scale}: where trained CLIP models sit. */
    public static final double DEFAULT_LOGIT_SCALE = 100.0;

    static final int DEFAULT_CONTEXT_LENGTH = 77;
    static final int DEFAULT_VOCAB_SIZE = 49408;
}
