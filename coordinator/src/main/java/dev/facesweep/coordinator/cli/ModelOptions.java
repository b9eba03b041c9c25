package dev.facesweep.coordinator.cli;

import dev.facesweep.model.ModelCache;
import dev.facesweep.model.BundleException;
import dev.facesweep.model.ModelBundle;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The {@code --model} option shared by every command that needs a model: a bundle folder or the name of a pulled
 * model; else {@code FACESWEEP_MODEL}; else the only model pulled into the model cache; else a one-line error
 * naming the ways to get or choose a model. Commands on a stored scan ({@link #loadFor}) instead look for the
 * pulled model the scan was made with.
 */
public final class ModelOptions {

    public static final String ENV_VAR = "FACESWEEP_MODEL";

    @Option(names = "--model", paramLabel = "DIR|NAME",
            description = "Model bundle folder, or the name of a model pulled with 'facesweep model pull' "
                    + "(default: $" + ENV_VAR + ", else the only pulled model).")
    String model;

    /** The bundle folder to use; throws {@link UsageError} when none is configured or it does not exist. */
    public Path resolve() {
        return resolve(model, Environment.current(), cache());
    }

    /** Loads the resolved bundle; a bad bundle is a {@link UsageError} naming what is wrong. */
    public ModelBundle load() {
        return load(resolve());
    }

    /**
     * The bundle of a stored scan's model ({@code modelId}, see {@link ModelBundle#modelId()}): the configured one
     * when {@code --model} names one (it must be that model) or {@value #ENV_VAR} names that model, else the pulled
     * model that is.
     *
     * @throws UsageError when the configured bundle is another model, or no pulled one is this model
     */
    public ModelBundle loadFor(String modelId, String whose) {
        return loadFor(model, Environment.current(), cache(), modelId, whose);
    }

    static ModelBundle loadFor(String option, Map<String, String> env, ModelCache cache, String modelId,
            String whose) {
        boolean asked = option != null && !option.isBlank();
        if (configured(option, env) != null) {
            ModelBundle bundle = load(resolve(option, env, cache));
            if (bundle.modelId().equals(modelId)) {
                return bundle;
            }
            if (asked) {
                throw new UsageError(whose + " was made with model " + modelId + " but " + bundle.dir() + " is "
                        + bundle.modelId() + ": pass --model with that model's bundle");
            }
            // FACESWEEP_MODEL is only a default: another model there does not stop the pulled one being found
        }
        for (Path dir : cache.bundles()) {
            try {
                ModelBundle bundle = ModelBundle.load(dir);
                if (bundle.modelId().equals(modelId)) {
                    return bundle;
                }
            } catch (BundleException e) {
                // a broken pulled bundle is not the one asked for; 'facesweep model check' reports it
            }
        }
        throw new UsageError(whose + " was made with model " + modelId + ", and no model pulled into "
                + cache.root() + " is that model: pass --model with its bundle (or set " + ENV_VAR + ")");
    }

    private static ModelCache cache() {
        return ModelCache.fromEnvironment(Environment.current(), Path.of(System.getProperty("user.home")));
    }

    private static String configured(String option, Map<String, String> env) {
        String chosen = option != null && !option.isBlank() ? option : env.get(ENV_VAR);
        return chosen == null || chosen.isBlank() ? null : chosen;
    }

    private static ModelBundle load(Path dir) {
        try {
            return ModelBundle.load(dir);
        } catch (BundleException e) {
            throw new UsageError(e.getMessage(), e);
        }
    }

    static Path resolve(String option, Map<String, String> env, ModelCache cache) {
        String chosen = configured(option, env);
        if (chosen == null) {
            try {
                return cache.soleBundle("pass --model DIR|NAME (or set " + ENV_VAR + ")");
            } catch (IllegalStateException e) {
                throw new UsageError(e.getMessage(), e);
            }
        }
        return cache.locate(chosen).orElseThrow(() -> new UsageError("model " + chosen + " is neither a bundle folder nor a pulled model in "
                + cache.root() + ": get one with './facesweep model pull NAME' or tools/export_openclip.py "
                + "(docs/models.md)"));
    }
}
