package dev.facesweep.worker.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.facesweep.model.ModelCache;
import dev.facesweep.testing.Fp16Bundles;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which model bundle a worker opens: --model as a folder or a pulled name, else the only pulled model. */
class WorkerModelDirTest {

    @TempDir
    Path dir;

    @Test
    void aFolderIsUsedAsItIs() {
        Path bundle = Fp16Bundles.copyClipTinyModel(dir.resolve("bundle"));
        Fp16Bundles.copyClipTinyModel(dir.resolve("cache/pulled"));

        assertThat(withModel(bundle.toString()).modelDir(cache())).isEqualTo(bundle);
    }

    @Test
    void aNameIsAPulledModel() {
        Fp16Bundles.copyClipTinyModel(dir.resolve("cache/a"));
        Path b = Fp16Bundles.copyClipTinyModel(dir.resolve("cache/b"));

        assertThat(withModel("b").modelDir(cache())).isEqualTo(b);
    }

    @Test
    void unsetTheOnlyPulledModelIsUsed() {
        Path only = Fp16Bundles.copyClipTinyModel(dir.resolve("cache/only"));

        assertThat(withModel(null).modelDir(cache())).isEqualTo(only);
        assertThat(withModel("  ").modelDir(cache())).isEqualTo(only);
    }

    @Test
    void unsetWithNoneOrSeveralPulledIsAConfigurationErrorSayingWhatToDo() {
        assertThatThrownBy(() -> withModel(null).modelDir(cache()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("none pulled into " + dir.resolve("cache"))
                .hasMessageContaining("--model DIR|NAME").hasMessageContaining("model pull");

        Fp16Bundles.copyClipTinyModel(dir.resolve("cache/a"));
        Fp16Bundles.copyClipTinyModel(dir.resolve("cache/b"));
        assertThatThrownBy(() -> withModel(null).modelDir(cache()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("2 pulled").hasMessageContaining("(a, b)");
    }

    @Test
    void anUnknownNameIsAConfigurationError() {
        Fp16Bundles.copyClipTinyModel(dir.resolve("cache/a"));

        assertThatThrownBy(() -> withModel("nope").modelDir(cache()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("nope").hasMessageContaining("is not a folder");
    }

    private ModelCache cache() {
        return new ModelCache(dir.resolve("cache"));
    }

    private static WorkerProperties withModel(String model) {
        return new WorkerProperties(null, model, null, null, null, null, null, null, null, null, null, null);
    }
}
