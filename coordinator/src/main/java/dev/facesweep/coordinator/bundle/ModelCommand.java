package dev.facesweep.coordinator.bundle;

import dev.facesweep.coordinator.cli.CoreErrors;
import dev.facesweep.coordinator.cli.ExitCode;
import dev.facesweep.coordinator.cli.JsonOutput;
import dev.facesweep.coordinator.cli.Progress;
import dev.facesweep.coordinator.cli.UsageError;
import dev.facesweep.model.ModelCache;
import dev.facesweep.coordinator.modelpull.ModelPullException;
import dev.facesweep.coordinator.modelpull.ModelPuller;
import dev.facesweep.coordinator.modelpull.PullConfig;
import dev.facesweep.coordinator.modelpull.PullResult;
import dev.facesweep.model.BundleException;
import dev.facesweep.model.BundleValidator;
import dev.facesweep.model.CpuSessionConfigurer;
import dev.facesweep.model.ModelInfo;
import dev.facesweep.model.SessionInfo;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.node.ObjectNode;

/** {@code facesweep model check|pull}: validate a model bundle, or download an Immich-format one. */
@Command(name = "model", mixinStandardHelpOptions = true, description = "Checks or downloads model bundles.",
        subcommands = {ModelCommand.Check.class, ModelCommand.Pull.class})
public final class ModelCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand: check or pull");
    }

    /** Opens both models, runs one image and one prompt, and prints what it found. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Validates a model bundle and prints names, dims, batch and logit_scale.")
    static final class Check implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "DIR", description = "The bundle folder.")
        Path dir;

        @Option(names = "--json", description = "Machine-readable report.")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            if (!Files.isDirectory(dir)) {
                throw new UsageError("model bundle " + dir + " is not a folder");
            }
            ModelInfo info;
            try {
                info = BundleValidator.check(dir, new CpuSessionConfigurer());
            } catch (BundleException e) {
                throw CoreErrors.bundle(e);
            }
            out.println(json ? JsonOutput.line(toJson(info)) : info.format());
            if (!json) {
                out.println("OK: the bundle is usable");
            }
            return ExitCode.OK;
        }

        static ObjectNode toJson(ModelInfo info) {
            ObjectNode root = JsonOutput.object();
            root.put("dir", info.bundle().dir().toString());
            root.put("model_id", info.bundle().modelId());
            root.put("scoring_id", info.bundle().scoringId());
            root.put("model_name", info.bundle().config().modelName());
            info.bundle().config().pretrained().ifPresent(p -> root.put("pretrained", p));
            root.put("embed_dim", info.bundle().config().embedDim());
            root.put("logit_scale", info.bundle().config().logitScale());
            root.put("logit_scale_declared", info.bundle().config().logitScaleDeclared());
            root.put("tokenizer", info.bundle().tokenizerKind().fileName());
            session(root.putObject("visual"), info.visual());
            session(root.putObject("textual"), info.textual());
            return root;
        }

        private static void session(ObjectNode node, SessionInfo s) {
            node.put("input", s.inputName());
            node.put("input_type", s.inputType());
            node.put("output_type", s.outputType());
            node.put("output", s.outputName());
            node.put("fixed_batch", s.fixedBatch().isPresent());
            s.fixedBatch().ifPresent(b -> node.put("batch", b));
            node.put("provider", s.providerInUse());
        }
    }

    /** Downloads an Immich-format bundle from a Hugging Face-compatible hub into the model cache, then checks it. */
    @Command(name = "pull", mixinStandardHelpOptions = true,
            description = "Downloads an Immich-format bundle (e.g. ViT-L-14-quickgelu__dfn2b) into the model cache. "
                    + "Re-run to resume an interrupted download.")
    static final class Pull implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "Model name, e.g. ViT-L-14-quickgelu__dfn2b.")
        String name;

        @Option(names = "--hub", paramLabel = "URL",
                description = "Hub base URL (default: $HF_ENDPOINT or https://huggingface.co).")
        URI hub;

        @Option(names = "--organization", paramLabel = "ORG", description = "Hub organisation (default: immich-app).")
        String organization;

        @Option(names = "--cache", paramLabel = "DIR",
                description = "Model cache folder (default: $FACESWEEP_MODEL_CACHE or ~/.cache/facesweep/models).")
        Path cacheDir;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            PullConfig config = PullConfig.fromEnvironment(System.getenv());
            if (hub != null) {
                config = config.withHubUrl(hub);
            }
            if (organization != null) {
                config = config.withOrganization(organization);
            }
            ModelCache cache = cacheDir != null ? new ModelCache(cacheDir.toAbsolutePath()) : ModelCache.fromSystem();
            Progress progress = Progress.onStderr(err, "pulling " + name, "MB", 0);
            PullResult result;
            try {
                result = new ModelPuller(config, cache).pull(name, p -> {
                    progress.total(p.total() / 1_000_000);
                    progress.update(p.done() / 1_000_000);
                });
            } catch (ModelPullException e) {
                progress.finish(0);
                if (e.reason() == ModelPullException.Reason.NOT_FOUND) {
                    throw new UsageError(e.getMessage(), e);
                }
                err.println("facesweep model pull: " + e.getMessage());
                return ExitCode.SOME_FAILED;
            }
            progress.finish(result.bytesTransferred() / 1_000_000);
            out.println("pulled " + name + " into " + result.bundleDir() + " (" + result.files().size() + " files, "
                    + result.bytesTransferred() + " bytes transferred)");
            try {
                ModelInfo info = BundleValidator.check(result.bundleDir(), new CpuSessionConfigurer());
                out.println(info.format());
                out.println("OK: use it with --model " + name);
            } catch (BundleException e) {
                throw new UsageError("pulled " + name + " but it is not a usable bundle: " + e.getMessage(), e);
            }
            return ExitCode.OK;
        }
    }
}
