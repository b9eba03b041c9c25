package dev.facesweep.worker.directml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtEpDevice;
import ai.onnxruntime.OrtProvider;
import dev.facesweep.model.CpuSessionConfigurer;
import dev.facesweep.worker.app.ConfigurationException;
import dev.facesweep.worker.provider.ProviderSettings;
import dev.facesweep.worker.provider.ProviderSetup;
import dev.facesweep.worker.provider.ProviderUnavailableException;
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
                .hasMessageEndingWith("; or set facesweep.worker.dml.fallback=cpu")
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
    void theCpuPolicyRunsOnTheCpuAndSaysSo() throws Exception {
        DirectMlProvider provider = new DirectMlProvider(policy("CPU"), runtime(EnumSet.of(OrtProvider.CPU)));
        ProviderSetup setup = provider.setUp(new ProviderSettings(4, 1, ""));
        assertThat(setup.configuredProvider()).isEqualTo("DirectML");
        assertThat(setup.device()).isEqualTo("cpu");
        assertThat(setup.configurer()).isInstanceOf(CpuSessionConfigurer.class);
        assertThat(setup.configurer().provider()).isEqualTo("CPU");
        assertThat(setup.configurer().batchSize(dev.facesweep.model.ModelRole.VISUAL)).isEqualTo(4);
    }

    @Test
    void badOptionsNameTheirProperty() {
        assertThatThrownBy(() -> new DirectMlProvider(policy("gpu"), runtime(EnumSet.of(OrtProvider.CPU)))
                .setUp(SETTINGS)).isInstanceOf(ConfigurationException.class)
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
        ProviderSetup fallback = new DirectMlProvider(policy("cpu"), real).setUp(SETTINGS);
        assertThat(fallback.configurer().provider()).isEqualTo("CPU");
        assertThat(fallback.configuredProvider()).isEqualTo("DirectML");
    }
}
