package dev.facesweep.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.facesweep.testing.Fixtures;
import dev.facesweep.testing.ScoringReference;
import dev.facesweep.tokenizer.Tokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLIP model on the real clip-tiny ONNX files against open_clip's golden values. */
class ClipModelIT {

    private static final ScoringReference REF = ScoringReference.load();
    private static ModelBundle bundle;

    @TempDir
    Path tmp;

    @BeforeAll
    static void loadBundle() throws BundleException {
        bundle = ModelBundle.load(Fixtures.clipTinyModel());
    }

    /** Fixes the batch dimension like the DirectML configurer will, and reports a provider of its own. */
    static final class FixedBatchConfigurer implements SessionConfigurer {
        private final int batch;
        final List<SessionTarget> targets = new ArrayList<>();

        FixedBatchConfigurer(int batch) {
            this.batch = batch;
        }

        @Override
        public String provider() {
            return "TEST";
        }

        @Override
        public void configure(OrtSession.SessionOptions options, SessionTarget target) throws OrtException {
            targets.add(target);
            target.fixBatchSize(options, batch);
        }

        @Override
        public String providerInUse(OrtSession session, SessionTarget target) {
            return "TEST-in-use-" + target.role();
        }
    }

    private static List<Tokens> referenceTokens(List<String> prompts) {
        return prompts.stream().map(p -> new Tokens(REF.tokenIds(p), false)).toList();
    }

    @Test
    void textEmbeddingsOfTheReferenceTokenIdsMatchOpenClip() throws Exception {
        List<String> prompts = REF.embeddedPromptTexts();
        assertThat(prompts).hasSize(20);
        try (ClipModel model = ClipModel.open(bundle, new CpuSessionConfigurer())) {
            float[][] embeddings = model.embedTexts(referenceTokens(prompts));
            for (int i = 0; i < prompts.size(); i++) {
                assertThat(embeddings[i]).as(prompts.get(i)).containsExactly(REF.promptEmbedding(prompts.get(i)),
                        within((float) REF.embeddingTolerance()));
            }
        }
    }

    @Test
    void embeddingsAreUnitLength() throws Exception {
        try (ClipModel model = ClipModel.open(bundle, new CpuSessionConfigurer())) {
            float[] e = model.embedTexts(referenceTokens(REF.promptTexts())).clone()[0];
            assertThat(Embeddings.dot(e, e)).isCloseTo(1.0, within(1e-5));
            float[] image = model.embedImages(randomImages(1, 1), 1)[0];
            assertThat(Embeddings.dot(image, image)).isCloseTo(1.0, within(1e-5));
        }
    }

    @Test
    void sessionsAreReadFromTheModelNotAssumed() throws Exception {
        try (ClipModel model = ClipModel.open(bundle, new CpuSessionConfigurer(1, 5), ModelRole.VISUAL)) {
            ModelInfo info = model.info();
            assertThat(info.visual()).isEqualTo(new SessionInfo(ModelRole.VISUAL, "image", "float32",
                    List.of("batch", "3", "224", "224"), "embedding", "float32", List.of("batch", "32"),
                    OptionalInt.empty(), 5, "CPU", "CPU"));
            assertThat(info.textual()).isEqualTo(new SessionInfo(ModelRole.TEXTUAL, "text", "int64",
                    List.of("batch", "77"), "embedding", "float32", List.of("batch", "32"),
                    OptionalInt.empty(), 5, "CPU", "CPU"));
            assertThat(info.format()).contains(bundle.modelId()).contains("image float32 [batch, 3, 224, 224]")
                    .contains("text int64 [batch, 77]").contains("batch dynamic (runs of 5)")
                    .contains("logit_scale 100.0");
        }
    }

    @Test
    void fixedBatchSessionsPadTheLastRunAndGiveTheSameEmbeddings() throws Exception {
        List<String> prompts = REF.embeddedPromptTexts(); // 20 prompts in runs of 3: last run padded by 1
        float[] images = randomImages(7, 42);
        FixedBatchConfigurer fixed = new FixedBatchConfigurer(3);
        try (ClipModel dynamic = ClipModel.open(bundle, new CpuSessionConfigurer(0, 20));
                ClipModel padded = ClipModel.open(bundle, fixed, ModelRole.VISUAL, ModelRole.TEXTUAL)) {
            assertThat(fixed.targets).extracting(SessionTarget::batchDimension)
                    .containsExactly(java.util.Optional.of("batch"), java.util.Optional.of("batch"));
            SessionInfo visual = padded.sessionInfo(ModelRole.VISUAL);
            assertThat(visual.fixedBatch()).hasValue(3);
            assertThat(visual.inputDims()).containsExactly("3", "3", "224", "224");
            assertThat(visual.providerInUse()).isEqualTo("TEST-in-use-visual");
            assertThat(padded.batchSize(ModelRole.TEXTUAL)).isEqualTo(3);

            float[][] a = dynamic.embedTexts(referenceTokens(prompts));
            float[][] b = padded.embedTexts(referenceTokens(prompts));
            assertThat(b).hasNumberOfRows(20);
            for (int i = 0; i < a.length; i++) {
                assertThat(b[i]).containsExactly(a[i], within(1e-5f));
                assertThat(b[i]).containsExactly(REF.promptEmbedding(prompts.get(i)),
                        within((float) REF.embeddingTolerance()));
            }
            float[][] c = dynamic.embedImages(images, 7);
            float[][] d = padded.embedImages(images, 7);
            assertThat(d).hasNumberOfRows(7);
            for (int i = 0; i < c.length; i++) {
                assertThat(d[i]).containsExactly(c[i], within(1e-5f));
            }
            assertThat(c[0]).isNotEqualTo(c[1]); // the images differ, so a mix-up of rows would show
        }
    }

