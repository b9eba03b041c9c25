package dev.facesweep.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The folder that holds downloaded model bundles, one sub-folder per model name ({@code <root>/<NAME>/}).
 *
 * <p>{@value #ENV_VAR} chooses the root; otherwise it is {@code ~/.cache/facesweep/models}.
 */
public record ModelCache(Path root) {

    public static final String ENV_VAR = "FACESWEEP_MODEL_CACHE";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    public ModelCache {
        Objects.requireNonNull(root, "root");
        root = root.toAbsolutePath().normalize();
    }

    /** Resolves the cache from an environment (normally {@link System#getenv()}) and the user's home folder. */
    public static ModelCache fromEnvironment(Map<String, String> env, Path userHome) {
        String configured = env.get(ENV_VAR);
        if (configured != null && !configured.isBlank()) {
            try {
                return new ModelCache(Path.of(configured.trim()));
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException(ENV_VAR + "=" + configured + " is not a valid path: " + e.getReason());
            }
        }
        return new ModelCache(userHome.resolve(".cache").resolve("facesweep").resolve("models"));
    }

    /** The cache of this process: {@value #ENV_VAR}, else {@code ~/.cache/facesweep/models}. */
    public static ModelCache fromSystem() {
        return fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** The bundle folder of a model name such as {@code ViT-L-14-quickgelu__dfn2b}. */
    public Path bundleDir(String name) {
        checkName(name);
        return root.resolve(name);
    }

    /** Rejects names that are not a single hub repository name (no slashes, no leading dot). */
    public static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid model name '" + name + "': use a hub model name such as "
                    + "ViT-L-14-quickgelu__dfn2b (letters, digits, '.', '_' and '-')");
        }
        return name;
    }

    /**
     * What a {@code --model} value names: an existing folder (absolute, normalised), else the folder of that pulled
     * model when the value is a plain name (no path separator) and the cache has it; empty when neither.
     */
    public Optional<Path> locate(String model) {
        try {
            Path asPath = Path.of(model);
            if (Files.isDirectory(asPath)) {
                return Optional.of(asPath.toAbsolutePath().normalize());
            }
        } catch (InvalidPathException e) {
            // not a path on this system; it may still be a name
        }
        if (!model.contains("/") && !model.contains("\\") && !model.isBlank()) {
            Path pulled = root.resolve(model);
            if (Files.isDirectory(pulled)) {
                return Optional.of(pulled);
            }
        }
        return Optional.empty();
    }

    /**
     * The complete bundles pulled into this cache: sub-folders (not starting with a dot) with config.json,
     * visual/model.onnx and textual/model.onnx, sorted by name. A pull still in progress keeps its files under a
     * {@code .part} name, so it is not listed. An absent or unreadable root holds none.
     */
    public List<Path> bundles() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(root)) {
            return children.filter(dir -> !dir.getFileName().toString().startsWith("."))
                    .filter(dir -> Files.isRegularFile(dir.resolve("config.json"))
                            && Files.isRegularFile(dir.resolve("visual").resolve("model.onnx"))
                            && Files.isRegularFile(dir.resolve("textual").resolve("model.onnx")))
                    .sorted()
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            return List.of();
        }
    }

    /**
     * The bundle to use when a command names none: the only one pulled into this cache.
     *
     * @throws IllegalStateException when the cache holds none or several (the message says which and what to do;
     *     {@code howToName} completes it, e.g. "pass --model NAME")
     */
    public Path soleBundle(String howToName) {
        List<Path> bundles = bundles();
        if (bundles.size() == 1) {
            return bundles.get(0);
        }
        if (bundles.isEmpty()) {
            throw new IllegalStateException("no model given and none pulled into " + root + ": " + howToName
                    + ", or get one with './facesweep model pull NAME' or tools/export_openclip.py (docs/models.md)");
        }
        throw new IllegalStateException("no model given and " + bundles.size() + " pulled into " + root + " ("
                + String.join(", ", bundles.stream().map(b -> b.getFileName().toString()).toList()) + "): "
                + howToName + " to choose one");
    }
}
