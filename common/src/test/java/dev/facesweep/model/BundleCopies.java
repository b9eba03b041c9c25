package dev.facesweep.model;

import dev.facesweep.testing.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Writable copies of the clip-tiny bundle, to break in tests. */
final class BundleCopies {

    private BundleCopies() {
    }

    /** Copies the fixture bundle to {@code target} (created) and returns it. */
    static Path copy(Path target) {
        Path source = Fixtures.clipTinyModel();
        try (Stream<Path> files = Files.walk(source)) {
            files.forEach(file -> {
                Path to = target.resolve(source.relativize(file).toString());
                try {
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(file, to);
                        to.toFile().setWritable(true);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
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
