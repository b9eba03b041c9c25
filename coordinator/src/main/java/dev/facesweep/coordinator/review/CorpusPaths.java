package dev.facesweep.coordinator.review;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resolves stored relative paths against a corpus root, refusing any that would leave it. */
final class CorpusPaths {

    private CorpusPaths() {
    }

    /**
     * {@code root/relativePath}, normalised; a path that is absolute or climbs out of the root with {@code ..} is
     * refused with a {@link ReviewException} (bad request).
     */
    static Path resolve(Path root, String relativePath) {
        Path base = root.toAbsolutePath().normalize();
        Path relative = Path.of(relativePath);
        Path resolved = base.resolve(relative).normalize();
        if (relative.isAbsolute() || !resolved.startsWith(base) || resolved.equals(base)) {
            throw new ReviewException(ReviewException.Kind.BAD_REQUEST, "image path '" + relativePath
                    + "' leaves the corpus root " + base + ": refused");
        }
        if (Files.exists(resolved)) {
            try {
                if (!resolved.toRealPath().startsWith(base.toRealPath())) {
                    throw new ReviewException(ReviewException.Kind.BAD_REQUEST, "image " + relativePath
                            + " is a link leading out of the corpus root " + base + ": refused");
                }
            } catch (IOException e) {
                throw new ReviewException(ReviewException.Kind.CONFLICT, "cannot resolve " + resolved + ": "
                        + e.getMessage(), e);
            }
        }
        return resolved;
    }
}
