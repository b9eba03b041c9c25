package dev.facesweep.worker.provider;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import org.junit.jupiter.api.Test;

/**
 * The ONNX Runtime jar on the worker's classpath is the one the build chose: {@code onnxruntime} (CPU only) by
 * default, {@code onnxruntime_gpu} (with the CUDA provider) under {@code -Pgpu}, at the project's pinned version.
 * The root pom hands both choices to the tests as system properties.
 */
class OnnxRuntimeBuildTest {

    @Test
    void theLoadedRuntimeIsTheArtifactAndVersionThePomChose() {
        String artifact = System.getProperty("facesweep.onnxruntime.artifact");
        String version = System.getProperty("facesweep.onnxruntime.version");
        assertThat(artifact).as("facesweep.onnxruntime.artifact from the root pom (run the tests through Maven)")
                .isIn("onnxruntime", "onnxruntime_gpu");
        assertThat(version).as("facesweep.onnxruntime.version from the root pom").isNotBlank();

        assertThat(OrtEnvironment.getEnvironment().getVersion()).isEqualTo(version);
        assertThat(OrtEnvironment.getAvailableProviders()).contains(OrtProvider.CPU);
        assertThat(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA))
                .as("CUDA compiled into the loaded ONNX Runtime (" + artifact + ")")
                .isEqualTo(artifact.equals("onnxruntime_gpu"));
    }
}
