package dev.facesweep.worker.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtProvider;
import dev.facesweep.corpus.ContentHash;
import dev.facesweep.model.ClipModel;
import dev.facesweep.model.Embeddings;
import dev.facesweep.model.ModelRole;
import dev.facesweep.model.SessionConfigurer;
import dev.facesweep.model.SessionInfo;
import dev.facesweep.protocol.BatchImage;
import dev.facesweep.protocol.BatchMessage;
import dev.facesweep.protocol.ImageResult;
import dev.facesweep.testing.Fixtures;
import dev.facesweep.testing.Fp16Bundles;
import dev.facesweep.worker.BatchScoringHandler;
import dev.facesweep.worker.PathPolicy;
import dev.facesweep.worker.provider.CpuProvider;
import dev.facesweep.worker.provider.CudaProvider;
import dev.facesweep.worker.provider.ProviderCheck;
import dev.facesweep.worker.provider.ProviderFallback;
import dev.facesweep.worker.provider.ProviderOption;
import dev.facesweep.worker.provider.ProviderSettings;
import dev.facesweep.worker.provider.ProviderSetup;
import dev.facesweep.worker.provider.ProviderUnavailableException;
import dev.facesweep.worker.provider.WorkerTuning;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the worker opens its image model on the configured provider, and on the CPU when that provider cannot run:
 * the same {@code fail | cpu} policy for CUDA as for DirectML, the CPU's tuning after a fallback, and fp16 bundles
 * (what GPU workers are given) on the CPU provider and on the CUDA path up to the point where CUDA itself is needed.
 * Real ONNX sessions of the clip-tiny fixture and of float16 copies made from it.
 */
class ProviderStartupIT {

    @TempDir
    static Path tmp;

    private static Path fp16;
    private static final int CORES = 4;
    private static final WorkerTuning.Request NOTHING_CONFIGURED = new WorkerTuning.Request(CORES, null, null, null);
    private static final String FALLBACK_HINT = "; or set facesweep.worker.cuda.fallback=cpu to run on the CPU "
            + "instead";

    @BeforeAll
    static void fp16Bundle() throws Exception {
        fp16 = Fp16Bundles.make(tmp.resolve("fp16"), false);
    }

    /** CUDA as a {@code -Pgpu} build reports it; on this machine ONNX Runtime then fails to load it. */
    private static CudaProvider cudaCompiledIn(ProviderFallback fallback) {
        return new CudaProvider(fallback, () -> EnumSet.of(OrtProvider.CPU, OrtProvider.CUDA));
    }

    private static CudaProvider cudaMissing(ProviderFallback fallback) {
        return new CudaProvider(fallback, () -> EnumSet.of(OrtProvider.CPU));
    }

    @Test
    void fp16BundleOnTheCpuProviderScoresCloseToFloat32() throws Exception {
        try (LoadedModel half = LoadedModel.open(fp16, new CpuProvider(), NOTHING_CONFIGURED, "");
                LoadedModel full = LoadedModel.open(Fixtures.clipTinyModel(), new CpuProvider(), NOTHING_CONFIGURED,
                        "")) {
            SessionInfo visual = half.model().sessionInfo(ModelRole.VISUAL);
            assertThat(visual.inputType()).isEqualTo("float16");
            assertThat(visual.outputType()).isEqualTo("float16");
            assertThat(half.fellBack()).isFalse();
            assertThat(half.tuning()).isEqualTo(new CpuProvider().defaults(CORES));

            List<ImageResult> halfResults = embed(half);
            List<ImageResult> fullResults = embed(full);
            assertThat(halfResults).hasSameSizeAs(fullResults).hasSizeGreaterThan(3);
            int differing = 0;
            for (int i = 0; i < fullResults.size(); i++) {
                ImageResult h = halfResults.get(i);
                ImageResult f = fullResults.get(i);
                assertThat(h.failed()).as(h.error()).isFalse();
                assertThat(Embeddings.dot(h.embedding(), f.embedding())).as("cosine of image " + i)
                        .isGreaterThan(0.999);
                if (!java.util.Arrays.equals(h.embedding(), f.embedding())) {
                    differing++;
                }
            }
            assertThat(differing).as("fp16 embeddings that differ from fp32 (none would mean fp32 ran)")
                    .isPositive();
        }
    }

