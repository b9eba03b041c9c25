package dev.facesweep.coordinator.scoring;

import dev.facesweep.coordinator.cli.CoreErrors;
import dev.facesweep.coordinator.cli.ExitCode;
import dev.facesweep.coordinator.cli.JsonOutput;
import dev.facesweep.model.BundleException;
import dev.facesweep.model.ClipModel;
import dev.facesweep.scoring.ClipScorer;
import dev.facesweep.scoring.PromptReport;
import dev.facesweep.scoring.PromptSet;
import dev.facesweep.imaging.DecodeLimits;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code facesweep prompts}: how each prompt tokenizes and how far apart each attribute's positive and negative
 * ensembles are. Warns about truncated prompts and about ensembles that point almost the same way.
 */
@Command(name = "prompts", mixinStandardHelpOptions = true,
        description = "Shows the tokens of every prompt and the distance between each attribute's ensembles.")
public final class PromptsCommand implements Callable<Integer> {

    /** Above this cosine the positive and negative ensembles barely differ: scores hover around 0.5. */
    static final double NEARLY_SAME_DIRECTION = 0.97;

    @Spec
    CommandSpec spec;

    @Mixin
    ScoringSetup setup;

    @Option(names = "--json", description = "Machine-readable report.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PromptSet prompts = setup.promptSet();
        PromptReport report;
        try (ClipModel model = setup.openModel()) {
            report = ClipScorer.create(model, prompts, DecodeLimits.defaults()).promptReport();
        } catch (BundleException e) {
            throw CoreErrors.bundle(e);
        }
        if (json) {
            out.println(JsonOutput.line(toJson(report)));
        } else {
            out.print(report.format());
            for (String warning : warnings(report)) {
                out.println("WARNING: " + warning);
            }
        }
        return ExitCode.OK;
    }

    static ObjectNode toJson(PromptReport report) {
        ObjectNode root = JsonOutput.object();
        ObjectNode attributes = root.putObject("attributes");
        for (PromptReport.AttributeReport a : report.attributes()) {
            ObjectNode attr = attributes.putObject(a.name());
            ArrayNode positive = attr.putArray("positive");
            ArrayNode negative = attr.putArray("negative");
            for (PromptReport.PromptLine p : a.prompts()) {
                ObjectNode line = (p.side() == PromptSet.Side.POSITIVE ? positive : negative).addObject();
                line.put("text", p.text());
                ArrayNode ids = line.putArray("token_ids");
                p.tokenIds().forEach(ids::add);
                line.put("truncated", p.truncated());
            }
            attr.put("ensemble_cosine", a.sideCosine());
        }
        return root;
    }

    static java.util.List<String> warnings(PromptReport report) {
        java.util.List<String> warnings = new java.util.ArrayList<>();
        for (PromptReport.AttributeReport a : report.attributes()) {
            for (PromptReport.PromptLine p : a.prompts()) {
                if (p.truncated()) {
                    warnings.add(a.name() + ": prompt is longer than the text model's context and was cut: \""
                            + p.text() + "\"");
                }
            }
            if (a.sideCosine() >= NEARLY_SAME_DIRECTION) {
                warnings.add(String.format(Locale.ROOT, "%s: positive and negative ensembles point almost the same "
                        + "way (cosine %.4f >= %.2f): scores will sit near 0.5; make the prompts more distinct",
                        a.name(), a.sideCosine(), NEARLY_SAME_DIRECTION));
            }
        }
        return warnings;
    }
}
