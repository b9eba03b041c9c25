package dev.facesweep.coordinator.metrics;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's deploy/ files and the tools that check them (Debian packages; a missing one fails the test). */
final class DeployFiles {

    private DeployFiles() {
    }

    /** The repository root: the first parent of the working folder holding deploy/prometheus/prometheus.yml. */
    static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("deploy/prometheus/prometheus.yml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no deploy/prometheus/prometheus.yml above " + Path.of("").toAbsolutePath());
    }

    static Path prometheusDir() {
        return root().resolve("deploy/prometheus");
    }

    static Path dashboard() {
        return root().resolve("deploy/grafana/dashboards/facesweep.json");
    }

    /**
     * An executable that a Debian package provides.
     *
     * @throws AssertionError naming the apt-get command when it is missing
     */
    static Path tool(String path, String debianPackage) {
        Path p = Path.of(path);
        if (!Files.isExecutable(p)) {
            throw new AssertionError(path + " is missing: install it with `apt-get install -y " + debianPackage
                    + "` (the CI script .ci/run does)");
        }
        return p;
    }

    static Path prometheus() {
        return tool("/usr/bin/prometheus", "prometheus");
    }

    static Path promtool() {
        return tool("/usr/bin/promtool", "prometheus");
    }
}
