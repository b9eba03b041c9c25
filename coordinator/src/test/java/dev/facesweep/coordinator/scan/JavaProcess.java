package dev.facesweep.coordinator.scan;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A JVM started from this test's own class path (worker or coordinator), its stdout and stderr in one log file, so
 * a test can wait for a line and kill it like {@code kill -9} ({@link #kill()}: no shutdown hooks, no acks).
 */
final class JavaProcess implements AutoCloseable {

    /** Small JVMs: the machine running the tests also runs the broker, the workers and the coordinator. */
    private static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-Xmx512m");

    final String name;
    final Path log;
    private final Process process;

    private JavaProcess(String name, Path log, Process process) {
        this.name = name;
        this.log = log;
        this.process = process;
    }

    /**
     * Starts {@code mainClass} with {@code args}; {@code env} is added to this process's environment.
     */
    static JavaProcess start(String name, Path logDir, Class<?> mainClass, List<String> args, Map<String, String> env)
            throws IOException {
        return start(name, logDir, mainClass.getName(), args, env);
    }

    static JavaProcess start(String name, Path logDir, String mainClass, List<String> args, Map<String, String> env)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        return new JavaProcess(name, log, builder.start());
    }

    String output() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the log has a line containing {@code fragment}; fails early if the process dies first. */
    String awaitLine(String fragment, Duration atMost) {
        await(name + " to log '" + fragment + "'").atMost(atMost).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    if (output().contains(fragment)) {
                        return true;
                    }
                    if (!process.isAlive()) {
                        throw new AssertionError(name + " exited with " + process.exitValue()
                                + " before logging '" + fragment + "':\n" + output());
                    }
                    return false;
                });
        return output().lines().filter(l -> l.contains(fragment)).findFirst().orElseThrow();
    }

    /** Waits for the process to exit by itself and returns its exit code. */
    int awaitExit(Duration atMost) throws InterruptedException {
        if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " did not finish within " + atMost + ":\n" + tail());
        }
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Process process() {
        return process;
    }

    /** SIGKILL, then waits until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError(name + " survived SIGKILL for 30 s");
        }
    }

    /** The last lines of the log, for failure messages. */
    String tail() {
        List<String> lines = output().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
