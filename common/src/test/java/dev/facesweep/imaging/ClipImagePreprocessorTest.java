package dev.facesweep.imaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ClipImagePreprocessorTest {

    private final ClipImagePreprocessor preprocessor = ClipImagePreprocessor.openClipDefault();

    private static byte[] fixture(String name) throws Exception {
        return Files.readAllBytes(ReferenceImagesTest.image(name));
    }

    @Test
    void writesExactlyOneTensorAtTheOffset() throws Exception {
        int n = preprocessor.tensorSize();
        float[] batch = new float[3 * n];
        Arrays.fill(batch, Float.NaN);

        preprocessor.preprocess(fixture("face_00.png"), batch, n);

        assertThat(n).isEqualTo(3 * 224 * 224);
        for (int i = 0; i < batch.length; i++) {
            assertThat(Float.isNaN(batch[i])).as("index %d", i).isEqualTo(i < n || i >= 2 * n);
        }
    }

    @Test
    void tensorIsNchwOfTheResizedRgb() throws Exception {
        byte[] png = fixture("edge_wide_640x480.png");
        byte[] rgb = preprocessor.resizedRgb(png);
        float[] tensor = new float[preprocessor.tensorSize()];

        preprocessor.preprocess(png, tensor, 0);

        float[] mean = PreprocessConfig.openClipDefault().mean();
        float[] std = PreprocessConfig.openClipDefault().std();
        int plane = 224 * 224;
        for (int pixel : new int[] {0, 1, 223, 224, 5000, plane - 1}) {
            for (int c = 0; c < 3; c++) {
                // torch: ToTensor divides the uint8 by 255 in float32, Normalize subtracts then divides in float32
                float expected = ((rgb[pixel * 3 + c] & 0xFF) / 255f - mean[c]) / std[c];
                assertThat(tensor[c * plane + pixel]).isEqualTo(expected);
            }
        }
    }

    @Test
    void concurrentCallsGiveTheSameTensorsAsSequentialOnes() throws Exception {
        String[] names = {"face_00.png", "edge_palette.png", "edge_rgba_translucent.png", "edge_gray.png",
            "edge_wide_640x480.png", "edge_jpeg.jpg"};
        List<float[]> sequential = new ArrayList<>();
        for (String name : names) {
            float[] t = new float[preprocessor.tensorSize()];
            preprocessor.preprocess(fixture(name), t, 0);
            sequential.add(t);
        }

        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int round = 0; round < 4; round++) {
                for (String name : names) {
                    byte[] bytes = fixture(name);
                    results.add(pool.submit(() -> {
                        float[] t = new float[preprocessor.tensorSize()];
                        preprocessor.preprocess(bytes, t, 0);
                        return t;
                    }));
                }
            }
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).get()).isEqualTo(sequential.get(i % names.length));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void greyJpegOpensAsLAndIsReplicated() throws Exception {
        BufferedImage grey = new BufferedImage(300, 260, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 260; y++) {
            for (int x = 0; x < 300; x++) {
                grey.getRaster().setSample(x, y, 0, (x / 30 + y / 26) % 2 == 0 ? 60 : 190);
            }
        }
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(grey, "jpeg", jpeg);

        Bitmap decoded = ImageDecoder.decode(jpeg.toByteArray(), DecodeLimits.defaults());
        byte[] rgb = preprocessor.resizedRgb(jpeg.toByteArray());

        assertThat(decoded.mode()).isEqualTo(PixelMode.L);
        for (int p = 0; p < rgb.length; p += 3) {
            assertThat(rgb[p + 1]).isEqualTo(rgb[p]);
            assertThat(rgb[p + 2]).isEqualTo(rgb[p]);
        }
    }

    @Test
    void sameSizeImageIsNotResampled() throws Exception {
        // a 224 x 224 input goes through Pillow's copy shortcut: output equals input exactly
        BufferedImage image = new BufferedImage(224, 224, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 224; y++) {
            for (int x = 0; x < 224; x++) {
                image.setRGB(x, y, (x * 7 % 256) << 16 | (y * 3 % 256) << 8 | ((x ^ y) & 255));
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);

        byte[] rgb = preprocessor.resizedRgb(png.toByteArray());

        for (int y = 0; y < 224; y++) {
            for (int x = 0; x < 224; x++) {
                int p = (y * 224 + x) * 3;
                assertThat(new int[] {rgb[p] & 0xFF, rgb[p + 1] & 0xFF, rgb[p + 2] & 0xFF})
                        .containsExactly(x * 7 % 256, y * 3 % 256, (x ^ y) & 255);
            }
        }
    }
}
