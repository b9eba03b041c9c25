package dev.facesweep.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.facesweep.testing.Fixtures;
import dev.facesweep.tokenizer.ClipTokenizer;
import dev.facesweep.tokenizer.Tokens;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleValidatorIT {

    @TempDir
    Path tmp;

    @Test
    void checksTheFixtureBundle() throws Exception {
        ModelInfo info = BundleValidator.check(Fixtures.clipTinyModel(), new CpuSessionConfigurer());
        assertThat(info.bundle().modelId()).startsWith("tiny-public/random-seed-1234@");
        assertThat(info.visual().inputName()).isEqualTo("image");
        assertThat(info.textual().inputName()).isEqualTo("text");
        assertThat(info.textual().inputType()).isEqualTo("int64");
        assertThat(info.toString()).contains("tokenizer  bpe_simple_vocab_16e6.txt.gz");
    }

    @Test
    void checksAnInt32FixedBatchVariant() throws Exception {
        Path copy = BundleCopies.copy(tmp.resolve("b"));
        Path textual = copy.resolve("textual/model.onnx");
        Files.delete(textual);
        OnnxPatching.copyWithInputElementType(Fixtures.clipTinyModel().resolve("textual/model.onnx"), textual,
                OnnxPatching.INT32);
        ModelInfo info = BundleValidator.check(copy, new ClipModelIT.FixedBatchConfigurer(2));
        assertThat(info.textual().inputType()).isEqualTo("int32");
        assertThat(info.textual().fixedBatch()).hasValue(2);
        assertThat(info.visual().fixedBatch()).hasValue(2);
    }

    @Test
    void tokenizerWithAnotherContextLengthIsRejected() throws Exception {
        ClipTokenizer shortContext = new ClipTokenizer() {
            @Override
            public int contextLength() {
                return 32;
            }

            @Override
            public Tokens encode(String text) {
                return new Tokens(new int[] {START_OF_TEXT, END_OF_TEXT}, false);
            }
        };
        try (ClipModel model = ClipModel.open(ModelBundle.load(Fixtures.clipTinyModel()), new CpuSessionConfigurer())) {
            assertThatThrownBy(() -> BundleValidator.check(model, shortContext)).isInstanceOf(BundleException.class)
                    .hasMessageContaining("tokenizer context length 32 differs from config.json "
                            + "text_cfg.context_length 77");
        }
    }

    @Test
    void tokenIdsBeyondTheVocabularyAreRejected() throws Exception {
        Path copy = BundleCopies.copy(tmp.resolve("b"));
        BundleCopies.editConfig(copy, "\"vocab_size\": 49408", "\"vocab_size\": 1000");
        assertThatThrownBy(() -> BundleValidator.check(copy, new CpuSessionConfigurer()))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("gives id 49406").hasMessageContaining("text_cfg.vocab_size 1000");
    }

    @Test
    void brokenTextModelIsNamed() throws Exception {
        Path copy = BundleCopies.copy(tmp.resolve("b"));
        Files.writeString(copy.resolve("textual/model.onnx"), "not a model");
        assertThatThrownBy(() -> BundleValidator.check(copy, new CpuSessionConfigurer()))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("textual/model.onnx cannot be opened with CPU")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
