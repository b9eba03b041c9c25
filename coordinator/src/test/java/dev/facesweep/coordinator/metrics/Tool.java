package dev.facesweep.coordinator.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command line tool to completion and keeps its combined output. */
record Tool(int exitCode, String output, List<String> command) {

    static Tool run(Path dir, byte[] stdin, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        Process p = builder.start();
        try (var in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin);
            }
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within 120 s; output: " + out);
        }
        return new Tool(p.exitValue(), out, new ArrayList<>(List.of(command)));
    }

    @Override
    public String toString() {
        return String.join(" ", command) + " -> exit " + exitCode + "\n" + output;
    }
}
