package dev.facesweep.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class ModelCacheTest {

    @TempDir
    Path home;

    @Test
    void environmentVariableChoosesTheRoot() {
        Path custom = home.resolve("models-here");

        ModelCache cache = ModelCache.fromEnvironment(Map.of("FACESWEEP_MODEL_CACHE", custom.toString()), home);

        assertThat(cache.root()).isEqualTo(custom);
        assertThat(cache.bundleDir("ViT-L-14-quickgelu__dfn2b")).isEqualTo(custom.resolve("ViT-L-14-quickgelu__dfn2b"));
    }

    @Test
    void defaultIsUnderTheUsersCacheFolder() {
        assertThat(ModelCache.fromEnvironment(Map.of(), home).root())
                .isEqualTo(home.resolve(".cache/facesweep/models"));
        assertThat(ModelCache.fromEnvironment(Map.of("FACESWEEP_MODEL_CACHE", "  "), home).root())
                .isEqualTo(home.resolve(".cache/facesweep/models"));
    }

    @Test
    void namesThatAreNotOneRepositoryNameAreRejected() {
        ModelCache cache = new ModelCache(home);
        for (String bad : new String[] {"", "..", ".hidden", "a/b", "a\\b", "name with space", "x:y"}) {
            assertThatThrownBy(() -> cache.bundleDir(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("invalid model name");
        }
        assertThat(cache.bundleDir("RN50__openai.v2")).isEqualTo(home.resolve("RN50__openai.v2"));
    }
}
