package dev.facesweep.coordinator.scoring;

import dev.facesweep.coordinator.cli.CoreErrors;
import dev.facesweep.coordinator.cli.ExitCode;
import dev.facesweep.coordinator.cli.JsonOutput;
import dev.facesweep.coordinator.cli.Progress;
import dev.facesweep.imaging.DecodeLimits;
import dev.facesweep.model.BundleException;
import dev.facesweep.model.ClipModel;
import dev.facesweep.scoring.ClipScorer;
import dev.facesweep.scoring.ImageInput;
import dev.facesweep.scoring.ImageScore;
import dev.facesweep.scoring.PromptSet;
import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code facesweep score}: scores image files on this machine and prints one result per image.
 *
 * <p>JSON lines: {@code {"image": "<path as given>", "scores": {...}, "embedding": [...]}} or
 * {@code {"image": "...", "error": "<reason>"}}. Exit 3 when any image failed.
 */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Scores images against a prompt set and prints one result per image.")
public final class ScoreCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ScoringSetup setup;

    @Option(names = "--json", description = "One JSON object per line per image (with the embedding).")
    boolean json;

    @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "Image files (PNG, JPEG).")
    List<String> images;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PromptSet prompts = setup.promptSet();
        int failed = 0;
        ExecutorService decoders = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(),
                daemon("facesweep-decode"));
        try (ClipModel model = setup.openModel()) {
            ClipScorer scorer = create(model, prompts);
            Map<String, Double> thresholds = prompts.thresholds(0.7);
            if (!json) {
                out.println(header(prompts));
            }
            Progress progress = json || images.size() < 2 * scorer.batchSize() ? null
                    : Progress.onStderr(err, "scoring", "img", images.size());
            int chunk = scorer.batchSize();
            int done = 0;
            for (int start = 0; start < images.size(); start += chunk) {
                List<ImageInput> inputs = new ArrayList<>();
                for (String image : images.subList(start, Math.min(images.size(), start + chunk))) {
                    inputs.add(input(image));
                }
                List<ImageScore> scores = scorer.infer(scorer.prepare(inputs, decoders));
                for (ImageScore score : scores) {
                    if (!score.ok()) {
                        failed++;
                    }
                    out.println(json ? jsonLine(score) : tableLine(score, prompts, thresholds));
                }
                out.flush();
                done += inputs.size();
                if (progress != null) {
                    progress.update(done);
                }
            }
            if (progress != null) {
                progress.finish(done);
            }
        } finally {
            decoders.shutdownNow();
        }
        if (!json) {
            err.println("* = at or above the attribute's threshold");
        }
        if (failed > 0 && !json) {
            err.println(failed + " of " + images.size() + " image(s) could not be scored");
        }
        return failed > 0 ? ExitCode.SOME_FAILED : ExitCode.OK;
    }

    private static ClipScorer create(ClipModel model, PromptSet prompts) {
        try {
            return ClipScorer.create(model, prompts, DecodeLimits.defaults());
        } catch (BundleException e) {
            throw CoreErrors.bundle(e);
        }
    }

    /** Labelled with the path exactly as given; a name the OS cannot represent fails as that image's error. */
    private static ImageInput input(String image) {
        try {
            Path path = Path.of(image);
            ImageInput file = ImageInput.of(path);
            return new ImageInput(image, file.source());
        } catch (InvalidPathException e) {
            return new ImageInput(image, () -> {
                throw new java.io.IOException("not a valid path: " + e.getReason());
            });
        }
    }

    static String jsonLine(ImageScore score) {
        ObjectNode node = JsonOutput.object();
        node.put("image", score.label());
        if (score.ok()) {
            ObjectNode scores = node.putObject("scores");
            score.scores().forEach(scores::put);
            var embedding = node.putArray("embedding");
            for (float v : score.embedding()) {
                embedding.add(v);
            }
        } else {
            node.put("error", score.error());
        }
        return JsonOutput.line(node);
    }

    private static String header(PromptSet prompts) {
        StringBuilder sb = new StringBuilder();
        for (String name : prompts.attributeNames()) {
            sb.append(String.format(Locale.ROOT, "%-12s ", name));
        }
        return sb.append("image").toString();
    }

    private static String tableLine(ImageScore score, PromptSet prompts, Map<String, Double> thresholds) {
        StringBuilder sb = new StringBuilder();
        if (!score.ok()) {
            for (int i = 0; i < prompts.attributeNames().size(); i++) {
                sb.append(String.format(Locale.ROOT, "%-12s ", "-"));
            }
            return sb.append(score.label()).append("  ERROR: ").append(score.error()).toString();
        }
        for (String name : prompts.attributeNames()) {
            double p = score.scores().get(name);
            boolean flagged = p >= thresholds.get(name);
            sb.append(String.format(Locale.ROOT, "%-12s ", String.format(Locale.ROOT, "%.4f%s", p,
                    flagged ? " *" : "")));
        }
        return sb.append(score.label()).toString();
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
