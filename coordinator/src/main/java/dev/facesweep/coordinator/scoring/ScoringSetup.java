package dev.facesweep.coordinator.scoring;

import dev.facesweep.coordinator.cli.CoreErrors;
import dev.facesweep.coordinator.cli.ModelOptions;
import dev.facesweep.coordinator.cli.UsageError;
import dev.facesweep.model.BundleException;
import dev.facesweep.model.ClipModel;
import dev.facesweep.model.CpuSessionConfigurer;
import dev.facesweep.scoring.PromptSet;
import dev.facesweep.scoring.PromptSetException;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options shared by the commands that score with a model and a prompt set on this machine's CPU. */
final class ScoringSetup {

    @Mixin
    ModelOptions model;

    @Option(names = "--prompts", paramLabel = "FILE",
            description = "Prompt set (YAML or JSON). Default: the built-in sunglasses and mask prompts.")
    Path prompts;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "ONNX Runtime intra-op threads (default: one per core).")
    int threads;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "" + CpuSessionConfigurer.DEFAULT_BATCH_SIZE,
            description = "Images per model run when the model's batch is dynamic (default: ${DEFAULT-VALUE}).")
    int batchSize;

    PromptSet promptSet() {
        try {
            return prompts == null ? PromptSet.defaults() : PromptSet.load(prompts);
        } catch (PromptSetException e) {
            throw CoreErrors.prompts(e);
        }
    }

    ClipModel openModel() {
        if (threads < 0) {
            throw new UsageError("--threads must be 0 (one per core) or more, was " + threads);
        }
        if (batchSize < 1) {
            throw new UsageError("--batch-size must be at least 1, was " + batchSize);
        }
        try {
            return ClipModel.open(model.load(), new CpuSessionConfigurer(threads, batchSize));
        } catch (BundleException e) {
            throw CoreErrors.bundle(e);
        }
    }
}
