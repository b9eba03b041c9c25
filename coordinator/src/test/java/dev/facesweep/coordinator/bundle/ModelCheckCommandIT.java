package dev.facesweep.coordinator.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.facesweep.coordinator.cli.CliRunner;
import dev.facesweep.coordinator.cli.JsonOutput;
import dev.facesweep.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code facesweep model check}. */
class ModelCheckCommandIT {

    @Test
    void reportsWhatTheBundleHolds() {
        CliRunner.Result text = CliRunner.run("model", "check", Fixtures.clipTinyModel().toString());
        CliRunner.Result json = CliRunner.run("model", "check", Fixtures.clipTinyModel().toString(), "--json");

        assertThat(text.exit()).as(text.toString()).isZero();
        assertThat(text.out()).contains("logit_scale 100.0").contains("embed_dim 32")
                .contains("image float32").contains("text int64").contains("OK: the bundle is usable");
        JsonNode report = JsonOutput.mapper().readTree(json.out());
        assertThat(report.get("embed_dim").asInt()).isEqualTo(32);
        assertThat(report.get("logit_scale").asDouble()).isEqualTo(100.0);
        assertThat(report.get("tokenizer").asString()).isEqualTo("bpe_simple_vocab_16e6.txt.gz");
        assertThat(report.get("visual").get("input").asString()).isEqualTo("image");
        assertThat(report.get("visual").get("fixed_batch").asBoolean()).isFalse();
        assertThat(report.get("textual").get("input_type").asString()).containsIgnoringCase("int64");
    }

    @Test
    void aBrokenBundleFailsNamingTheMissingPart(@TempDir Path dir) throws IOException {
        Path bundle = copy(Fixtures.clipTinyModel(), dir.resolve("bundle"));
        Files.delete(bundle.resolve("textual/model.onnx"));

        CliRunner.Result result = CliRunner.run("model", "check", bundle.toString());

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("textual/model.onnx").contains("export_openclip.py");
        assertThat(result.err().strip().lines()).hasSize(1);
    }

    @Test
    void aMissingFolderIsAUsageError(@TempDir Path dir) {
        CliRunner.Result result = CliRunner.run("model", "check", dir.resolve("nope").toString());

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("is not a folder");
    }

    static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                    target.toFile().setWritable(true);
                }
            }
        }
        return to;
    }
}
