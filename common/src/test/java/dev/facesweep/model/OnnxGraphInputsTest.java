package dev.facesweep.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.facesweep.model.OnnxGraphInputs.Dim;
import dev.facesweep.model.OnnxGraphInputs.Input;
import dev.facesweep.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxGraphInputsTest {

    private static final int FLOAT = 1;
    private static final int INT64 = 7;

    @Test
    void readsTheImageInputOfTheTinyVisualModel() throws IOException {
        List<Input> inputs = OnnxGraphInputs.read(Fixtures.clipTinyModel().resolve("visual/model.onnx"));
        assertThat(inputs).containsExactly(new Input("image", FLOAT,
                List.of(new Dim(-1, "batch"), new Dim(3, ""), new Dim(224, ""), new Dim(224, ""))));
    }

    @Test
    void readsTheTokenInputOfTheTinyTextualModel() throws IOException {
        List<Input> inputs = OnnxGraphInputs.read(Fixtures.clipTinyModel().resolve("textual/model.onnx"));
        assertThat(inputs).containsExactly(new Input("text", INT64, List.of(new Dim(-1, "batch"), new Dim(77, ""))));
    }

    @Test
    void skipsInitializersOfTheViTL14GraphWithExternalWeights() throws IOException {
        // README of the fixture: input `image` [batch, 3, 224, 224] float32
        List<Input> inputs = OnnxGraphInputs.read(Fixtures.root().resolve("vit-l-14-graph/visual.onnx"));
        assertThat(inputs).hasSize(1);
        assertThat(inputs.get(0).name()).isEqualTo("image");
        assertThat(inputs.get(0).elementType()).isEqualTo(FLOAT);
        assertThat(inputs.get(0).dims()).extracting(Dim::value).containsExactly(-1L, 3L, 224L, 224L);
    }

    @Test
    void truncatedFileIsAnError(@TempDir Path tmp) throws IOException {
        byte[] model = Files.readAllBytes(Fixtures.clipTinyModel().resolve("visual/model.onnx"));
        Path cut = tmp.resolve("cut.onnx");
        Files.write(cut, java.util.Arrays.copyOf(model, model.length / 2));
        assertThatThrownBy(() -> OnnxGraphInputs.read(cut)).isInstanceOf(IOException.class);
    }

    @Test
    void textFileIsNotAModel(@TempDir Path tmp) throws IOException {
        Path text = tmp.resolve("model.onnx");
        Files.writeString(text, "this is not a protobuf file at all\n");
        assertThatThrownBy(() -> OnnxGraphInputs.read(text)).isInstanceOf(IOException.class);
    }
}
