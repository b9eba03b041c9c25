package dev.facesweep.coordinator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.facesweep.coordinator.modelpull.ModelCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelOptionsTest {

    @TempDir
    Path dir;

    @Test
    void optionWinsOverEnvironment() throws IOException {
        Path a = Files.createDirectories(dir.resolve("a"));
        Path b = Files.createDirectories(dir.resolve("b"));

        Path chosen = ModelOptions.resolve(a.toString(), Map.of(ModelOptions.ENV_VAR, b.toString()), cache());

        assertThat(chosen).isEqualTo(a);
    }

    @Test
    void environmentIsTheFallback() throws IOException {
        Path b = Files.createDirectories(dir.resolve("b"));

        assertThat(ModelOptions.resolve(null, Map.of(ModelOptions.ENV_VAR, b.toString()), cache())).isEqualTo(b);
    }

    @Test
    void aNameResolvesInTheModelCache() throws IOException {
        Path pulled = Files.createDirectories(dir.resolve("cache/ViT-L-14-quickgelu__dfn2b"));

        assertThat(ModelOptions.resolve("ViT-L-14-quickgelu__dfn2b", Map.of(), cache())).isEqualTo(pulled);
    }

    @Test
    void nothingConfiguredNamesBothWaysToGetAModel() {
        assertThatThrownBy(() -> ModelOptions.resolve(null, Map.of(), cache()))
                .isInstanceOf(UsageError.class)
                .hasMessageContaining("model pull").hasMessageContaining("export_openclip.py");
    }

    @Test
    void anUnknownNameIsAUsageError() {
        assertThatThrownBy(() -> ModelOptions.resolve("nope", Map.of(), cache()))
                .isInstanceOf(UsageError.class).hasMessageContaining("nope");
    }

    private ModelCache cache() {
        return new ModelCache(dir.resolve("cache"));
    }
}