    @Test
    @DisabledIfSystemProperty(named = "facesweep.onnxruntime.artifact", matches = "onnxruntime_gpu",
            disabledReason = "the -Pgpu build loads the real CUDA provider; CudaWorkerIT checks that build")
    void fp16BundleOnCudaGetsAsFarAsOpeningTheSessionAndFailsThereSayingWhatCudaNeeds() {
        assertThatThrownBy(() -> LoadedModel.open(fp16, cudaCompiledIn(ProviderFallback.FAIL), NOTHING_CONFIGURED,
                "0"))
                .isInstanceOf(ProviderUnavailableException.class)
                .hasMessageStartingWith("CUDA cannot open the image model: model bundle " + fp16
                        + ": visual/model.onnx cannot be opened with CUDA: the CUDA provider does not load: ")
                .hasMessageContaining("CUDA 12 and cuDNN 9")
                .hasMessageEndingWith(FALLBACK_HINT)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    @DisabledIfSystemProperty(named = "facesweep.onnxruntime.artifact", matches = "onnxruntime_gpu",
            disabledReason = "the -Pgpu build loads the real CUDA provider; CudaWorkerIT checks that build")
    void whenCudaDoesNotLoadTheCpuPolicyRunsTheFp16BundleOnTheCpuWithTheCpusTuning() throws Exception {
        try (LoadedModel loaded = LoadedModel.open(fp16, cudaCompiledIn(ProviderFallback.CPU), NOTHING_CONFIGURED,
                "")) {
            assertThat(loaded.fellBack()).isTrue();
            assertThat(loaded.check().providerInUse()).isEqualTo("CPU");
            assertThat(loaded.setup().configuredProvider()).isEqualTo("CUDA");
            assertThat(loaded.setup().device()).isEqualTo("cpu");
            assertThat(loaded.tuning()).isEqualTo(NOTHING_CONFIGURED.resolve(new CpuProvider()).fallbackFrom("cuda"));
            assertThat(loaded.model().sessionInfo(ModelRole.VISUAL).inputType()).isEqualTo("float16");
            assertThat(embed(loaded)).allSatisfy(r -> assertThat(r.failed()).as(r.error()).isFalse());
        }
    }

    @Test
    void aBuildWithoutCudaFailsAtSetUpOrFallsBackWithTheConfiguredValuesKept() throws Exception {
        assertThatThrownBy(() -> LoadedModel.open(Fixtures.clipTinyModel(), cudaMissing(ProviderFallback.FAIL),
                NOTHING_CONFIGURED, ""))
                .isInstanceOf(ProviderUnavailableException.class)
                .hasMessageStartingWith("provider cuda is not in this build's ONNX Runtime (it has [CPU]): build "
                        + "the worker with ./mvnw -Pgpu")
                .hasMessageEndingWith("or use --provider cpu" + FALLBACK_HINT);

        WorkerTuning.Request configured = new WorkerTuning.Request(CORES, 3, null, 2);
        try (LoadedModel loaded = LoadedModel.open(Fixtures.clipTinyModel(), cudaMissing(ProviderFallback.CPU),
                configured, "")) {
            assertThat(loaded.fellBack()).isTrue();
            assertThat(loaded.tuning()).isEqualTo(new WorkerTuning(3, CORES, 2,
                    "configured batch size, decode threads; cpu defaults for " + CORES
                            + " cores (fallback from cuda)"));
            assertThat(loaded.model().sessionInfo(ModelRole.VISUAL).batchSize()).isEqualTo(3);
            assertThat(loaded.setup().configurer().toString()).isEqualTo("CPU (intra-op threads " + CORES
                    + ", batch 3)");
        }
    }

    @Test
    void aFailedStartUpCheckFallsBackTheSameWayForAnyAccelerator() throws Exception {
        assertThatThrownBy(() -> LoadedModel.open(Fixtures.clipTinyModel(), new FailingCheck(ProviderFallback.FAIL),
                NOTHING_CONFIGURED, ""))
                .isInstanceOf(ProviderUnavailableException.class)
                .hasMessage("Fake start-up check: embeddings differ; or set facesweep.worker.fake.fallback=cpu to "
                        + "run on the CPU instead");

        try (LoadedModel loaded = LoadedModel.open(Fixtures.clipTinyModel(), new FailingCheck(ProviderFallback.CPU),
                NOTHING_CONFIGURED, "")) {
            assertThat(loaded.check().providerInUse()).isEqualTo("CPU");
            assertThat(loaded.setup().configuredProvider()).isEqualTo("Fake");
            assertThat(loaded.tuning().origin()).isEqualTo("cpu defaults for " + CORES + " cores (fallback from fake)");
        }
    }

    @Test
    void aMissingBundleIsAConfigurationErrorNotAProviderFailure() {
        assertThatThrownBy(() -> LoadedModel.open(tmp.resolve("no-such-bundle"), cudaMissing(ProviderFallback.CPU),
                NOTHING_CONFIGURED, ""))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("facesweep.worker.model: ");
    }

    /** Every fixture image through the worker's batch handler, in name order. */
    private static List<ImageResult> embed(LoadedModel loaded) throws Exception {
        Path images = Fixtures.clipTinyImages();
        List<BatchImage> batch = new ArrayList<>();
        try (var files = Files.list(images)) {
            for (Path p : files.filter(f -> f.getFileName().toString().startsWith("face_")).sorted().toList()) {
                batch.add(new BatchImage(new ContentHash().sha256(p), p.toString()));
            }
        }
        try (BatchScoringHandler handler = BatchScoringHandler.create(loaded.model(),
                PathPolicy.restricted(List.of(), List.of(images)), "it", loaded.tuning().decodeThreads())) {
            return handler.handle(new BatchMessage("scan", "b", loaded.model().bundle().modelId(), "h", 1, batch))
                    .results();
        }
    }

    /** An accelerator whose start-up check always fails (like a DirectML self-test that finds wrong embeddings). */
    private record FailingCheck(ProviderFallback fallback) implements ProviderOption {

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public String label() {
            return "Fake";
        }

        @Override
        public ProviderSetup setUp(ProviderSettings settings) {
            ProviderSetup cpu = CpuProvider.cpu(settings, "Fake");
            return new ProviderSetup() {
                @Override
                public String configuredProvider() {
                    return "Fake";
                }

                @Override
                public String device() {
                    return "fake:0";
                }

                @Override
                public SessionConfigurer configurer() {
                    return cpu.configurer();
                }

                @Override
                public ProviderCheck verify(ClipModel model) throws ProviderUnavailableException {
                    throw new ProviderUnavailableException("Fake start-up check: embeddings differ");
                }
            };
        }
    }
}
