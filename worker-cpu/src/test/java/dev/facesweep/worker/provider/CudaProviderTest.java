package dev.facesweep.worker.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import dev.facesweep.model.ModelRole;
import dev.facesweep.model.SessionTarget;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

/**
 * {@code --provider cuda} up to the point where ONNX Runtime needs CUDA itself, with a stand-in for the providers
 * the loaded runtime was built with (this machine has no GPU and, in the default build, no CUDA provider).
 */
class CudaProviderTest {

    private static final Set<OrtProvider> STOCK = EnumSet.of(OrtProvider.CPU);
    private static final Set<OrtProvider> GPU_BUILD = EnumSet.of(OrtProvider.CPU, OrtProvider.CUDA,
            OrtProvider.TENSOR_RT);

    private static CudaProvider provider(Set<OrtProvider> compiledIn) {
        return new CudaProvider(ProviderFallback.FAIL, () -> compiledIn);
    }

    @Test
    void aBuildWithoutCudaIsRefusedInOneLineNamingTheGpuProfileAndTheLibraries() {
        assertThatThrownBy(() -> provider(STOCK).setUp(new ProviderSettings(16, 0, "")))
                .isInstanceOf(ProviderUnavailableException.class)
                .hasMessageStartingWith("provider cuda is not in this build's ONNX Runtime (it has [CPU]): build the "
                        + "worker with ./mvnw -Pgpu -DskipTests package, which uses the onnxruntime_gpu artifact")
                .hasMessageContaining("CUDA 12 and cuDNN 9")
                .hasMessageContaining("docs/tuning.md")
                .hasMessageEndingWith("or use --provider cpu")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void withCudaInTheBuildItSelectsTheDeviceAndAFixedBatchOfTheResolvedSize() throws Exception {
        WorkerTuning tuning = WorkerTuning.resolve(provider(GPU_BUILD), 6, null, null, null);
        ProviderSetup setup = provider(GPU_BUILD).setUp(tuning.providerSettings(""));

        assertThat(setup.configuredProvider()).isEqualTo("CUDA");
        assertThat(setup.device()).isEqualTo("cuda:0");
        assertThat(setup.configurer().provider()).isEqualTo("CUDA");
        assertThat(setup.configurer().batchSize(ModelRole.VISUAL)).isEqualTo(WorkerTuning.ACCELERATOR_BATCH_SIZE);
        assertThat(setup.toString()).isEqualTo("CUDA (device 0, batch 16 fixed, intra-op threads default)");

        ProviderSetup second = provider(GPU_BUILD).setUp(new ProviderSettings(4, 3, " 1 "));
        assertThat(second.device()).isEqualTo("cuda:1");
        assertThat(second.configurer().batchSize(ModelRole.VISUAL)).isEqualTo(4);
        assertThat(second.toString()).isEqualTo("CUDA (device 1, batch 4 fixed, intra-op threads 3)");
    }

    @Test
    void aDeviceThatIsNotAnIndexNamesTheProperty() {
        for (String device : new String[] {"nvidia", "-1", "gpu0", "0x10DE", "99999"}) {
            assertThatThrownBy(() -> provider(GPU_BUILD).setUp(new ProviderSettings(16, 0, device)))
                    .as(device).isInstanceOfSatisfying(InvalidSettingException.class, e -> {
                        assertThat(e.property()).isEqualTo("facesweep.worker.device");
                        assertThat(e.problem()).isEqualTo("provider cuda takes a CUDA device index (0, 1, ... as "
                                + "nvidia-smi numbers them), not '" + device + "'");
                    });
        }
        // a bad device is a configuration mistake: reported as such even on a build without CUDA
        assertThatThrownBy(() -> provider(STOCK).setUp(new ProviderSettings(16, 0, "amd")))
                .isInstanceOf(InvalidSettingException.class);
    }

    /**
     * The session options the CUDA configurer makes, on this build: the stock jar has no CUDA provider library, so
     * ONNX Runtime refuses at the moment the CUDA provider is added, and the message says what CUDA needs. (With
     * {@code -Pgpu} the library is there and it is the machine that decides; CudaWorkerIT covers that build.)
     */
    @Test
    @DisabledIfSystemProperty(named = "facesweep.onnxruntime.artifact", matches = "onnxruntime_gpu",
            disabledReason = "the -Pgpu build has the CUDA provider library; CudaWorkerIT checks that build")
    void theStockRuntimeRefusesWhenTheCudaProviderIsAddedAndTheMessageNamesTheRequirements() throws Exception {
        ProviderSetup setup = provider(GPU_BUILD).setUp(new ProviderSettings(16, 0, ""));
        SessionTarget target = new SessionTarget(ModelRole.VISUAL, Path.of("visual/model.onnx"), "image",
                Optional.of("batch"), OptionalLong.empty());
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            assertThatThrownBy(() -> setup.configurer().configure(options, target))
                    .isInstanceOf(OrtException.class)
                    .hasMessageStartingWith("the CUDA provider does not load: ")
                    .hasMessageContaining("CUDA")
                    .hasMessageEndingWith("on the library path, docs/tuning.md")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
    }

    @Test
    void acceleratorDefaultsAreTheSameForCudaAndTheCpuHasItsOwn() {
        assertThat(provider(GPU_BUILD).defaults(8)).isEqualTo(new WorkerTuning(16, 0, 7, "cuda defaults for 8 cores"));
        assertThat(new CpuProvider().defaults(8)).isEqualTo(new WorkerTuning(8, 8, 1, "cpu defaults for 8 cores"));
        assertThat(provider(GPU_BUILD).label()).isEqualTo("CUDA");
        assertThat(new CpuProvider().label()).isEqualTo("CPU");
    }

    @Test
    void theFallbackPolicyIsFailOrCpuAndNamesItsProperty() {
        assertThat(new CudaProvider(ProviderFallback.CPU).fallback()).isEqualTo(ProviderFallback.CPU);
        assertThat(new CpuProvider().fallback()).isEqualTo(ProviderFallback.FAIL);
        assertThat(ProviderFallback.property("cuda")).isEqualTo("facesweep.worker.cuda.fallback");
        assertThat(ProviderFallback.parse("p", null)).isEqualTo(ProviderFallback.FAIL);
        assertThat(ProviderFallback.parse("p", " ")).isEqualTo(ProviderFallback.FAIL);
        assertThat(ProviderFallback.parse("p", "Fail")).isEqualTo(ProviderFallback.FAIL);
        assertThat(ProviderFallback.parse("p", " CPU ")).isEqualTo(ProviderFallback.CPU);
        assertThatThrownBy(() -> ProviderFallback.parse("facesweep.worker.cuda.fallback", "gpu"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessage("facesweep.worker.cuda.fallback: must be fail or cpu, was 'gpu'");
    }
}
