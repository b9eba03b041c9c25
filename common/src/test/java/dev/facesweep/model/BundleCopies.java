package dev.facesweep.model;

import dev.facesweep.testing.Fp16Bundles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writable copies of the clip-tiny bundle, to break in tests. */
final class BundleCopies {

    private BundleCopies() {
    }

    /** Copies the fixture bundle to {@code target} (created) and returns it. */
    static Path copy(Path target) {
        return Fp16Bundles.copyClipTinyModel(target);
    }

    /** Replaces {@code from} by {@code to} in the bundle's config.json (which must contain it). */
    static void editConfig(Path bundle, String from, String to) throws IOException {
        Path config = bundle.resolve("config.json");
        String json = Files.readString(config);
        if (!json.contains(from)) {
            throw new IllegalStateException("config.json has no " + from);
        }
        Files.writeString(config, json.replace(from, to));
    }
}
