package dev.facesweep.coordinator.cli;

import dev.facesweep.coordinator.modelpull.ModelCache;
import dev.facesweep.model.BundleException;
import dev.facesweep.model.ModelBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The {@code --model} option shared by every command that needs a model: a bundle folder or the name of a pulled
 * model; else {@code FACESWEEP_MODEL}; else a one-line error naming both ways to get a model.
 */
public final class ModelOptions {

    public static final String ENV_VAR = "FACESWEEP_MODEL";

    @Option(names = "--model", paramLabel = "DIR|NAME",
            description = "Model bundle folder, or the name of a model pulled with 'facesweep model pull' "
                    + "(default: $" + ENV_VAR + ").")
    String model;

    /** The bundle folder to use; throws {@link UsageError} when none is configured or it does not exist. */
    public Path resolve() {
        return resolve(model, System.getenv(), ModelCache.fromSystem());
    }

    /** Loads the resolved bundle; a bad bundle is a {@link UsageError} naming what is wrong. */
    public ModelBundle load() {
        Path dir = resolve();
        try {
            return ModelBundle.load(dir);
        } catch (BundleException e) {
            throw new UsageError(e.getMessage(), e);
        }
    }

    static Path resolve(String option, Map<String, String> env, ModelCache cache) {
        String chosen = option != null && !option.isBlank() ? option : env.get(ENV_VAR);
        if (chosen == null || chosen.isBlank()) {
            throw new UsageError("no model: pass --model DIR (or set " + ENV_VAR + "); get one with "
                    + "'./facesweep model pull ViT-L-14-quickgelu__dfn2b' or export it with tools/export_openclip.py "
                    + "(docs/models.md)");
        }
        Path asPath = Path.of(chosen);
        if (Files.isDirectory(asPath)) {
            return asPath.toAbsolutePath().normalize();
        }
        if (!chosen.contains("/") && !chosen.contains("\\")) {
            Path pulled = cache.root().resolve(chosen);
            if (Files.isDirectory(pulled)) {
                return pulled;
            }
        }
        throw new UsageError("model " + chosen + " is neither a bundle folder nor a pulled model in "
                + cache.root() + ": get one with './facesweep model pull NAME' or tools/export_openclip.py "
                + "(docs/models.md)");
    }
}
