package dev.facesweep.coordinator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.facesweep.model.ModelBundle;
import dev.facesweep.model.ModelCache;
import dev.facesweep.testing.Fp16Bundles;
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

    @Test
    void withNothingConfiguredTheOnlyPulledModelIsUsed() {
        Path pulled = Fp16Bundles.copyClipTinyModel(dir.resolve("cache/tiny"));

        assertThat(ModelOptions.resolve(null, Map.of(), cache())).isEqualTo(pulled);
        assertThat(ModelOptions.resolve(" ", Map.of(ModelOptions.ENV_VAR, ""), cache())).isEqualTo(pulled);
    }

    @Test
    void aFolderThatIsNotACompleteBundleIsNotAPulledModel() throws IOException {
        Path pulled = Fp16Bundles.copyClipTinyModel(dir.resolve("cache/tiny"));
        Files.createDirectories(dir.resolve("cache/half-pulled/visual"));
        Files.writeString(dir.resolve("cache/half-pulled/config.json"), "{}");
        Files.writeString(dir.resolve("cache/half-pulled/visual/model.onnx.part"), "");
        Fp16Bundles.copyClipTinyModel(dir.resolve("cache/.hidden"));

        assertThat(cache().bundles()).containsExactly(pulled);
        assertThat(ModelOptions.resolve(null, Map.of(), cache())).isEqualTo(pulled);
    }

    @Test
    void severalPulledModelsAndNoneChosenIsAUsageErrorNamingThem() {
        Fp16Bundles.copyClipTinyModel(dir.resolve("cache/tiny-a"));
        Fp16Bundles.copyClipTinyModel(dir.resolve("cache/tiny-b"));

        assertThatThrownBy(() -> ModelOptions.resolve(null, Map.of(), cache()))
                .isInstanceOf(UsageError.class)
                .hasMessageContaining("2 pulled").hasMessageContaining("tiny-a, tiny-b")
                .hasMessageContaining("--model");
    }

    @Test
    void aStoredScansModelIsFoundAmongThePulledOnes() throws Exception {
        Path other = Fp16Bundles.copyClipTinyModel(dir.resolve("cache/a-other"));
        Path config = other.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"tiny-public\"", "\"tiny-other\""));
        Path wanted = Fp16Bundles.copyClipTinyModel(dir.resolve("cache/b-wanted"));
        String wantedId = ModelBundle.load(wanted).modelId();
        assertThat(ModelBundle.load(other).modelId()).isNotEqualTo(wantedId);

        ModelBundle found = ModelOptions.loadFor(null, Map.of(), cache(), wantedId, "scan s1");

        assertThat(found.dir()).isEqualTo(wanted);
        assertThatThrownBy(() -> ModelOptions.loadFor(null, Map.of(), cache(), "ViT-L-14/x@0123456789ab", "scan s1"))
                .isInstanceOf(UsageError.class)
                .hasMessageContaining("scan s1 was made with model ViT-L-14/x@0123456789ab")
                .hasMessageContaining("--model");
    }

    @Test
    void aConfiguredBundleOfAnotherModelIsRefusedForAStoredScan() throws Exception {
        Path other = Fp16Bundles.copyClipTinyModel(dir.resolve("other"));
        Path config = other.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"tiny-public\"", "\"tiny-other\""));
        Path wanted = Fp16Bundles.copyClipTinyModel(dir.resolve("cache/wanted"));
        String wantedId = ModelBundle.load(wanted).modelId();

        assertThatThrownBy(() -> ModelOptions.loadFor(other.toString(), Map.of(), cache(), wantedId, "scan s1"))
                .isInstanceOf(UsageError.class)
                .hasMessageContaining("scan s1 was made with model " + wantedId)
                .hasMessageContaining(other.toString());
        assertThat(ModelOptions.loadFor(wanted.toString(), Map.of(), cache(), wantedId, "scan s1").dir())
                .isEqualTo(wanted);
        // the environment's model is a default only: another model there, and the pulled one is found
        assertThat(ModelOptions.loadFor(null, Map.of(ModelOptions.ENV_VAR, other.toString()), cache(), wantedId,
                "scan s1").dir()).isEqualTo(wanted);
    }

    private ModelCache cache() {
        return new ModelCache(dir.resolve("cache"));
    }
}
