package dev.facesweep.coordinator.results;

import dev.facesweep.model.BundleException;
import dev.facesweep.model.ClipModel;
import dev.facesweep.model.ModelRole;
import dev.facesweep.scoring.PromptEmbeddings;
import dev.facesweep.scoring.PromptSet;
import dev.facesweep.scoring.ZeroShotScorer;
import java.util.Map;
import java.util.Objects;

/**
 * A prompt set embedded with a model's text side: what the coordinator needs to turn image embeddings into
 * scores, and the ids results are stored under. Only the text model runs; the image model is never opened here.
 *
 * @param modelId the image model's id ({@link dev.facesweep.model.ModelBundle#modelId()}): embeddings are stored
 *     under it
 * @param promptHash {@link PromptSet#hash(String)} over the bundle's scoring id: scores are stored under it
 * @param promptSet the prompt set
 * @param scorer scores an L2-normalised image embedding
 */
public record PromptScoring(String modelId, String promptHash, PromptSet promptSet, ZeroShotScorer scorer) {

    public PromptScoring {
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(promptHash, "promptHash");
        Objects.requireNonNull(promptSet, "promptSet");
        Objects.requireNonNull(scorer, "scorer");
    }

    /**
     * Embeds {@code promptSet} with the model's text session (opened here if it is not yet).
     *
     * @throws BundleException when the text model or tokenizer cannot be loaded
     * @throws dev.facesweep.model.InferenceException when the text model fails
     */
    public static PromptScoring embed(ClipModel model, PromptSet promptSet) throws BundleException {
        model.ensureOpen(ModelRole.TEXTUAL);
        PromptEmbeddings prompts = PromptEmbeddings.embed(model, model.bundle().tokenizer(), promptSet);
        return new PromptScoring(model.bundle().modelId(), prompts.promptSetHash(), promptSet, prompts.scorer());
    }

    /** Embedding width the scorer expects. */
    public int dimension() {
        return scorer.dimension();
    }

    public Map<String, Double> score(float[] embedding) {
        return scorer.score(embedding);
    }
}
