package dev.facesweep.coordinator.modelpull;

import static org.assertj.core.api.Assertions.assertThat;

import dev.facesweep.coordinator.cli.CliRunner;
import dev.facesweep.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code facesweep model pull} end to end against a local hub serving the fixture bundle. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ModelPullCommandIT {

    private static final String NAME = "Tiny-CLIP__fixture";
    private static final List<String> BUNDLE = List.of("config.json", "visual/preprocess_cfg.json",
            "visual/model.onnx", "textual/model.onnx", "textual/bpe_simple_vocab_16e6.txt.gz");

    @TempDir
    Path cache;

    private FakeHub hub;

    @BeforeEach
    void startHub() throws IOException {
        hub = new FakeHub();
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String path : BUNDLE) {
            files.put(path, Files.readAllBytes(Fixtures.clipTinyModel().resolve(path)));
        }
        hub.addRepo("immich-app/" + NAME, files);
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    @Test
    void pullsChecksAndMakesTheModelUsableByName() throws IOException {
        CliRunner.Result pull = CliRunner.run("model", "pull", NAME, "--hub", hub.url().toString(),
                "--cache", cache.toString());

        assertThat(pull.exit()).as(pull.toString()).isZero();
        assertThat(pull.out()).contains("pulled " + NAME).contains("OK: use it with --model " + NAME);
        for (String path : BUNDLE) {
            assertThat(cache.resolve(NAME).resolve(path))
                    .hasSameBinaryContentAs(Fixtures.clipTinyModel().resolve(path));
        }
        assertCheckPasses(NAME);
    }

    /** The pulled bundle passes `model check`. */
    private void assertCheckPasses(String name) {
        CliRunner.Result check = CliRunner.run("model", "check", cache.resolve(name).toString());
        assertThat(check.exit()).as(check.toString()).isZero();
    }

    @Test
    void anUnknownNameIsAUsageError() {
        CliRunner.Result pull = CliRunner.run("model", "pull", "No-Such-Model", "--hub", hub.url().toString(),
                "--cache", cache.toString());

        assertThat(pull.exit()).isEqualTo(2);
        assertThat(pull.err()).contains("No-Such-Model");
    }
}
