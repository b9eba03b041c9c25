package dev.facesweep.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the read-only reference fixtures in {@code shared/fixtures/} beside the repository.
 *
 * <p>Set {@code -Dfacesweep.fixtures=DIR} (or env {@code FACESWEEP_FIXTURES}) to point elsewhere; otherwise the
 * working directory and its parents are searched for a sibling {@code shared/fixtures}.
 */
public final class Fixtures {

    private Fixtures() {
    }

    /** The fixtures root, e.g. {@code ../shared/fixtures}. */
    public static Path root() {
        String configured = System.getProperty("facesweep.fixtures", System.getenv("FACESWEEP_FIXTURES"));
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured).toAbsolutePath().normalize();
            if (Files.isDirectory(p)) {
                return p;
            }
            throw new IllegalStateException("facesweep.fixtures points at " + p + ", which is not a directory");
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolveSibling("shared").resolve("fixtures");
            if (Files.isDirectory(candidate.resolve("clip-tiny"))) {
                return candidate.normalize();
            }
        }
        throw new IllegalStateException("cannot find shared/fixtures beside the repository; set -Dfacesweep.fixtures=DIR");
    }

    /** The tiny CLIP reference: {@code model/}, {@code images/}, {@code prompts.json}, {@code reference.json}. */
    public static Path clipTiny() {
        return root().resolve("clip-tiny");
    }

    public static Path clipTinyModel() {
        return clipTiny().resolve("model");
    }

    public static Path clipTinyImages() {
        return clipTiny().resolve("images");
    }
}
