package dev.facesweep.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeout;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.ImageIO;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/** Every unusable input is an {@link ImageException} with a one-line reason; nothing else escapes. */
class BadInputTest {

    private final ClipImagePreprocessor preprocessor = ClipImagePreprocessor.openClipDefault();

    private AbstractThrowableAssert<?, ? extends Throwable> refused(byte[] bytes) {
        float[] dest = new float[preprocessor.tensorSize()];
        return assertThatThrownBy(() -> preprocessor.preprocess(bytes, dest, 0))
                .isInstanceOf(ImageException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").isNotBlank());
    }

    private static byte[] fixture(String name) throws Exception {
        return Files.readAllBytes(ReferenceImagesTest.image(name));
    }

    @Test
    void zeroBytes() {
        refused(new byte[0]).hasMessageContaining("empty file");
    }

    @Test
    void randomBytes() {
        byte[] junk = new byte[4096];
        new Random(42).nextBytes(junk);
        junk[0] = 0x13; // not a magic number by chance

        refused(junk).hasMessageContaining("not a PNG or JPEG");
    }

    @Test
    void textFile() {
        refused("name,score\nface_00.png,0.3\n".getBytes(StandardCharsets.UTF_8))
                .hasMessageContaining("not a PNG or JPEG")
                .hasMessageContaining("looks like text");
    }

    @Test
    void otherImageFormatsAreNamed() throws Exception {
        ByteArrayOutputStream gif = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "gif", gif);

        refused(gif.toByteArray()).hasMessageContaining("unsupported image format GIF");
    }

    @Test
    void pngCutInHalf() throws Exception {
        byte[] png = fixture("face_00.png");

        refused(Arrays.copyOf(png, png.length / 2)).hasMessageContaining("truncated PNG");
    }

    @Test
    void pngCutInsideTheLastImageChunk() throws Exception {
        byte[] png = fixture("edge_small_100x80.png");

        refused(Arrays.copyOf(png, png.length - 12 - 9)).hasMessageContaining("truncated PNG");
    }

    @Test
    void pngCutAfterTheSignature() throws Exception {
        refused(Arrays.copyOf(fixture("face_00.png"), 12)).hasMessageContaining("truncated PNG");
    }

    @Test
    void pngMissingOnlyItsIendStillDecodesLikePillow() throws Exception {
        byte[] png = fixture("edge_small_100x80.png");

        byte[] withoutIend = Arrays.copyOf(png, png.length - 12);

        assertThat(preprocessor.resizedRgb(withoutIend)).isEqualTo(preprocessor.resizedRgb(png));
    }

    @Test
    void pngWithAFlippedBitInTheImageData() throws Exception {
        byte[] png = fixture("edge_small_100x80.png").clone();
        png[png.length / 2] ^= 0x10;

        refused(png).hasMessageContaining("bad CRC");
    }

    @Test
    void pngWithGarbageImageDataUnderAValidCrc() {
        byte[] junk = new byte[500];
        new Random(7).nextBytes(junk);
        byte[] png = TestPngs.start().ihdr(10, 10, 8, 2).chunk("IDAT", junk).iend().bytes();

        refused(png).hasMessageContaining("corrupt PNG");
    }

    @Test
    void pngWhoseCompressedDataEndsBeforeTheLastRow() {
        byte[] rows = TestPngs.rawRows(5, 30, (r, i) -> r + i); // 5 of the 10 rows the header promises
        byte[] png = TestPngs.start().ihdr(10, 10, 8, 2).idat(rows).iend().bytes();

        refused(png).hasMessageContaining("ends after 155 of 310 bytes");
    }

    @Test
    void pngWithAnUnknownRowFilter() {
        byte[] rows = TestPngs.rawRows(2, 6, (r, i) -> i);
        rows[7] = 9;
        byte[] png = TestPngs.start().ihdr(2, 2, 8, 2).idat(rows).iend().bytes();

        refused(png).hasMessageContaining("unknown row filter type 9");
    }

