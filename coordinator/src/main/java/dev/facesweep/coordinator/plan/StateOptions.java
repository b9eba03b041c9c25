package dev.facesweep.coordinator.plan;

import dev.facesweep.coordinator.cli.UsageError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The {@code --state DIR} option of the plan, apply, revert and history commands: the state folder that holds the
 * scan store, plans and apply journals. Without it: {@code $FACESWEEP_STATE}; else the corpus root's
 * {@code .facesweep} when the command knows the root (apply of a plan file); else {@code ./.facesweep} when it
 * exists.
 */
public final class StateOptions {

    public static final String ENV_VAR = "FACESWEEP_STATE";
    public static final String DEFAULT_NAME = ".facesweep";

    @Option(names = "--state", paramLabel = "DIR",
            description = "State folder (scan store, plans, journals); default $" + ENV_VAR
                    + ", else <root>/.facesweep when the root is known, else ./.facesweep.")
    Path state;

    /** The state folder; {@code root} may be null when the command does not know the corpus root. */
    public Path resolve(Path root) {
        return resolve(state, System.getenv(), root, Path.of(""));
    }

    static Path resolve(Path option, Map<String, String> env, Path root, Path workingDir) {
        if (option != null) {
            return option.toAbsolutePath().normalize();
        }
        String fromEnv = env.get(ENV_VAR);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv).toAbsolutePath().normalize();
        }
        if (root != null) {
            return root.resolve(DEFAULT_NAME).toAbsolutePath().normalize();
        }
        Path here = workingDir.resolve(DEFAULT_NAME).toAbsolutePath().normalize();
        if (Files.isDirectory(here)) {
            return here;
        }
        throw new UsageError("no state folder: pass --state DIR (the scan's state folder, by default"
                + " <corpus root>/" + DEFAULT_NAME + ") or set " + ENV_VAR);
    }
}
