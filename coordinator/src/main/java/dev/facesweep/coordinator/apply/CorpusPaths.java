package dev.facesweep.coordinator.apply;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** Relative paths of a plan (forward slashes, inside the root) and the files they name. */
final class CorpusPaths {

    private CorpusPaths() {
    }

    /**
     * The file a relative path names; throws when the path is absolute, climbs out with {@code ..}, or cannot be
     * represented (a hostile or damaged plan).
     */
    static Path resolve(Path root, String rel) {
        if (rel == null || rel.isEmpty() || rel.startsWith("/") || rel.contains("\\") || rel.contains("\0")) {
            throw new IllegalArgumentException("path '" + rel + "' is not a relative path with forward slashes");
        }
        for (String part : rel.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("path '" + rel + "' has an empty, '.' or '..' part");
            }
        }
        try {
            Path p = root.resolve(rel).normalize();
            if (!p.startsWith(root)) {
                throw new IllegalArgumentException("path '" + rel + "' leaves the corpus root");
            }
            return p;
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("path '" + rel + "' cannot be represented here: " + e.getMessage());
        }
    }

    static String parent(String rel) {
        int cut = rel.lastIndexOf('/');
        return cut < 0 ? "" : rel.substring(0, cut);
    }

    static String name(String rel) {
        return rel.substring(rel.lastIndexOf('/') + 1);
    }

    static String join(String dir, String name) {
        return dir.isEmpty() ? name : dir + "/" + name;
    }

    /** {@code a.png} -> {@code a-1.png}; {@code faceset} -> {@code faceset-1}. */
    static String withSuffix(String name, int n) {
        int dot = name.lastIndexOf('.');
        if (dot <= 0) {
            return name + "-" + n;
        }
        return name.substring(0, dot) + "-" + n + name.substring(dot);
    }

    /** The path of {@code file} relative to {@code root} with forward slashes. */
    static String relative(Path root, Path file) {
        StringBuilder sb = new StringBuilder();
        for (Path part : root.relativize(file)) {
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(part);
        }
        return sb.toString();
    }
}
