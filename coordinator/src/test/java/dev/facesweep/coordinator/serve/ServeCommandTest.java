package dev.facesweep.coordinator.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.facesweep.coordinator.cli.CliRunner;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** How {@code facesweep serve}'s options become Spring properties (the service itself: ServeApiIT). */
class ServeCommandTest {

    @Test
    void defaultsToLoopbackPort8080AndTheStateFromTheEnvironment() {
        ServeCommand command = parse();

        Map<String, Object> p = command.properties(Map.of("FACESWEEP_STATE", "/srv/state"));

        assertThat(p).contains(entry("server.address", "127.0.0.1"), entry("server.port", 8080),
                entry("facesweep.serve.state", Path.of("/srv/state").toString()),
                entry("facesweep.serve.thumbnails.size", 128)).doesNotContainKey("facesweep.serve.store.url");
    }

    @Test
    void mapsEveryOption() {
        ServeCommand command = parse("--state", "/data/st", "--store", "jdbc:postgresql://db:5432/fs", "--port", "0",
                "--bind", "0.0.0.0", "--thumbnail-size", "96");

        Map<String, Object> p = command.properties(Map.of("FACESWEEP_STORE_USER", "u",
                "FACESWEEP_STORE_PASSWORD", "secret"));

        assertThat(p).contains(entry("server.address", "0.0.0.0"), entry("server.port", 0),
                entry("facesweep.serve.state", "/data/st"),
                entry("facesweep.serve.store.url", "jdbc:postgresql://db:5432/fs"),
                entry("facesweep.serve.store.user", "u"), entry("facesweep.serve.store.password", "secret"),
                entry("facesweep.serve.thumbnails.size", 96));
    }

    @Test
    void helpAndBadStoreUrl() {
        CliRunner.Result help = CliRunner.run("serve", "--help");
        CliRunner.Result badStore = CliRunner.run("serve", "--state", "/tmp/x", "--store", "postgres://db");
        CliRunner.Result reportHelp = CliRunner.run("report", "--help");

        assertThat(help.exit()).isZero();
        assertThat(help.out()).startsWith("Usage: facesweep serve").contains("--bind").contains("--port");
        assertThat(badStore.exit()).isEqualTo(2);
        assertThat(badStore.err()).contains("is not a JDBC URL").hasLineCount(1);
        assertThat(reportHelp.exit()).isZero();
        assertThat(reportHelp.out()).startsWith("Usage: facesweep report").contains("--out");
    }

    private static ServeCommand parse(String... args) {
        ServeCommand command = new ServeCommand();
        new CommandLine(command).parseArgs(args);
        return command;
    }
}
