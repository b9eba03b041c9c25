package dev.facesweep.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.facesweep.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class PreprocessConfigTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static JsonNode json(String text) {
        return JSON.readTree(text.replace('\'', '"'));
    }

    @Test
    void fixtureBundleConfigIsOpenClipsDefault() {
        PreprocessConfig config = PreprocessConfig.fromJson(Fixtures.clipTinyModel().resolve("visual/preprocess_cfg.json"));

        assertThat(config).isEqualTo(PreprocessConfig.openClipDefault());
        assertThat(config.width()).isEqualTo(224);
        assertThat(config.height()).isEqualTo(224);
        assertThat(config.mean()).containsExactly(0.48145466f, 0.4578275f, 0.40821073f);
        assertThat(config.std()).containsExactly(0.26862954f, 0.26130258f, 0.27577711f);
        assertThat(config.interpolation()).isEqualTo(Interpolation.BICUBIC);
        assertThat(config.resizeMode()).isEqualTo(ResizeMode.SHORTEST);
        assertThat(config.fillColor()).isZero();
    }

    @Test
    void sizeMayBeHeightWidthPairAndUnknownFieldsAreIgnored() {
        PreprocessConfig config = PreprocessConfig.parse(json(
                "{'size': [256, 320], 'resize_mode': 'longest', 'interpolation': 'bilinear', 'fill_color': 128,"
                        + " 'crop_pct': 0.9, 'extra': {'nested': true}}"));

        assertThat(config.height()).isEqualTo(256);
        assertThat(config.width()).isEqualTo(320);
        assertThat(config.resizeMode()).isEqualTo(ResizeMode.LONGEST);
        assertThat(config.interpolation()).isEqualTo(Interpolation.BILINEAR);
        assertThat(config.fillColor()).isEqualTo(128);
        assertThat(config.mean()).containsExactly(PreprocessConfig.openClipDefault().mean());
    }

    @Test
    void missingFieldsTakeOpenClipsDefaults() {
        assertThat(PreprocessConfig.parse(json("{'size': 224}"))).isEqualTo(PreprocessConfig.openClipDefault());
        assertThat(PreprocessConfig.parse(json("{}"))).isEqualTo(PreprocessConfig.openClipDefault());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "size           | {'size': 'big'}",
        "size           | {'size': [224]}",
        "size           | {'size': -3}",
        "mean           | {'mean': [0.5, 0.5]}",
        "mean           | {'mean': ['a', 0.5, 0.5]}",
        "std            | {'std': [0.5, 0, 0.5]}",
        "interpolation  | {'interpolation': 'lanczos'}",
        "resize_mode    | {'resize_mode': 'crop'}",
        "resize_mode    | {'resize_mode': 3}",
        "fill_color     | {'fill_color': 300}",
        "fill_color     | {'fill_color': [1, 2, 3]}",
        "mode           | {'mode': 'BGR'}"})
    void badFieldIsNamed(String field, String text) {
        assertThatThrownBy(() -> PreprocessConfig.parse(json(text)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(field)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void unreadableFileNamesThePath(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("preprocess_cfg.json");
        Files.writeString(file, "{\"size\": ");

        assertThatThrownBy(() -> PreprocessConfig.fromJson(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString());
        Files.writeString(file, "{\"size\": \"x\"}");
        assertThatThrownBy(() -> PreprocessConfig.fromJson(file))
                .hasMessageContaining(file.toString()).hasMessageContaining("\"size\"");
        assertThatThrownBy(() -> PreprocessConfig.fromJson(dir.resolve("missing.json")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing.json");
    }

    @Test
    void arraysAreCopiedSoTheRecordStaysImmutable() {
        float[] mean = {0.1f, 0.2f, 0.3f};
        PreprocessConfig config = new PreprocessConfig(224, 224, mean, mean, Interpolation.BICUBIC,
                ResizeMode.SQUASH, 0);

        mean[0] = 9f;
        config.mean()[1] = 9f;

        assertThat(config.mean()).containsExactly(0.1f, 0.2f, 0.3f);
    }
}
