package dev.facesweep.coordinator.modelpull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class PullConfigTest {

    @Test
    void defaultsPointAtImmichOnHuggingFace() {
        PullConfig config = PullConfig.fromEnvironment(Map.of());

        assertThat(config.token()).isEmpty();
        assertThat(config.treeUri("ViT-L-14-quickgelu__dfn2b")).isEqualTo(URI.create(
                "https://huggingface.co/api/models/immich-app/ViT-L-14-quickgelu__dfn2b/tree/main?recursive=true"));
        assertThat(config.fileUri("ViT-L-14-quickgelu__dfn2b", "textual/model.onnx")).isEqualTo(URI.create(
                "https://huggingface.co/immich-app/ViT-L-14-quickgelu__dfn2b/resolve/main/textual/model.onnx"));
    }

    @Test
    void environmentGivesTokenAndEndpoint() {
        PullConfig config = PullConfig.fromEnvironment(Map.of("HF_TOKEN", "hf_abc", "HF_ENDPOINT", "http://mirror:8080/"));

        assertThat(config.token()).contains("hf_abc");
        assertThat(config.fileUri("M", "config.json")).isEqualTo(URI.create(
                "http://mirror:8080/immich-app/M/resolve/main/config.json"));
        assertThat(config.toString()).doesNotContain("hf_abc").contains("token=(set)");
    }

    @Test
    void blankTokenMeansNone() {
        assertThat(PullConfig.fromEnvironment(Map.of("HF_TOKEN", " ")).token()).isEmpty();
    }

    @Test
    void badSettingsAreRejectedWithTheirName() {
        assertThatThrownBy(() -> PullConfig.fromEnvironment(Map.of("HF_ENDPOINT", "ftp://x")))
                .hasMessageContaining("ftp://x");
        assertThatThrownBy(() -> PullConfig.fromEnvironment(Map.of("HF_ENDPOINT", "http://bad host")))
                .hasMessageStartingWith("HF_ENDPOINT=http://bad host is not a URL");
        assertThatThrownBy(() -> PullConfig.defaults().withOrganization("a/b")).hasMessageContaining("a/b");
        assertThatThrownBy(() -> PullConfig.defaults().withRetries(0, java.time.Duration.ZERO))
                .hasMessageContaining("attempts");
    }
}
