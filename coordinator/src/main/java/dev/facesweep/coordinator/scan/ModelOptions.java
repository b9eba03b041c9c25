package dev.facesweep.coordinator.scan;

import dev.facesweep.coordinator.cli.UsageError;
import dev.facesweep.model.BundleException;
import dev.facesweep.model.ModelBundle;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --model DIR}, falling back to {@code FACESWEEP_MODEL}. */
public final class ModelOptions {

    static final String HOW_TO_GET_ONE = "get one with ./facesweep model pull ViT-L-14-quickgelu__dfn2b or export"
            + " one with tools/export_openclip.py (see docs/models.md)";

    @Option(names = "--model", paramLabel = "DIR",
            description = "Model bundle folder (default: environment FACESWEEP_MODEL).")
    Path model;

    /** The bundle folder from the option or the environment. */
    Path resolve() {
        if (model != null) {
            return model;
        }
        String env = Environment.get(Environment.MODEL);
        if (env != null) {
            return Path.of(env);
        }
        throw new UsageError("no model: pass --model DIR or set " + Environment.MODEL + "; " + HOW_TO_GET_ONE);
    }

    /** Loads and checks the bundle; a bad bundle is a usage error naming what is wrong. */
    ModelBundle load() {
        Path dir = resolve();
        try {
            return ModelBundle.load(dir);
        } catch (BundleException e) {
            throw new UsageError(e.getMessage(), e);
        }
    }
}
