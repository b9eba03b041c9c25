package dev.facesweep.scoring;

import dev.facesweep.model.ClipModel;
import dev.facesweep.model.Embeddings;
import dev.facesweep.tokenizer.ClipTokenizer;
import dev.facesweep.tokenizer.Tokens;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A prompt set run through the text model once: every prompt's tokens and normalised embedding, and the
 * per-attribute ensembles built from them.
 */
public final class PromptEmbeddings {

    /** One embedded prompt. */
    record Embedded(PromptSet.Side side, String text, Tokens tokens, float[] embedding) {
    }

    private final PromptSet promptSet;
    private final String scoringId;
    private final double logitScale;
    private final List<List<Embedded>> perAttribute;
    private final List<AttributeEnsemble> ensembles;

    private PromptEmbeddings(PromptSet promptSet, String scoringId, double logitScale,
            List<List<Embedded>> perAttribute) {
        this.promptSet = promptSet;
        this.scoringId = scoringId;
        this.logitScale = logitScale;
        this.perAttribute = perAttribute;
        List<AttributeEnsemble> list = new ArrayList<>();
        int i = 0;
        for (PromptSet.Attribute a : promptSet.attributes().values()) {
            List<Embedded> prompts = perAttribute.get(i++);
            list.add(new AttributeEnsemble(a.name(), side(prompts, PromptSet.Side.POSITIVE),
                    side(prompts, PromptSet.Side.NEGATIVE)));
        }
        this.ensembles = List.copyOf(list);
    }

    private static float[] side(List<Embedded> prompts, PromptSet.Side side) {
        return AttributeEnsemble.ensemble(prompts.stream().filter(p -> p.side() == side)
                .map(Embedded::embedding).toArray(float[][]::new));
    }

    /**
     * Tokenises every prompt of {@code promptSet} and embeds them in batches with the text model.
     *
     * @throws dev.facesweep.model.InferenceException when the text model cannot be opened or fails
     */
    public static PromptEmbeddings embed(ClipModel model, ClipTokenizer tokenizer, PromptSet promptSet) {
        List<PromptSet.Side> sides = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        List<Tokens> tokens = new ArrayList<>();
        for (PromptSet.Attribute a : promptSet.attributes().values()) {
            for (PromptSet.Side side : PromptSet.Side.values()) {
                for (String text : a.prompts(side)) {
                    sides.add(side);
                    texts.add(text);
                    tokens.add(tokenizer.encode(text));
                }
            }
        }
        float[][] embeddings = model.embedTexts(tokens);
        List<List<Embedded>> perAttribute = new ArrayList<>();
        int k = 0;
        for (PromptSet.Attribute a : promptSet.attributes().values()) {
            List<Embedded> list = new ArrayList<>();
            int n = a.positive().size() + a.negative().size();
            for (int j = 0; j < n; j++, k++) {
                list.add(new Embedded(sides.get(k), texts.get(k), tokens.get(k), embeddings[k]));
            }
            perAttribute.add(List.copyOf(list));
        }
        return new PromptEmbeddings(promptSet, model.bundle().scoringId(), model.logitScale(),
                List.copyOf(perAttribute));
    }

    public PromptSet promptSet() {
        return promptSet;
    }

    /** Ensembles in attribute order. */
    public List<AttributeEnsemble> ensembles() {
        return ensembles;
    }

    /**
     * A scorer over these ensembles with the model's logit_scale: rescores stored embeddings without the image
     * model.
     */
    public ZeroShotScorer scorer() {
        return new ZeroShotScorer(ensembles, logitScale);
    }

    /** {@link PromptSet#hash(String)} with the bundle's scoring id. */
    public String promptSetHash() {
        return promptSet.hash(scoringId);
    }

    /** The normalised embedding of the {@code index}-th prompt (positives then negatives) of {@code attribute}. */
    float[] embedding(String attribute, int index) {
        return perAttribute.get(promptSet.attributeNames().indexOf(attribute)).get(index).embedding().clone();
    }

    /** Tokens, truncation and closeness to each ensemble for every prompt. */
    public PromptReport report() {
        List<PromptReport.AttributeReport> out = new ArrayList<>();
        int i = 0;
        for (PromptSet.Attribute a : promptSet.attributes().values()) {
            AttributeEnsemble ensemble = ensembles.get(i);
            List<PromptReport.PromptLine> lines = new ArrayList<>();
            for (Embedded e : perAttribute.get(i)) {
                lines.add(new PromptReport.PromptLine(e.side(), e.text(),
                        Arrays.stream(e.tokens().ids()).boxed().toList(), e.tokens().truncated(),
                        Embeddings.dot(e.embedding(), ensemble.positive()),
                        Embeddings.dot(e.embedding(), ensemble.negative())));
            }
            out.add(new PromptReport.AttributeReport(a.name(), lines, ensemble.sideCosine(), a.threshold()));
            i++;
        }
        return new PromptReport(scoringId, promptSetHash(), out);
    }
}
