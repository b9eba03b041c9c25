package dev.facesweep.worker.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.facesweep.protocol.Heartbeat;
import org.junit.jupiter.api.Test;

class WorkerTuningTest {

    private final ProviderOption cpu = new CpuProvider();
    private final ProviderOption cuda = new CudaProvider(ProviderFallback.FAIL);

    @Test
    void cpuInferenceGetsEveryCoreAndOneThreadDecodes() {
        WorkerTuning tuning = WorkerTuning.resolve(cpu, 8, null, null, null);

        assertThat(tuning).isEqualTo(new WorkerTuning(8, 8, 1, "cpu defaults for 8 cores"));
        assertThat(WorkerTuning.resolve(cpu, 1, null, null, null).intraOpThreads()).isEqualTo(1);
    }

    @Test
    void acceleratorsDecodeOnEveryCoreButOneAndLeaveIntraOpThreadsToOnnxRuntime() {
        assertThat(WorkerTuning.resolve(cuda, 6, null, null, null))
                .isEqualTo(new WorkerTuning(16, 0, 5, "cuda defaults for 6 cores"));
        assertThat(WorkerTuning.resolve(cuda, 1, null, null, null).decodeThreads()).isEqualTo(1);
        assertThat(WorkerTuning.resolve(cuda, 64, null, null, null).decodeThreads())
                .isEqualTo(WorkerTuning.MAX_DECODE_THREADS);
    }

    @Test
    void configuredValuesWinAndTheOriginSaysWhich() {
        WorkerTuning some = WorkerTuning.resolve(cpu, 4, 2, null, 3);
        assertThat(some).isEqualTo(new WorkerTuning(2, 4, 3,
                "configured batch size, decode threads; cpu defaults for 4 cores"));

        WorkerTuning all = WorkerTuning.resolve(cpu, 4, 1, 0, 2);
        assertThat(all).isEqualTo(new WorkerTuning(1, 0, 2, "configured"));
        assertThat(all.toString()).isEqualTo("batch 1, ONNX Runtime's default intra-op thread(s), 2 decode thread(s) "
                + "(configured)");
    }

    @Test
    void theProviderIsToldTheResolvedValuesAndTheHeartbeatReportsThem() {
        WorkerTuning tuning = WorkerTuning.resolve(cpu, 2, null, null, null);

        assertThat(tuning.providerSettings(" 1 ")).isEqualTo(new ProviderSettings(8, 2, "1"));
        assertThat(tuning.heartbeat()).isEqualTo(new Heartbeat.Tuning(2, 1, "cpu defaults for 2 cores"));
    }

    @Test
    void outOfRangeValuesNameTheProperty() {
        assertThatThrownBy(() -> WorkerTuning.resolve(cpu, 2, 0, null, null))
                .isInstanceOfSatisfying(InvalidSettingException.class, e -> {
                    assertThat(e.property()).isEqualTo("facesweep.worker.batch-size");
                    assertThat(e.problem()).isEqualTo("must be 1 or more, was 0");
                });
        assertThatThrownBy(() -> WorkerTuning.resolve(cpu, 2, null, -1, null))
                .hasMessage("facesweep.worker.intra-op-threads: must be 0 or more, was -1");
        assertThatThrownBy(() -> WorkerTuning.resolve(cpu, 2, null, null, 0))
                .hasMessage("facesweep.worker.decode-threads: must be 1 or more, was 0");
    }

    @Test
    void afterAFallbackTheCpuDefaultsReplaceTheAcceleratorsAndConfiguredValuesStay() {
        WorkerTuning.Request nothingSet = new WorkerTuning.Request(4, null, null, null);
        assertThat(nothingSet.resolve(cuda)).isEqualTo(new WorkerTuning(16, 0, 3, "cuda defaults for 4 cores"));
        assertThat(nothingSet.resolve(cpu).fallbackFrom("cuda"))
                .isEqualTo(new WorkerTuning(8, 4, 1, "cpu defaults for 4 cores (fallback from cuda)"));

        WorkerTuning.Request decodeSet = new WorkerTuning.Request(4, null, null, 2);
        assertThat(decodeSet.resolve(cuda))
                .isEqualTo(new WorkerTuning(16, 0, 2, "configured decode threads; cuda defaults for 4 cores"));
        assertThat(decodeSet.resolve(cpu).fallbackFrom("cuda").heartbeat()).isEqualTo(new Heartbeat.Tuning(4, 2,
                "configured decode threads; cpu defaults for 4 cores (fallback from cuda)"));
    }

    @Test
    void theRequestIsCheckedBeforeAnyProviderIsAsked() {
        assertThatThrownBy(() -> new WorkerTuning.Request(4, 3, 2, -2))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessage("facesweep.worker.decode-threads: must be 1 or more, was -2");
        assertThatThrownBy(() -> new WorkerTuning.Request(0, null, null, null))
                .hasMessage("cores must be at least 1, was 0");
    }
}
