package dev.facesweep.coordinator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.facesweep.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code ./facesweep} launcher as a user runs it: a separate process on the packaged jar. */
class LauncherIT {

    private static final Path REPO = Path.of("").toAbsolutePath().getParent();

    record Run(int exit, String out, String err) {
    }

    static Run launch(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", REPO.resolve("facesweep").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(REPO.toFile());
        builder.environment().put("FACESWEEP_NO_BUILD", "1");
        builder.environment().remove("FACESWEEP_MODEL");
        Path out = Files.createTempFile("launcher", ".out");
        Path err = Files.createTempFile("launcher", ".err");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("launcher did not finish in 120 s: " + command);
        }
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void scoresAndExitsZero() throws Exception {
        Run run = launch("score", "--model", Fixtures.clipTinyModel().toString(), "--json",
                Fixtures.clipTinyImages().resolve("face_00.png").toString());

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out().strip().lines()).hasSize(1);
        assertThat(run.out()).startsWith("{\"image\":").contains("\"scores\":").contains("\"embedding\":[");
    }

    @Test
    void failedItemsExitThree() throws Exception {
        Run run = launch("score", "--model", Fixtures.clipTinyModel().toString(), "--json",
                REPO.resolve("README.md").toString());

        assertThat(run.exit()).isEqualTo(3);
        assertThat(run.out()).contains("\"error\":");
    }

    @Test
    void usageErrorsExitTwoWithOneLine() throws Exception {
        Run run = launch("score");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("Missing required parameter");
    }

    @ParameterizedTest
    @ValueSource(strings = {"score", "prompts", "model", "model check", "model pull"})
    void everySubcommandHasHelp(String subcommand) throws Exception {
        List<String> args = new ArrayList<>(List.of(subcommand.split(" ")));
        args.add("--help");

        Run run = launch(args.toArray(String[]::new));

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("Usage: facesweep " + subcommand);
    }

    /**
     * A stale jar is rebuilt with {@code FACESWEEP_BUILD_OPTS} (e.g. {@code -Pgpu}); checked on a copy of the
     * launcher with a stand-in Maven wrapper and java, so no real build runs.
     */
    @Test
    void rebuildsAStaleJarWithTheConfiguredBuildOptions(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Files.copy(REPO.resolve("facesweep"), dir.resolve("facesweep"));
        for (String module : List.of("common", "coordinator/target", "worker-cpu", "worker-dml")) {
            Files.createDirectories(dir.resolve(module));
        }
        Path jar = Files.writeString(dir.resolve("coordinator/target/facesweep-coordinator.jar"), "old");
        Files.writeString(dir.resolve("pom.xml"), "<project/>");
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(0));
        Path mvnw = Files.writeString(dir.resolve("mvnw"), "#!/usr/bin/env bash\necho \"$*\" > maven-args\n"
                + "echo new > coordinator/target/facesweep-coordinator.jar\n");
        Path java = Files.writeString(dir.resolve("fake-java"), "#!/usr/bin/env bash\necho \"java $*\"\n");
        mvnw.toFile().setExecutable(true);
        java.toFile().setExecutable(true);

        ProcessBuilder builder = new ProcessBuilder("bash", dir.resolve("facesweep").toString(), "status")
                .directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("JAVA", java.toString());
        builder.environment().put("FACESWEEP_BUILD_OPTS", "-Pgpu");
        builder.environment().remove("FACESWEEP_NO_BUILD");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).as(output).isZero();
        assertThat(Files.readString(dir.resolve("maven-args")).strip()).isEqualTo("-B -q -Pgpu -DskipTests package");
        assertThat(Files.readString(jar).strip()).isEqualTo("new");
        assertThat(output).contains("./mvnw -Pgpu -DskipTests package").contains("java -jar " + jar + " status");
    }
}
