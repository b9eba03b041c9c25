package dev.facesweep.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.facesweep.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Every fixture image against the values real open_clip + Pillow 9.4 produced (reference.json "images"). */
class ReferenceImagesTest {

    private static final JsonNode REFERENCE =
            JsonMapper.builder().build().readTree(Fixtures.clipTiny().resolve("reference.json"));

    /** One 8-bit level after normalisation is 1 / (255 * std) >= 0.0142; JPEG may differ by 3 levels. */
    private static final double JPEG_LEVELS = 3;

    private final ClipImagePreprocessor preprocessor = new ClipImagePreprocessor(
            PreprocessConfig.fromJson(Fixtures.clipTinyModel().resolve("visual/preprocess_cfg.json")),
            DecodeLimits.defaults());

    static Stream<Arguments> images() {
        List<Arguments> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : REFERENCE.get("images").properties()) {
            out.add(Arguments.of(e.getKey(), e.getValue()));
        }
        return out.stream();
    }

    @Test
    void fixtureCoversPngModesAndAJpeg() {
        List<String> modes = new ArrayList<>();
        REFERENCE.get("images").properties().forEach(e -> modes.add(e.getValue().get("mode").asString()));
        assertThat(modes).contains("RGB", "RGBA", "L", "P");
        assertThat(REFERENCE.get("images").propertyNames()).anyMatch(n -> n.endsWith(".jpg"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("images")
    void decodesToPillowsModeAndSize(String name, JsonNode ref) throws Exception {
        Bitmap bitmap = ImageDecoder.decode(Files.readAllBytes(image(name)), DecodeLimits.defaults());

        assertThat(bitmap.mode().pillowName()).isEqualTo(ref.get("mode").asString());
        assertThat(new int[] {bitmap.width(), bitmap.height()})
                .containsExactly(ref.get("size").get(0).intValue(), ref.get("size").get(1).intValue());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("images")
    void resizedPixelsMatchPillow(String name, JsonNode ref) throws Exception {
        byte[] rgb = preprocessor.resizedRgb(Files.readAllBytes(image(name)));

        assertThat(rgb).hasSize(224 * 224 * 3);
        long sum = 0;
        for (byte b : rgb) {
            sum += b & 0xFF;
        }
        if (isJpeg(name)) {
            // libjpeg-turbo (Pillow) and IJG libjpeg (ImageIO) differ slightly; the fixture allows 3 levels per
            // pixel, so the mean level must be within 3 of the reference mean as well.
            assertThat((double) sum / rgb.length)
                    .isCloseTo(ref.get("resized_rgb_sum").longValue() / (double) rgb.length, within(JPEG_LEVELS));
        } else {
            assertThat(sha256(rgb)).isEqualTo(ref.get("resized_rgb_sha256").asString());
            assertThat(sum).isEqualTo(ref.get("resized_rgb_sum").longValue());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("images")
    void tensorMatchesTorch(String name, JsonNode ref) throws Exception {
        float[] tensor = new float[3 * 224 * 224 + 5];
        preprocessor.preprocess(Files.readAllBytes(image(name)), tensor, 5);

        double tolerance = isJpeg(name)
                ? JPEG_LEVELS / (255 * 0.26130258)
                : REFERENCE.get("tolerances").get("tensor_max_abs").doubleValue();
        JsonNode first8 = ref.get("tensor_first8");
        for (int i = 0; i < 8; i++) {
            assertThat((double) tensor[5 + i]).as("tensor[%d]", i).isCloseTo(first8.get(i).doubleValue(), within(tolerance));
        }
        double sum = 0;
        double sumAbs = 0;
        for (int i = 5; i < tensor.length; i++) {
            sum += tensor[i];
            sumAbs += Math.abs(tensor[i]);
        }
        // torch sums float32 values with float32 partial sums (pairwise/cascade): its error is bounded by about
        // log2(n) * 2^-24 * sum(|x|); the reference also prints 4 decimals. Our sum is in double (exact enough).
        double n = tensor.length - 5;
        double accumulation = Math.ceil(Math.log(n) / Math.log(2)) * Math.ulp(1.0f) / 2 * sumAbs + 5e-5;
        double sumTolerance = isJpeg(name) ? JPEG_LEVELS / (255 * 0.26130258) * n : accumulation;
        assertThat(sum).isCloseTo(ref.get("tensor_sum").doubleValue(), within(sumTolerance));
    }

    private static boolean isJpeg(String name) {
        return name.endsWith(".jpg") || name.endsWith(".jpeg");
    }

    static Path image(String name) {
        return Fixtures.clipTinyImages().resolve(name);
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
