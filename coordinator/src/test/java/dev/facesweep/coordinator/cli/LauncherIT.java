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
}
