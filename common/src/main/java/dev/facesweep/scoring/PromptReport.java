package dev.facesweep.scoring;

import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.stream.Collectors;

/**
 * What the text model makes of a prompt set, for the {@code prompts} command: every prompt's tokens and how
 * close it sits to each side's ensemble, and how far apart the two sides are.
 *
 * @param modelId the bundle's scoring id
 * @param promptSetHash {@link PromptSet#hash(String)} with that id
 * @param attributes per attribute, in prompt-set order
 */
public record PromptReport(String modelId, String promptSetHash, List<AttributeReport> attributes) {

    public PromptReport {
        attributes = List.copyOf(attributes);
    }

    /**
     * One prompt.
     *
     * @param side which side it belongs to
     * @param text the prompt as written
     * @param tokenIds ids with start and end token, no padding
     * @param truncated whether the prompt was longer than the context and got cut
     * @param cosPositive cosine between its embedding and the positive ensemble
     * @param cosNegative the same for the negative ensemble
     */
    public record PromptLine(PromptSet.Side side, String text, List<Integer> tokenIds, boolean truncated,
            double cosPositive, double cosNegative) {

        public PromptLine {
            tokenIds = List.copyOf(tokenIds);
        }
    }

    /**
     * One attribute.
     *
     * @param name the attribute
     * @param prompts positive prompts first, then negative, each in file order
     * @param sideCosine cosine between the positive and the negative ensemble (near 1: cannot discriminate)
     * @param threshold the attribute's own threshold, if set
     */
    public record AttributeReport(String name, List<PromptLine> prompts, double sideCosine,
            OptionalDouble threshold) {

        public AttributeReport {
            prompts = List.copyOf(prompts);
        }
    }

    /** Human-readable, one block per attribute. */
    public String format() {
        StringBuilder out = new StringBuilder();
        out.append("model ").append(modelId).append(System.lineSeparator());
        out.append("prompt set ").append(promptSetHash).append(System.lineSeparator());
        for (AttributeReport a : attributes) {
            out.append(System.lineSeparator()).append(a.name())
                    .append(String.format(Locale.ROOT, "  cos(positive, negative) = %.4f", a.sideCosine()));
            a.threshold().ifPresent(t -> out.append(String.format(Locale.ROOT, "  threshold %.2f", t)));
            out.append(System.lineSeparator());
            for (PromptLine p : a.prompts()) {
                out.append(String.format(Locale.ROOT, "  %s  pos %.4f  neg %.4f  %s%s%n",
                        p.side() == PromptSet.Side.POSITIVE ? "+" : "-", p.cosPositive(), p.cosNegative(), p.text(),
                        p.truncated() ? "  [TRUNCATED]" : ""));
                out.append("       ").append(p.tokenIds().stream().map(String::valueOf)
                        .collect(Collectors.joining(" ", "[", "]"))).append(System.lineSeparator());
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return format();
    }
}
