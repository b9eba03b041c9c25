package dev.facesweep.coordinator.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.facesweep.coordinator.cli.CliRunner;
import dev.facesweep.coordinator.cli.JsonOutput;
import dev.facesweep.testing.Fixtures;
import dev.facesweep.testing.ScoringReference;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code facesweep score} against the open_clip reference, and its handling of bad input. */
class ScoreCommandIT {

    private static final ScoringReference REF = ScoringReference.load();
    private static final String MODEL = Fixtures.clipTinyModel().toString();
    private static final String PROMPTS = ScoringReference.promptsFile().toString();

    @Test
    void jsonLinesMatchOpenClipForEveryFixtureImage() {
        List<String> args = new ArrayList<>(List.of("score", "--model", MODEL, "--prompts", PROMPTS, "--json"));
        for (String name : REF.imageNames()) {
            args.add(Fixtures.clipTinyImages().resolve(name).toString());
        }
        CliRunner.Result result = CliRunner.run(args.toArray(String[]::new));

        assertThat(result.exit()).as(result.toString()).isZero();
        List<String> lines = result.outLines();
        assertThat(lines).hasSize(REF.imageNames().size());
        for (int i = 0; i < lines.size(); i++) {
            String name = REF.imageNames().get(i);
            JsonNode line = JsonOutput.mapper().readTree(lines.get(i));
            assertThat(line.get("image").asString()).isEqualTo(Fixtures.clipTinyImages().resolve(name).toString());
            assertThat(line.has("error")).as(name).isFalse();
            double tolerance = REF.isJpeg(name) ? REF.jpegProbabilityTolerance() : REF.probabilityTolerance();
            Map<String, Double> expected = REF.imageScores(name);
            assertThat(names(line.get("scores"))).containsExactlyElementsOf(expected.keySet());
            expected.forEach((attribute, p) -> assertThat(line.get("scores").get(attribute).asDouble())
                    .as(name + " " + attribute).isCloseTo(p, within(tolerance)));
            if (!REF.isJpeg(name)) {
                float[] embedding = REF.imageEmbedding(name);
                JsonNode actual = line.get("embedding");
                assertThat(actual.size()).isEqualTo(embedding.length);
                for (int d = 0; d < embedding.length; d++) {
                    assertThat(actual.get(d).asDouble()).as(name + " dim " + d)
                            .isCloseTo(embedding[d], within(REF.embeddingTolerance()));
                }
            }
        }
    }

    @Test
    void badInputsAreReportedOneLineEachAndTheRestIsScored(@TempDir Path dir) throws IOException {
        byte[] good = Files.readAllBytes(Fixtures.clipTinyImages().resolve("face_00.png"));
        Path zero = Files.write(dir.resolve("zero byte.png"), new byte[0]);
        Path truncated = Files.write(dir.resolve("truncated.png"), java.util.Arrays.copyOf(good, good.length / 2));
        Path text = Files.writeString(dir.resolve("notes.png"), "this is not an image\n");
        Path bomb = Files.write(dir.resolve("bomb.png"), pngHeaderClaiming(60000, 60000));
        Path missing = dir.resolve("missing.png");
        Path ok = Files.write(dir.resolve("gesicht ü.png"), good);

        CliRunner.Result result = CliRunner.run("score", "--model", MODEL, "--json", zero.toString(),
                truncated.toString(), text.toString(), bomb.toString(), missing.toString(), ok.toString());

        assertThat(result.exit()).as(result.toString()).isEqualTo(3);
        Map<String, JsonNode> byImage = new HashMap<>();
        for (String line : result.outLines()) {
            JsonNode node = JsonOutput.mapper().readTree(line);
            byImage.put(node.get("image").asString(), node);
        }
        assertThat(byImage).hasSize(6);
        for (Path bad : List.of(zero, truncated, text, bomb, missing)) {
            JsonNode node = byImage.get(bad.toString());
            assertThat(node.has("scores")).as(bad.toString()).isFalse();
            assertThat(node.get("error").asString()).as(bad.toString()).isNotBlank().doesNotContain("\n");
        }
        assertThat(byImage.get(bomb.toString()).get("error").asString()).contains("60000");
        assertThat(byImage.get(missing.toString()).get("error").asString()).containsIgnoringCase("not found");
        assertThat(byImage.get(ok.toString()).get("scores").size()).isEqualTo(2);
    }

    @Test
    void tableOutputNamesEveryImageAndItsError(@TempDir Path dir) throws IOException {
        Path zero = Files.write(dir.resolve("zero.png"), new byte[0]);
        Path face = Fixtures.clipTinyImages().resolve("face_01_sg.png");

        CliRunner.Result result = CliRunner.run("score", "--model", MODEL, zero.toString(), face.toString());

        assertThat(result.exit()).isEqualTo(3);
        assertThat(result.out()).contains("sunglasses").contains("mask").contains(face.toString())
                .contains(zero + "  ERROR: ");
        assertThat(result.err()).contains("1 of 2 image(s) could not be scored");
    }

    @Test
    void withoutAModelItSaysHowToGetOne() {
        CliRunner.Result result = CliRunner.run("score", "x.png");

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("model pull").contains("export_openclip.py");
        assertThat(result.err().strip().lines()).hasSize(1);
    }

    @Test
    void aBrokenPromptFileIsAConfigurationError(@TempDir Path dir) throws IOException {
        Path prompts = Files.writeString(dir.resolve("p.yaml"), "attributes:\n  mask:\n    positive: [a mask]\n");

        CliRunner.Result result = CliRunner.run("score", "--model", MODEL, "--prompts", prompts.toString(),
                Fixtures.clipTinyImages().resolve("face_00.png").toString());

        assertThat(result.exit()).as(result.toString()).isEqualTo(2);
        assertThat(result.err()).contains("mask").contains("negative");
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.propertyNames().forEach(names::add);
        return names;
    }

    /** A PNG signature and a valid IHDR chunk claiming the given size, then a tiny IDAT and IEND. */
    static byte[] pngHeaderClaiming(int width, int height) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.write(ByteBuffer.allocate(4).putInt(data.length).array());
        out.write(typeBytes);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
