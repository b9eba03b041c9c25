package dev.facesweep.worker;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Which files a worker may read for a batch: the coordinator's path is rewritten by the first matching
 * {@link PathMapping} (longest prefix first), made absolute-or-refused, normalised, and must then lie inside an
 * allowed root both as written (catches {@code ..}) and after {@link Path#toRealPath} (catches symbolic links that
 * leave the root).
 *
 * <p>Three modes:
 * <ul>
 *   <li>{@link #restricted}: paths must resolve inside the given roots. The worker command line defaults its
 *       roots to the targets of its {@code --path-map}s when no {@code --allow-root} is given.</li>
 *   <li>{@link #inlineOnly}: no roots, every path is refused; only images sent inline are scored. This is what a
 *       policy with no roots means, so a misconfigured worker reads nothing rather than everything.</li>
 *   <li>{@link #unrestricted}: any absolute path (after mapping) is read. Only by explicit configuration, for a
 *       worker that trusts its coordinator completely.</li>
 * </ul>
 *
 * <p>Every refusal is a {@link PathRefusedException} with one line naming the path. Immutable and thread-safe.
 */
public final class PathPolicy {

    private final List<PathMapping> mappings;
    private final List<Root> roots;
    private final boolean unrestricted;
    private final FileSystem fs;

    /** An allowed root as configured and as the file system resolves it. */
    private record Root(Path given, Path real) {
        boolean contains(Path p) {
            return p.startsWith(given) || p.startsWith(real);
        }
    }

    private PathPolicy(List<PathMapping> mappings, List<Root> roots, boolean unrestricted, FileSystem fs) {
        List<PathMapping> sorted = new ArrayList<>(mappings);
        sorted.sort(Comparator.comparingInt((PathMapping m) -> m.matchBase().length()).reversed());
        this.mappings = List.copyOf(sorted);
        this.roots = List.copyOf(roots);
        this.unrestricted = unrestricted;
        this.fs = fs;
    }

    /**
     * Paths must resolve inside {@code allowedRoots} (each must exist now; it is resolved to its real path once).
     * With no roots this is {@link #inlineOnly}.
     *
     * @throws IllegalArgumentException naming a root that is not an existing absolute folder
     */
    public static PathPolicy restricted(List<PathMapping> mappings, List<Path> allowedRoots) {
        FileSystem fs = FileSystems.getDefault();
        List<Root> roots = new ArrayList<>();
        for (Path root : allowedRoots) {
            if (!root.isAbsolute()) {
                throw new IllegalArgumentException("allowed root " + root + " is not absolute: give the full path");
            }
            Path given = root.normalize();
            if (!Files.isDirectory(given)) {
                throw new IllegalArgumentException("allowed root " + given + " is not an existing folder: mount it "
                        + "or fix the path");
            }
            try {
                roots.add(new Root(given, given.toRealPath()));
            } catch (IOException e) {
                throw new IllegalArgumentException("allowed root " + given + " cannot be resolved: " + e.getMessage(),
                        e);
            }
        }
        return new PathPolicy(mappings, roots, false, fs);
    }

    /** Refuses every path: the worker scores only images whose bytes come inline in the message. */
    public static PathPolicy inlineOnly() {
        return new PathPolicy(List.of(), List.of(), false, FileSystems.getDefault());
    }

    /** Reads any absolute path after mapping; no root check. Only for explicit configuration. */
    public static PathPolicy unrestricted(List<PathMapping> mappings) {
        return new PathPolicy(mappings, List.of(), true, FileSystems.getDefault());
    }

    public List<PathMapping> mappings() {
        return mappings;
    }

    /** The allowed roots as configured (normalised); empty for inline-only and unrestricted policies. */
    public List<Path> allowedRoots() {
        return roots.stream().map(Root::given).toList();
    }

    public boolean isUnrestricted() {
        return unrestricted;
    }

    /** True when every path is refused (no roots and not unrestricted). */
    public boolean isInlineOnly() {
        return !unrestricted && roots.isEmpty();
    }

    /**
     * The path as this worker names it: rewritten by the longest matching mapping, or unchanged when none
     * matches. Pure string work; nothing is checked.
     */
    public String map(String messagePath) {
        for (PathMapping mapping : mappings) {
            Optional<String> mapped = mapping.apply(messagePath);
            if (mapped.isPresent()) {
                return mapped.get();
            }
        }
        return messagePath;
    }

    /**
     * Maps and checks {@code messagePath}; the result is the real path of an existing file inside the allowed
     * roots, safe to open without following further links.
     *
     * @throws PathRefusedException when the path is not usable here (not absolute after mapping, outside the
     *     roots, escaping through {@code ..} or a link, or inline-only policy)
     * @throws java.nio.file.NoSuchFileException when the file does not exist
     * @throws IOException when it cannot be resolved
     */
    public Path resolve(String messagePath) throws PathRefusedException, IOException {
        String mapped = map(messagePath);
        String named = mapped.equals(messagePath) ? messagePath : messagePath + " (here " + mapped + ")";
        if (isInlineOnly()) {
            throw new PathRefusedException("path " + named + " refused: this worker reads no files (no allowed "
                    + "roots); give it --allow-root or have the coordinator send images inline");
        }
        Path path;
        try {
            path = fs.getPath(mapped);
        } catch (InvalidPathException e) {
            throw new PathRefusedException("path " + named + " is not a valid path on this worker (" + e.getReason()
                    + "); add a --path-map for it");
        }
        if (!path.isAbsolute()) {
            throw new PathRefusedException("path " + named + " is not absolute on this worker; add a --path-map "
                    + "for it");
        }
        Path normal = path.normalize();
        if (!unrestricted && roots.stream().noneMatch(r -> r.contains(normal))) {
            throw new PathRefusedException("path " + named + " is outside the allowed roots " + rootList()
                    + (normal.equals(path) ? "" : " (it normalises to " + normal + ")")
                    + "; add --allow-root or --path-map on this worker");
        }
        Path real = normal.toRealPath();
        if (!unrestricted && roots.stream().noneMatch(r -> real.startsWith(r.real()))) {
            throw new PathRefusedException("path " + named + " resolves through a link to " + real
                    + ", outside the allowed roots " + rootList());
        }
        return real;
    }

    private String rootList() {
        return roots.stream().map(r -> r.given().toString()).collect(Collectors.joining(", ", "[", "]"));
    }

    @Override
    public String toString() {
        String mode = unrestricted ? "any path" : roots.isEmpty() ? "inline only" : "roots " + rootList();
        return "PathPolicy[" + mode + (mappings.isEmpty() ? "" : ", maps " + mappings) + "]";
    }
}
