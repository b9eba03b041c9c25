package dev.facesweep.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.facesweep.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelBundleTest {

    @TempDir
    Path tmp;

    @Test
    void loadsTheFixtureBundle() throws Exception {
        ModelBundle bundle = ModelBundle.load(Fixtures.clipTinyModel());
        // values as written in the fixture's config.json
        ModelConfig c = bundle.config();
        assertThat(c.embedDim()).isEqualTo(32);
        assertThat(c.imageSize()).isEqualTo(224);
        assertThat(c.contextLength()).isEqualTo(77);
        assertThat(c.vocabSize()).isEqualTo(49408);
        assertThat(c.quickGelu()).isFalse();
        assertThat(c.logitScale()).isEqualTo(100.0);
        assertThat(c.logitScaleDeclared()).isTrue();
        assertThat(c.modelName()).isEqualTo("tiny-public");
        assertThat(c.pretrained()).contains("random-seed-1234");
        assertThat(bundle.tokenizerKind()).isEqualTo(TokenizerKind.OPEN_CLIP_BPE);
        assertThat(bundle.tokenizerFile().getFileName()).hasToString("bpe_simple_vocab_16e6.txt.gz");
        assertThat(bundle.visualModel()).isEqualTo(bundle.dir().resolve("visual/model.onnx"));
    }

    @Test
    void modelIdIsNamePretrainedAndShortSha256OfTheVisualModel() throws Exception {
        ModelBundle bundle = ModelBundle.load(Fixtures.clipTinyModel());
        String sha = sha256(Fixtures.clipTinyModel().resolve("visual/model.onnx"));
        assertThat(bundle.modelId()).isEqualTo("tiny-public/random-seed-1234@" + sha.substring(0, 12));
        assertThat(bundle.scoringId()).startsWith(bundle.modelId() + ";text=").endsWith(";logit_scale=100.0");
    }

    @Test
    void modelIdDependsOnTheVisualWeightsOnly() throws Exception {
        Path copy = BundleCopies.copy(tmp.resolve("b"));
        ModelBundle original = ModelBundle.load(copy);
        Files.write(copy.resolve("textual/model.onnx"), new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
        ModelBundle textChanged = ModelBundle.load(copy);
        assertThat(textChanged.modelId()).isEqualTo(original.modelId());
        assertThat(textChanged.textualDigest()).isNotEqualTo(original.textualDigest());
        assertThat(textChanged.scoringId()).isNotEqualTo(original.scoringId());

        Files.write(copy.resolve("visual/model.onnx"), new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
        assertThat(ModelBundle.load(copy).modelId()).isNotEqualTo(original.modelId());
    }

    @Test
    void missingLogitScaleDefaultsTo100() throws Exception {
        Path copy = BundleCopies.copy(tmp.resolve("b"));
        BundleCopies.editConfig(copy, ",\n  \"logit_scale\": 100.0", "");
        ModelConfig c = ModelBundle.load(copy).config();
        assertThat(c.logitScale()).isEqualTo(100.0);
        assertThat(c.logitScaleDeclared()).isFalse();
    }

    @Test
    void declaredLogitScaleIsUsed() throws Exception {
        Path copy = BundleCopies.copy(tmp.resolve("b"));
        BundleCopies.editConfig(copy, "\"logit_scale\": 100.0", "\"logit_scale\": 50.5");
        assertThat(ModelBundle.load(copy).config().logitScale()).isEqualTo(50.5);
        assertThat(ModelBundle.load(copy).scoringId()).endsWith(";logit_scale=50.5");
    }

    @Test
    void immichStyleConfigWithoutNameFallsBackToTheFolderName() throws Exception {
        Path copy = BundleCopies.copy(tmp.resolve("ViT-L-14-quickgelu__dfn2b"));
        BundleCopies.editConfig(copy, "\"model_name\": \"tiny-public\",", "");
        BundleCopies.editConfig(copy, "\"pretrained\": \"random-seed-1234\",", "");
        assertThat(ModelBundle.load(copy).modelId()).startsWith("ViT-L-14-quickgelu__dfn2b@");
    }

    @Test
    void squareImageSizeAsAList() throws Exception {
        Path copy = BundleCopies.copy(tmp.resolve("b"));
        BundleCopies.editConfig(copy, "\"image_size\": 224", "\"image_size\": [224, 224]");
        assertThat(ModelBundle.load(copy).config().imageSize()).isEqualTo(224);
    }

    @Test
    void hfTokenizerJsonIsAccepted() throws Exception {
        Path copy = BundleCopies.copy(tmp.resolve("b"));
        Files.delete(copy.resolve("textual/bpe_simple_vocab_16e6.txt.gz"));
        Files.writeString(copy.resolve("textual/tokenizer.json"), "{}");
        assertThat(ModelBundle.load(copy).tokenizerKind()).isEqualTo(TokenizerKind.HF_TOKENIZER_JSON);
    }

    @Test
    void preprocessConfigIsParsedFromTheBundle() throws Exception {
        ModelBundle bundle = ModelBundle.load(Fixtures.clipTinyModel());
        // values of the fixture's visual/preprocess_cfg.json
        assertThat(bundle.preprocess().width()).isEqualTo(224);
        assertThat(bundle.preprocess().height()).isEqualTo(224);
        assertThat(bundle.preprocess().mean()).containsExactly(0.48145466f, 0.4578275f, 0.40821073f);
        assertThat(bundle.preprocess().std()).containsExactly(0.26862954f, 0.26130258f, 0.27577711f);
        assertThat(bundle.imagePreprocessor(dev.facesweep.imaging.DecodeLimits.defaults()).tensorSize())
                .isEqualTo(3 * 224 * 224);
    }

    @Test
    void preprocessSizeMustMatchTheModel() throws Exception {
        Path copy = BundleCopies.copy(tmp.resolve("b"));
        Path cfg = copy.resolve("visual/preprocess_cfg.json");
        Files.writeString(cfg, Files.readString(cfg).replaceAll("224", "256"));
        assertBroken(copy, "visual/preprocess_cfg.json size 256x256 differs from config.json vision_cfg.image_size 224");
    }

    @Test
    void malformedPreprocessConfig() throws Exception {
        Path copy = BundleCopies.copy(tmp.resolve("b"));
        Files.writeString(copy.resolve("visual/preprocess_cfg.json"), "{\"size\": [224, 224],\n\"mean\": [0.5,");
        assertBroken(copy, "visual/preprocess_cfg.json is not valid JSON (line 2)");
    }

    @Test
    void unusablePreprocessField() throws Exception {
        Path copy = BundleCopies.copy(tmp.resolve("b"));
        Path cfg = copy.resolve("visual/preprocess_cfg.json");
        Files.writeString(cfg, Files.readString(cfg).replace("\"bicubic\"", "\"lanczos-ish\""));
        assertBroken(copy, "visual/preprocess_cfg.json: ");
    }

    @Test
    void tokenizerLoadsFromTheBundle() throws Exception {
        ModelBundle bundle = ModelBundle.load(Fixtures.clipTinyModel());
        // clip-fidelity.md: "a photo of a cat" -> [49406, 320, 1125, 539, 320, 2368, 49407]
        assertThat(bundle.tokenizer().encode("a photo of a cat").ids())
                .containsExactly(49406, 320, 1125, 539, 320, 2368, 49407);
    }

    @Test
    void brokenTokenizerFileIsABundleError() throws Exception {
        Path copy = BundleCopies.copy(tmp.resolve("b"));
        Files.writeString(copy.resolve("textual/bpe_simple_vocab_16e6.txt.gz"), "not gzip");
        ModelBundle bundle = ModelBundle.load(copy);
        assertThatThrownBy(bundle::tokenizer).isInstanceOf(BundleException.class)
                .hasMessageContaining("textual/bpe_simple_vocab_16e6.txt.gz cannot be used")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void notAFolder() {
        assertThatThrownBy(() -> ModelBundle.load(tmp.resolve("nope")))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("nope").hasMessageContaining("is not a folder");
    }

    @Test
    void noConfigJson() throws Exception {
        Path copy = BundleCopies.copy(tmp.resolve("b"));
        Files.delete(copy.resolve("config.json"));
        assertBroken(copy, "has no config.json");
    }

    @Test
    void noVisualModel() throws Exception {
        Path copy = BundleCopies.copy(tmp.resolve("b"));
        Files.delete(copy.resolve("visual/model.onnx"));
        assertBroken(copy, "has no visual/model.onnx: export it with tools/export_openclip.py or point --model at "
                + "an Immich-format bundle");
    }

    @Test
    void noPreprocessConfig() throws Exception {
        Path copy = BundleCopies.copy(tmp.resolve("b"));
        Files.delete(copy.resolve("visual/preprocess_cfg.json"));
        assertBroken(copy, "has no visual/preprocess_cfg.json");
    }

    @Test
    void noTextualModel() throws Exception {
        Path copy = BundleCopies.copy(tmp.resolve("b"));
        Files.delete(copy.resolve("textual/model.onnx"));
        assertBroken(copy, "has no textual/model.onnx: export it with tools/export_openclip.py or point --model at "
                + "an Immich-format bundle");
    }

    @Test
    void noTokenizer() throws Exception {
        Path copy = BundleCopies.copy(tmp.resolve("b"));
        Files.delete(copy.resolve("textual/bpe_simple_vocab_16e6.txt.gz"));
        assertBroken(copy, "has no tokenizer in textual/");
    }

    @Test
    void malformedConfigJsonNamesTheLine() throws Exception {
        Path copy = BundleCopies.copy(tmp.resolve("b"));
        Files.writeString(copy.resolve("config.json"), "{\n  \"embed_dim\": 32,\n  \"vision_cfg\": {\n}");
        assertBroken(copy, "config.json is not valid JSON (line 4)");
    }

    @Test
    void configWithoutEmbedDim() throws Exception {
        Path copy = BundleCopies.copy(tmp.resolve("b"));
        BundleCopies.editConfig(copy, "\"embed_dim\": 32,", "");
        assertBroken(copy, "config.json has no embed_dim");
    }

    @Test
    void configWithoutImageSize() throws Exception {
        Path copy = BundleCopies.copy(tmp.resolve("b"));
        BundleCopies.editConfig(copy, "\"image_size\": 224,", "");
        assertBroken(copy, "config.json has no vision_cfg.image_size");
    }

    @Test
    void nonPositiveLogitScale() throws Exception {
        Path copy = BundleCopies.copy(tmp.resolve("b"));
        BundleCopies.editConfig(copy, "\"logit_scale\": 100.0", "\"logit_scale\": -1");
        assertBroken(copy, "logit_scale -1 is not a positive number");
    }

    @Test
    void configThatIsNotAnObject() throws Exception {
        Path copy = BundleCopies.copy(tmp.resolve("b"));
        Files.writeString(copy.resolve("config.json"), "[1, 2]");
        assertBroken(copy, "config.json is not a JSON object");
    }

    private static void assertBroken(Path bundle, String expected) {
        assertThatThrownBy(() -> ModelBundle.load(bundle))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining(bundle.toAbsolutePath().normalize().toString())
                .hasMessageContaining(expected)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    private static String sha256(Path file) throws IOException, java.security.NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
