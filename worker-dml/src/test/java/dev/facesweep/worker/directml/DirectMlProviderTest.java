package dev.facesweep.worker.directml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtEpDevice;
import ai.onnxruntime.OrtProvider;
import dev.facesweep.worker.app.ConfigurationException;
import dev.facesweep.worker.provider.ProviderFallback;
import dev.facesweep.worker.provider.ProviderSettings;
import dev.facesweep.worker.provider.ProviderUnavailableException;
import dev.facesweep.worker.provider.WorkerTuning;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Detecting DirectML and the fallback policy, with a stand-in runtime and with this machine's. */
class DirectMlProviderTest {

    private static final ProviderSettings SETTINGS = new ProviderSettings(0, 1, "");

    private static DirectMlRuntime runtime(Set<OrtProvider> providers) {
        return new DirectMlRuntime() {
            @Override
            public Set<OrtProvider> providers() {
                return providers;
            }

            @Override
            public List<OrtEpDevice> dmlDevices() {
                return List.of();
            }
        };
    }

    private static DirectMlProperties policy(String fallback) {
        return new DirectMlProperties(fallback, null, null, null, null, null, null);
    }

    @Test
    void withoutTheDirectMlLibraryTheFailPolicyRefusesWithHowToProvision() {
        DirectMlProvider provider = new DirectMlProvider(policy(null), runtime(EnumSet.of(OrtProvider.CPU)));
        assertThatThrownBy(() -> provider.setUp(SETTINGS)).isInstanceOf(ProviderUnavailableException.class)
                .hasMessageContaining("DirectML is not available: ")
                .hasMessageContaining("the loaded ONNX Runtime has no DirectML provider (it has [CPU])")
                .hasMessageContaining("deploy/windows/install-worker.ps1")
                .hasMessageContaining("-Donnxruntime.native.onnxruntime.path=<folder>\\onnxruntime.dll")
                .hasMessageEndingWith("(docs/windows-dml.md)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void aLibraryWithoutDevicesIsUnavailableToo() {
        DirectMlProvider provider = new DirectMlProvider(policy("fail"),
                runtime(EnumSet.of(OrtProvider.CPU, OrtProvider.DIRECT_ML)));
        assertThatThrownBy(() -> provider.setUp(SETTINGS)).isInstanceOf(ProviderUnavailableException.class)
                .hasMessageContaining("ONNX Runtime lists no DirectML device");
    }

    @Test
    void theCpuPolicyIsTheProvidersFallbackAndTheReasonStillComesFromSetUp() {
        DirectMlProvider cpu = new DirectMlProvider(policy("CPU"), runtime(EnumSet.of(OrtProvider.CPU)));
        assertThat(cpu.fallback()).isEqualTo(ProviderFallback.CPU);
        assertThat(new DirectMlProvider(policy(null), runtime(EnumSet.of(OrtProvider.CPU))).fallback())
                .isEqualTo(ProviderFallback.FAIL);
        // the worker application applies the policy (the same for every accelerator); DirectMlWorkerIT runs it
        assertThatThrownBy(() -> cpu.setUp(new ProviderSettings(4, 1, "")))
                .isInstanceOf(ProviderUnavailableException.class)
                .hasMessageStartingWith("DirectML is not available: ");
    }

    @Test
    void itReportsAsDirectMlWithTheAcceleratorDefaults() {
        DirectMlProvider provider = new DirectMlProvider(policy(null), runtime(EnumSet.of(OrtProvider.CPU)));
        assertThat(provider.label()).isEqualTo("DirectML");
        assertThat(provider.defaults(4)).isEqualTo(new WorkerTuning(16, 0, 3, "dml defaults for 4 cores"));
        assertThat(WorkerTuning.resolve(provider, 12, 8, null, null))
                .isEqualTo(new WorkerTuning(8, 0, 8, "configured batch size; dml defaults for 12 cores"));
    }

    @Test
    void badOptionsNameTheirProperty() {
        assertThatThrownBy(() -> new DirectMlProvider(policy("gpu"), runtime(EnumSet.of(OrtProvider.CPU))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("facesweep.worker.dml.fallback: must be fail or cpu, was 'gpu'");
        assertThatThrownBy(() -> new DirectMlProperties(null, "fastest", null, null, null, null, null)
                .providerOptions()).hasMessageStartingWith("facesweep.worker.dml.performance-preference: ");
        assertThatThrownBy(() -> new DirectMlProperties(null, null, null, 1.5, null, null, null)
                .nodeFractionMinimum()).hasMessage("facesweep.worker.dml.min-node-fraction: must be between 0 and 1, "
                        + "was 1.5");
        assertThat(new DirectMlProperties(null, "HIGH_PERFORMANCE", true, null, null, null, null).providerOptions())
                .containsExactly(java.util.Map.entry("performance_preference", "high_performance"),
                        java.util.Map.entry("disable_metacommands", "1"));
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void onLinuxTheRealRuntimeHasNoDirectMl() throws Exception {
        DirectMlRuntime real = DirectMlRuntime.system();
        assertThat(real.providers()).doesNotContain(OrtProvider.DIRECT_ML);
        assertThat(real.dmlDevices()).isEmpty();
        assertThatThrownBy(() -> new DirectMlProvider(policy("fail"), real).setUp(SETTINGS))
                .isInstanceOf(ProviderUnavailableException.class)
                .hasMessageStartingWith("DirectML is not available: it needs Windows and the loaded ONNX Runtime has "
                        + "no DirectML provider");
        assertThatThrownBy(() -> new DirectMlProvider(policy("cpu"), real).setUp(SETTINGS))
                .isInstanceOf(ProviderUnavailableException.class);
    }
}