    @Test
    void paletteImageWithoutAPalette() {
        byte[] png = TestPngs.start().ihdr(2, 2, 8, 3).idat(TestPngs.rawRows(2, 2, (r, i) -> 0)).iend().bytes();

        refused(png).hasMessageContaining("without a PLTE");
    }

    @Test
    void impossibleColourTypeAndDepth() {
        byte[] png = TestPngs.start().ihdr(2, 2, 4, 2).idat(TestPngs.rawRows(2, 1, (r, i) -> 0)).iend().bytes();

        refused(png).hasMessageContaining("colour type 2 with bit depth 4");
    }

    @Test
    void hugePngHeaderIsRefusedFromTheHeaderAlone() {
        // 60000 x 60000 RGB would need 10.8 GB; the header check must refuse it before allocating anything
        byte[] bomb = TestPngs.start().ihdr(60_000, 60_000, 8, 2)
                .idat(TestPngs.rawRows(1, 30, (r, i) -> 0)).iend().bytes();

        assertTimeout(Duration.ofSeconds(2), () ->
                refused(bomb).hasMessageContaining("60000x60000").hasMessageContaining("decode limit"));
    }

    @Test
    void hugeJpegHeaderIsRefusedFromTheHeaderAlone() throws Exception {
        byte[] jpeg = fixture("edge_jpeg.jpg").clone();
        int sof = sofOffset(jpeg);
        jpeg[sof + 5] = (byte) (60_000 >> 8);
        jpeg[sof + 6] = (byte) (60_000 & 0xFF);
        jpeg[sof + 7] = (byte) (60_000 >> 8);
        jpeg[sof + 8] = (byte) (60_000 & 0xFF);

        assertTimeout(Duration.ofSeconds(2), () -> refused(jpeg).hasMessageContaining("60000x60000"));
    }

    @Test
    void limitsAreConfigurable() throws Exception {
        ClipImagePreprocessor small = new ClipImagePreprocessor(PreprocessConfig.openClipDefault(),
                new DecodeLimits(64, 64, 4096, 1 << 20));
        byte[] png = fixture("edge_small_100x80.png");

        assertThatThrownBy(() -> small.resizedRgb(png)).isInstanceOf(ImageException.class)
                .hasMessageContaining("100x80").hasMessageContaining("64x64");
        ClipImagePreprocessor tinyFiles = new ClipImagePreprocessor(PreprocessConfig.openClipDefault(),
                new DecodeLimits(1000, 1000, 1_000_000, 1000));
        assertThatThrownBy(() -> tinyFiles.resizedRgb(png)).isInstanceOf(ImageException.class)
                .hasMessageContaining(png.length + " bytes");
    }

    @Test
    void jpegCutInHalf() throws Exception {
        byte[] jpeg = fixture("edge_jpeg.jpg");

        refused(Arrays.copyOf(jpeg, jpeg.length / 2)).hasMessageContaining("JPEG");
    }

    @Test
    void jpegCutInsideTheHeader() throws Exception {
        refused(Arrays.copyOf(fixture("edge_jpeg.jpg"), 40)).hasMessageContaining("JPEG");
    }

    @Test
    void destinationTooSmallIsAProgrammingError() throws Exception {
        byte[] png = fixture("edge_small_100x80.png");

        assertThatThrownBy(() -> preprocessor.preprocess(png, new float[preprocessor.tensorSize()], 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Offset of the first SOFn marker (0xFFC0..0xFFC2). */
    private static int sofOffset(byte[] jpeg) {
        for (int i = 2; i + 9 < jpeg.length; ) {
            int marker = jpeg[i + 1] & 0xFF;
            if ((jpeg[i] & 0xFF) == 0xFF && marker >= 0xC0 && marker <= 0xC2) {
                return i;
            }
            i += 2 + ((jpeg[i + 2] & 0xFF) << 8 | (jpeg[i + 3] & 0xFF));
        }
        throw new AssertionError("no SOF marker in the fixture JPEG");
    }
}
