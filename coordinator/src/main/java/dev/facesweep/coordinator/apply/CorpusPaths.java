package dev.facesweep.coordinator.apply;

import java.nio.file.Path;

/**
 * Names inside a plan's relative paths (forward slashes); {@link dev.facesweep.corpus.CorpusPath} turns a relative path
 * into its file.
 */
final class CorpusPaths {

    private CorpusPaths() {
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
