package dev.facesweep.worker;

import java.util.Objects;
import java.util.Optional;

/**
 * One prefix rewrite from the coordinator's view of a path to this worker's, e.g. {@code /mnt/e/=E:\}.
 *
 * <p>Matching works on whole path segments ({@code /mnt/e} matches {@code /mnt/e/x.png}, not {@code /mnt/ex}) and
 * ignores the separator style, so {@code E:\faces} also matches {@code E:/faces/x.png}. A Windows-looking prefix
 * (drive letter or {@code \\server\share}) matches case-insensitively. The rewritten path uses the separator of
 * the target: a Windows-looking target ({@code E:\}, {@code \\nas\share}) gets backslashes, anything else forward
 * slashes.
 *
 * @param from the prefix as the coordinator writes paths
 * @param to what replaces it on this worker
 */
public record PathMapping(String from, String to) {

    public PathMapping {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (from.isBlank() || to.isBlank()) {
            throw new IllegalArgumentException("path map '" + from + "=" + to + "' has an empty side; write FROM=TO, "
                    + "e.g. /mnt/e/=E:\\");
        }
    }

    /**
     * Parses {@code FROM=TO} (split at the first {@code =}).
     *
     * @throws IllegalArgumentException naming the malformed spec
     */
    public static PathMapping parse(String spec) {
        int eq = spec == null ? -1 : spec.indexOf('=');
        if (eq < 0) {
            throw new IllegalArgumentException("path map '" + spec + "' has no '=': write FROM=TO, e.g. /mnt/e/=E:\\");
        }
        return new PathMapping(spec.substring(0, eq).strip(), spec.substring(eq + 1).strip());
    }

    /** The prefix with forward slashes and no trailing separator ({@code ""} for the root {@code /}). */
    String matchBase() {
        return stripTrailingSlashes(forwardSlashes(from));
    }

    /**
     * This mapping applied to {@code path}, or empty when the path does not start with {@link #from} on a segment
     * boundary.
     */
    Optional<String> apply(String path) {
        String canonical = forwardSlashes(path);
        String base = matchBase();
        boolean ignoreCase = looksLikeWindows(from);
        if (!canonical.regionMatches(ignoreCase, 0, base, 0, base.length())) {
            return Optional.empty();
        }
        String rest = canonical.substring(base.length());
        if (base.isEmpty() ? !rest.startsWith("/") : !(rest.isEmpty() || rest.startsWith("/"))) {
            return Optional.empty();
        }
        char separator = looksLikeWindows(to) ? '\\' : '/';
        String target = stripTrailingSlashes(forwardSlashes(to));
        if (rest.isEmpty()) {
            return Optional.of(target.isEmpty() || target.endsWith(":") ? to : target.replace('/', separator));
        }
        return Optional.of((target + rest).replace('/', separator));
    }

    /** Drive letter ({@code E:}), or UNC ({@code \\server}), or any backslash. */
    static boolean looksLikeWindows(String path) {
        return path.length() >= 2 && Character.isLetter(path.charAt(0)) && path.charAt(1) == ':'
                || path.indexOf('\\') >= 0;
    }

    private static String forwardSlashes(String s) {
        return s.replace('\\', '/');
    }

    private static String stripTrailingSlashes(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '/') {
            end--;
        }
        return s.substring(0, end);
    }

    @Override
    public String toString() {
        return from + "=" + to;
    }
}
