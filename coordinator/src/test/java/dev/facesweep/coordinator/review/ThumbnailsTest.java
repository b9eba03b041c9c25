package dev.facesweep.coordinator.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.facesweep.corpus.ContentHash;
import dev.facesweep.testing.Fixtures;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThumbnailsTest {

    @TempDir
    Path dir;

    private final Thumbnails thumbnails = new Thumbnails(128);

    @Test
    void rendersASmallJpegWithTheOriginalsColours() throws Exception {
        Path face = Fixtures.clipTinyImages().resolve("face_00.png");

        byte[] jpeg = thumbnails.render(face);

        BufferedImage thumb = ImageIO.read(new ByteArrayInputStream(jpeg));
        BufferedImage original = ImageIO.read(face.toFile());
        assertThat(jpeg[0] & 0xFF).isEqualTo(0xFF);
        assertThat(jpeg[1] & 0xFF).isEqualTo(0xD8);
        assertThat(thumb.getWidth()).isEqualTo(128);
        assertThat(thumb.getHeight()).isEqualTo(128);
        assertThat(jpeg.length).isLessThan((int) Files.size(face) / 5);
        // downscaling keeps the average colour (within JPEG and filter error)
        double[] a = meanRgb(original);
        double[] b = meanRgb(thumb);
        for (int c = 0; c < 3; c++) {
            assertThat(b[c]).as("channel %d", c).isCloseTo(a[c], org.assertj.core.data.Offset.offset(4.0));
        }
    }

    @Test
    void fitsNonSquareImagesWholeWithPadding() throws Exception {
        byte[] jpeg = thumbnails.render(Fixtures.clipTinyImages().resolve("edge_wide_640x480.png"));

        BufferedImage thumb = ImageIO.read(new ByteArrayInputStream(jpeg));
        // 640x480 fitted into 128: 128x96, padded black rows top and bottom
        assertThat(thumb.getWidth()).isEqualTo(128);
        int corner = thumb.getRGB(64, 2);
        assertThat((corner >> 16 & 0xFF) + (corner >> 8 & 0xFF) + (corner & 0xFF)).isLessThan(30);
    }

    @Test
    void cachesByContentHashAndServesTheCacheAfterwards() throws Exception {
        Path original = dir.resolve("face.png");
        Files.copy(Fixtures.clipTinyImages().resolve("face_00.png"), original);
        String sha = ContentHash.sha256(Files.readAllBytes(original));
        Path cache = dir.resolve("cache");

        Path first = thumbnails.cached(cache, sha, original);
        Files.delete(original);
        Path second = thumbnails.cached(cache, sha, original);

        assertThat(first).isEqualTo(cache.resolve(sha.substring(0, 2)).resolve(sha + ".jpg")).isEqualTo(second);
        assertThat(ImageIO.read(first.toFile()).getWidth()).isEqualTo(128);
        try (var files = Files.list(first.getParent())) {
            assertThat(files).containsExactly(first);
        }
    }

    @Test
    void refusesAnOriginalThatChangedSinceTheScan() throws Exception {
        Path original = dir.resolve("face.png");
        Files.copy(Fixtures.clipTinyImages().resolve("face_00.png"), original);
        String scanned = ContentHash.sha256(Files.readAllBytes(Fixtures.clipTinyImages().resolve("face_04.png")));

        assertThatThrownBy(() -> thumbnails.cached(dir.resolve("cache"), scanned, original))
                .isInstanceOf(ThumbnailException.class)
                .hasMessageContaining(original.toString())
                .hasMessageContaining("changed since the scan");
        assertThat(dir.resolve("cache")).doesNotExist();
    }

    @Test
    void badInputGetsAOneLineMessageNamingTheFile() throws IOException {
        Path empty = Files.write(dir.resolve("empty.png"), new byte[0]);
        Path text = Files.writeString(dir.resolve("text.png"), "hello");

        assertThatThrownBy(() -> thumbnails.render(empty)).isInstanceOf(ThumbnailException.class)
                .hasMessageContaining(empty.toString()).hasMessageContaining("0 bytes");
        assertThatThrownBy(() -> thumbnails.render(text)).isInstanceOf(ThumbnailException.class)
                .hasMessageContaining(text.toString()).hasMessageContaining("not a PNG or JPEG");
        assertThatThrownBy(() -> thumbnails.render(dir.resolve("missing.png"))).isInstanceOf(ThumbnailException.class)
                .hasMessageContaining("no such file");
        assertThatThrownBy(() -> thumbnails.cached(dir, "../../etc/passwd", text))
                .isInstanceOf(ThumbnailException.class).hasMessageContaining("not a sha256");
        assertThatThrownBy(() -> new Thumbnails(4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("between 16 and 1024");
    }

    private static double[] meanRgb(BufferedImage image) {
        double[] sum = new double[3];
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                sum[0] += rgb >> 16 & 0xFF;
                sum[1] += rgb >> 8 & 0xFF;
                sum[2] += rgb & 0xFF;
            }
        }
        double n = (double) image.getWidth() * image.getHeight();
        return new double[] {sum[0] / n, sum[1] / n, sum[2] / n};
    }
}
