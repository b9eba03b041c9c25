package dev.facesweep.worker.directml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DmlDeviceTest {

    private static final DmlDevice INTEL = new DmlDevice(0, 0x8086, "Intel",
            Map.of("Description", "Intel(R) UHD Graphics 630", "Discrete", "0"));
    private static final DmlDevice VEGA = new DmlDevice(1, 0x1002, "Advanced Micro Devices, Inc.",
            Map.of("Description", "Radeon RX Vega", "Discrete", "1", "DxgiAdapterNumber", "1"));
    private static final DmlDevice RTX = new DmlDevice(2, 0x10DE, "NVIDIA", Map.of());
    private static final List<DmlDevice> ALL = List.of(INTEL, VEGA, RTX);

    @Test
    void defaultIsTheFirstDiscreteGpuElseTheFirst() {
        assertThat(DmlDevice.choose(ALL, "")).isEqualTo(VEGA);
        assertThat(DmlDevice.choose(List.of(INTEL, RTX), null)).isEqualTo(INTEL);
    }

    @Test
    void byIndexOrVendor() {
        assertThat(DmlDevice.choose(ALL, "2")).isEqualTo(RTX);
        assertThat(DmlDevice.choose(ALL, "AMD")).isEqualTo(VEGA);
        assertThat(DmlDevice.choose(ALL, "intel")).isEqualTo(INTEL);
        assertThat(DmlDevice.choose(ALL, "nvidia")).isEqualTo(RTX);
    }

    @Test
    void unknownChoicesListTheDevices() {
        assertThatThrownBy(() -> DmlDevice.choose(List.of(INTEL, VEGA), "nvidia"))
                .hasMessage("no DirectML device matches facesweep.worker.device='nvidia'; there are Intel(R) UHD "
                        + "Graphics 630 (Intel 0x8086, #0), Radeon RX Vega (Advanced Micro Devices, Inc. 0x1002, #1) "
                        + "(use an index or amd, nvidia, intel)");
        assertThatThrownBy(() -> DmlDevice.choose(ALL, "7")).hasMessageStartingWith("no DirectML device matches");
        assertThatThrownBy(() -> DmlDevice.choose(List.of(), "")).hasMessage("there is no DirectML device");
        assertThat(RTX.label()).isEqualTo("NVIDIA (NVIDIA 0x10DE, #2)");
    }
}
