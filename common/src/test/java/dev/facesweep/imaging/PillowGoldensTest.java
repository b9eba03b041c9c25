package dev.facesweep.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The formats and geometries the clip-tiny fixture does not cover (LA, 16-bit, 1/2/4-bit, palette with tRNS,
 * Adam7, odd sizes, squash / longest / fill colour), against values produced by real Pillow 9.4.0 + torchvision
 * with {@code pillow94/generate.py} (in the test resources beside the PNGs).
 */
class PillowGoldensTest {

    private static final String DIR = "pillow94/";
    private static final JsonNode EXPECTED = readExpected();

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (JsonNode c : EXPECTED.get("cases")) {
            out.add(Arguments.of(c.get("file").asString() + " " + c.get("resize_mode").asString() + " fill "
                    + c.get("fill_color").intValue(), c));
        }
        return out.stream();
    }

    @Test
    void goldensComeFromPillow94AndCoverEveryMode() {
        assertThat(EXPECTED.get("pillow").asString()).isEqualTo("9.4.0");
        List<String> modes = new ArrayList<>();
        EXPECTED.get("cases").forEach(c -> modes.add(c.get("pillow_mode").asString()));
        assertThat(modes).contains("1", "L", "LA", "I", "P", "RGB", "RGBA");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesPillowBitForBit(String name, JsonNode c) throws Exception {
        byte[] png = resource(c.get("file").asString());
        PreprocessConfig d = PreprocessConfig.openClipDefault();
        PreprocessConfig config = new PreprocessConfig(224, 224, d.mean(), d.std(), Interpolation.BICUBIC,
                ResizeMode.fromName(c.get("resize_mode").asString()), c.get("fill_color").intValue());
        ClipImagePreprocessor preprocessor = new ClipImagePreprocessor(config, DecodeLimits.defaults());

        assertThat(ImageDecoder.decode(png, DecodeLimits.defaults()).mode().pillowName())
                .isEqualTo(c.get("pillow_mode").asString());
        byte[] rgb = preprocessor.resizedRgb(png);
        assertThat(ReferenceImagesTest.sha256(rgb)).isEqualTo(c.get("resized_rgb_sha256").asString());

        float[] tensor = new float[preprocessor.tensorSize()];
        preprocessor.preprocess(png, tensor, 0);
        for (int i = 0; i < 8; i++) {
            assertThat((double) tensor[i]).isCloseTo(c.get("tensor_first8").get(i).doubleValue(), within(1e-6));
        }
    }

    static byte[] resource(String file) throws Exception {
        try (InputStream in = PillowGoldensTest.class.getResourceAsStream(DIR + file)) {
            assertThat(in).as("test resource %s", DIR + file).isNotNull();
            return in.readAllBytes();
        }
    }

    private static JsonNode readExpected() {
        try {
            return JsonMapper.builder().build().readTree(resource("expected.json"));
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + DIR + "expected.json", e);
        }
    }
}
