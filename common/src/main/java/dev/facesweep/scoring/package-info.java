/**
 * Zero-shot attribute scoring with prompt ensembles, as open_clip does it.
 *
 * <ul>
 *   <li>{@link dev.facesweep.scoring.PromptSet}: attributes with positive and negative prompts (YAML), the
 *       shipped defaults, and the prompt-set hash that keys stored scores.</li>
 *   <li>{@link dev.facesweep.scoring.PromptEmbeddings}: every prompt embedded once; per attribute and side the
 *       normalised mean of the normalised prompt embeddings ({@link dev.facesweep.scoring.AttributeEnsemble}).</li>
 *   <li>{@link dev.facesweep.scoring.ZeroShotScorer}: {@code p = softmax(logit_scale * [cos(img, pos),
 *       cos(img, neg)])[0]}; pure, so stored embeddings can be rescored without the image model.</li>
 *   <li>{@link dev.facesweep.scoring.ClipScorer}: the facade a worker uses: read, preprocess, embed and score
 *       images in batches, with a one-line error per unreadable image.</li>
 * </ul>
 */
package dev.facesweep.scoring;
