package dev.facesweep.corpus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Image paths as facesweep stores them: relative to the corpus root, forward slashes, never leaving the root. Scans,
 * plans and journals hold such strings; this turns one back into a file while refusing anything a damaged or hostile
 * plan or store could use to reach outside the root.
 */
public final class CorpusPath {

    private CorpusPath() {
    }

    /**
     * {@code root/relativePath}, normalised.
     *
     * @throws IllegalArgumentException (one line naming the path) when the path is empty, absolute, uses
     *     backslashes, has an empty, {@code .} or {@code ..} part, leaves the root or cannot be represented here
     */
    public static Path resolve(Path root, String relativePath) {
        String rel = relativePath;
        if (rel == null || rel.isEmpty() || rel.startsWith("/") || rel.contains("\\") || rel.contains("\0")) {
            throw new IllegalArgumentException("path '" + rel + "' is not a relative path with forward slashes");
        }
        for (String part : rel.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("path '" + rel + "' has an empty, '.' or '..' part");
            }
        }
        Path base = root.toAbsolutePath().normalize();
        try {
            Path resolved = base.resolve(rel).normalize();
            if (!resolved.startsWith(base) || resolved.equals(base)) {
                throw new IllegalArgumentException("path '" + rel + "' leaves the corpus root " + base);
            }
            return resolved;
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("path '" + rel + "' cannot be represented here: " + e.getReason());
        }
    }

    /**
     * {@link #resolve}, and when the file exists, its real location (links followed) must be inside the root's real
     * location too.
     *
     * @throws IllegalArgumentException as {@link #resolve}, or when a link leads out of the root
     * @throws IOException when the links cannot be followed
     */
    public static Path resolveInside(Path root, String relativePath) throws IOException {
        Path resolved = resolve(root, relativePath);
        if (Files.exists(resolved)
                && !resolved.toRealPath().startsWith(root.toAbsolutePath().normalize().toRealPath())) {
            throw new IllegalArgumentException("path '" + relativePath + "' is a link leading out of the corpus root "
                    + root.toAbsolutePath().normalize());
        }
        return resolved;
    }
}