    @Test
    void int32TokenIdsAreFedAsInt32() throws Exception {
        Path copy = BundleCopies.copy(tmp.resolve("b"));
        Path textual = copy.resolve("textual/model.onnx");
        Files.delete(textual);
        OnnxPatching.copyWithInputElementType(Fixtures.clipTinyModel().resolve("textual/model.onnx"), textual,
                OnnxPatching.INT32);
        List<String> prompts = REF.embeddedPromptTexts();
        try (ClipModel model = ClipModel.open(ModelBundle.load(copy), new CpuSessionConfigurer())) {
            assertThat(model.sessionInfo(ModelRole.TEXTUAL).inputType()).isEqualTo("int32");
            float[][] embeddings = model.embedTexts(referenceTokens(prompts));
            for (int i = 0; i < prompts.size(); i++) {
                assertThat(embeddings[i]).containsExactly(REF.promptEmbedding(prompts.get(i)),
                        within((float) REF.embeddingTolerance()));
            }
        }
    }

    @Test
    void textualSessionOpensOnlyWhenNeeded() throws Exception {
        try (ClipModel model = ClipModel.open(bundle, new CpuSessionConfigurer(), ModelRole.VISUAL)) {
            Path broken = BundleCopies.copy(tmp.resolve("b"));
            Files.writeString(broken.resolve("textual/model.onnx"), "not a model");
            // a bundle with a broken text model still embeds images until text is needed
            try (ClipModel imagesOnly = ClipModel.open(ModelBundle.load(broken), new CpuSessionConfigurer(),
                    ModelRole.VISUAL)) {
                assertThat(imagesOnly.embedImages(randomImages(1, 3), 1)).hasDimensions(1, 32);
                assertThatThrownBy(() -> imagesOnly.embedTexts(referenceTokens(REF.promptTexts())))
                        .isInstanceOf(InferenceException.class)
                        .hasMessageContaining("textual/model.onnx cannot be opened with CPU");
            }
            assertThat(model.embedTexts(referenceTokens(REF.promptTexts().subList(0, 1)))).hasDimensions(1, 32);
        }
    }

    @Test
    void embedDimMismatchNamesTheConfig() throws Exception {
        Path copy = BundleCopies.copy(tmp.resolve("b"));
        BundleCopies.editConfig(copy, "\"embed_dim\": 32", "\"embed_dim\": 64");
        assertThatThrownBy(() -> ClipModel.open(ModelBundle.load(copy), new CpuSessionConfigurer(), ModelRole.VISUAL))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("visual/model.onnx outputs 32-dim embeddings but config.json embed_dim is 64");
    }

    @Test
    void contextLengthMismatchNamesTheConfig() throws Exception {
        Path copy = BundleCopies.copy(tmp.resolve("b"));
        BundleCopies.editConfig(copy, "\"context_length\": 77", "\"context_length\": 64");
        assertThatThrownBy(() -> ClipModel.open(ModelBundle.load(copy), new CpuSessionConfigurer(),
                ModelRole.TEXTUAL))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("textual/model.onnx takes 77 tokens but config.json text_cfg.context_length is 64");
    }

    @Test
    void imageSizeMismatchNamesTheConfig() throws Exception {
        Path copy = BundleCopies.copy(tmp.resolve("b"));
        BundleCopies.editConfig(copy, "\"image_size\": 224", "\"image_size\": 256");
        Path cfg = copy.resolve("visual/preprocess_cfg.json"); // consistent with config.json, not with the model
        Files.writeString(cfg, Files.readString(cfg).replaceAll("224", "256"));
        assertThatThrownBy(() -> ClipModel.open(ModelBundle.load(copy), new CpuSessionConfigurer(), ModelRole.VISUAL))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("visual/model.onnx takes 224x224 images but config.json vision_cfg.image_size is 256");
    }

    @Test
    void visualAndTextualModelsSwappedAreRejected() throws Exception {
        Path copy = BundleCopies.copy(tmp.resolve("b"));
        Files.copy(Fixtures.clipTinyModel().resolve("textual/model.onnx"), copy.resolve("visual/model.onnx"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> ClipModel.open(ModelBundle.load(copy), new CpuSessionConfigurer(), ModelRole.VISUAL))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("visual/model.onnx takes int64 images; expected float32 or float16");
    }

    @Test
    void wrongPixelBufferIsACallerError() throws Exception {
        try (ClipModel model = ClipModel.open(bundle, new CpuSessionConfigurer(), ModelRole.VISUAL)) {
            assertThatThrownBy(() -> model.embedImages(new float[10], 1)).isInstanceOf(IllegalArgumentException.class);
            assertThat(model.embedImages(new float[0], 0)).isEmpty();
        }
    }

    @Test
    void closedModelRefusesWork() throws Exception {
        ClipModel model = ClipModel.open(bundle, new CpuSessionConfigurer(), ModelRole.VISUAL);
        model.close();
        model.close();
        assertThatThrownBy(() -> model.embedImages(randomImages(1, 1), 1)).isInstanceOf(IllegalStateException.class);
    }

    /** {@code count} images of normalised-looking noise, NCHW 3x224x224. */
    static float[] randomImages(int count, long seed) {
        Random random = new Random(seed);
        float[] pixels = new float[count * 3 * 224 * 224];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) random.nextGaussian();
        }
        return pixels;
    }
}
