package dev.facesweep.coordinator.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --state DIR}, shared by every command that works on scans, plans or apply journals, so they all find the
 * state folder the same way: the option; else {@code $FACESWEEP_STATE}; else {@code <root>/.facesweep} when the
 * command knows the corpus root (scan, apply of a plan file); else {@code ./.facesweep} when it exists or the store is
 * named by URL; else a usage error saying how to name one. Commands that read the scan store take
 * {@link StoreOptions}, which includes this.
 */
public final class StateOptions {

    public static final String DEFAULT_NAME = ".facesweep";

    @Option(names = "--state", paramLabel = "DIR",
            description = "State folder (scan store, plans, journals); default: $" + Environment.STATE
                    + ", else <root>/.facesweep when the corpus root is known, else ./.facesweep.")
    Path state;

    /**
     * The state folder, absolute.
     *
     * @param root the corpus root when the command knows it, else null
     */
    public Path stateDir(Map<String, String> env, Path root) {
        return resolve(state, env, root, Path.of(""), false);
    }

    /**
     * @param storeElsewhere whether the store is named by URL: then {@code ./.facesweep} is the state folder even
     *     when it does not exist yet (it only holds plans and journals, made when needed)
     */
    static Path resolve(Path option, Map<String, String> env, Path root, Path workingDir, boolean storeElsewhere) {
        if (option != null) {
            return option.toAbsolutePath().normalize();
        }
        String fromEnv = Environment.get(env, Environment.STATE);
        if (fromEnv != null) {
            return Path.of(fromEnv).toAbsolutePath().normalize();
        }
        if (root != null) {
            return root.resolve(DEFAULT_NAME).toAbsolutePath().normalize();
        }
        Path here = workingDir.resolve(DEFAULT_NAME).toAbsolutePath().normalize();
        if (storeElsewhere || Files.isDirectory(here)) {
            return here;
        }
        throw new UsageError("no state folder: pass --state DIR (the scan's state folder, by default <corpus root>/"
                + DEFAULT_NAME + ") or set " + Environment.STATE);
    }
}
