package dev.facesweep.imaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every PNG colour type and bit depth decodes to Pillow's mode with the file's samples. Files are written by
 * ImageIO's PNG writer (which uses all five row filters) or crafted by {@link TestPngs}; expected samples come from
 * the writer's own raster.
 */
class PngDecoderTest {

    private static final int W = 37;
    private static final int H = 23;

    private static int sample(int x, int y, int band, int max) {
        return (x * 31 + y * 17 + band * 59 + x * y) % (max + 1);
    }

    private static byte[] write(BufferedImage image) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, "png", out)).as("ImageIO wrote a PNG").isTrue();
        return out.toByteArray();
    }

    private static BufferedImage component(ColorSpace cs, boolean alpha, int dataType) {
        ComponentColorModel cm = new ComponentColorModel(cs, alpha, false,
                alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE, dataType);
        WritableRaster raster = cm.createCompatibleWritableRaster(W, H);
        int max = dataType == DataBuffer.TYPE_USHORT ? 65535 : 255;
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                for (int b = 0; b < raster.getNumBands(); b++) {
                    raster.setSample(x, y, b, sample(x, y, b, max) * (max == 65535 ? 251 : 1) % (max + 1));
                }
            }
        }
        return new BufferedImage(cm, raster, false, null);
    }

    /** Colour type and bit depth as written in the file's IHDR. */
    private static int[] ihdr(byte[] png) {
        return new int[] {png[25] & 0xFF, png[24] & 0xFF};
    }

    @ParameterizedTest(name = "{0} alpha={1} 16-bit={2}")
    @CsvSource({
        "GRAY, false, false, L, 0, 8",
        "GRAY, true, false, LA, 4, 8",
        "GRAY, false, true, I, 0, 16",
        "GRAY, true, true, RGBA, 4, 16",
        "RGB, false, false, RGB, 2, 8",
        "RGB, true, false, RGBA, 6, 8",
        "RGB, false, true, RGB, 2, 16",
        "RGB, true, true, RGBA, 6, 16"})
    void componentImagesDecodeToPillowsModes(String space, boolean alpha, boolean sixteen, String mode,
            int colorType, int depth) throws Exception {
        ColorSpace cs = ColorSpace.getInstance(space.equals("GRAY") ? ColorSpace.CS_GRAY : ColorSpace.CS_sRGB);
        BufferedImage image = component(cs, alpha, sixteen ? DataBuffer.TYPE_USHORT : DataBuffer.TYPE_BYTE);
        byte[] png = write(image);
        assertThat(ihdr(png)).containsExactly(colorType, depth);

        Bitmap bitmap = PngDecoder.decode(png, DecodeLimits.defaults());

        assertThat(bitmap.mode().pillowName()).isEqualTo(mode);
        assertThat(bitmap.width()).isEqualTo(W);
        assertThat(bitmap.height()).isEqualTo(H);
        WritableRaster raster = image.getRaster();
        int fileBands = raster.getNumBands();
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int p = y * W + x;
                if (bitmap.mode() == PixelMode.I) {
                    assertThat(bitmap.ints()[p]).isEqualTo(raster.getSample(x, y, 0));
                    continue;
                }
                int bands = bitmap.mode().bands();
                for (int b = 0; b < bands; b++) {
                    // grey+alpha 16-bit opens as RGBA: bands 0..2 are the grey, band 3 the alpha
                    int fileBand = fileBands == 2 && bands == 4 ? (b == 3 ? 1 : 0) : b;
                    int expected = raster.getSample(x, y, fileBand);
                    if (sixteen) {
                        expected >>= 8; // Pillow keeps the high byte
                    }
                    assertThat(bitmap.pixels()[p * bands + b] & 0xFF).as("x=%d y=%d band %d", x, y, b)
                            .isEqualTo(expected);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}-bit palette")
    @CsvSource({"1", "2", "4", "8"})
    void palettesOfEveryDepthKeepIndicesAndColours(int bits) throws Exception {
        int size = 1 << bits;
        byte[] r = new byte[size];
        byte[] g = new byte[size];
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            r[i] = (byte) (i * 37 + 5);
            g[i] = (byte) (200 - i);
            b[i] = (byte) (i * 11);
        }
        IndexColorModel icm = new IndexColorModel(bits, size, r, g, b);
        BufferedImage image = new BufferedImage(W, H,
                bits == 8 ? BufferedImage.TYPE_BYTE_INDEXED : BufferedImage.TYPE_BYTE_BINARY, icm);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                image.getRaster().setSample(x, y, 0, sample(x, y, 0, size - 1));
            }
        }
        byte[] png = write(image);
        assertThat(ihdr(png)).containsExactly(3, bits);

        Bitmap bitmap = PngDecoder.decode(png, DecodeLimits.defaults());

        assertThat(bitmap.mode()).isEqualTo(PixelMode.P);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                assertThat(bitmap.pixels()[y * W + x] & 0xFF).isEqualTo(image.getRaster().getSample(x, y, 0));
            }
        }
        for (int i = 0; i < size; i++) {
            assertThat(new byte[] {bitmap.palette()[3 * i], bitmap.palette()[3 * i + 1], bitmap.palette()[3 * i + 2]})
                    .containsExactly(r[i], g[i], b[i]);
        }
    }

    @ParameterizedTest(name = "{0}-bit grey")
    @CsvSource({"1, 255", "2, 85", "4, 17"})
    void lowDepthGreyScalesLikePillow(int bits, int scale) throws Exception {
        int rowBytes = (W * bits + 7) / 8;
        byte[] raw = TestPngs.rawRows(H, rowBytes, (row, i) -> row * 29 + i * 101);
        byte[] png = TestPngs.start().ihdr(W, H, bits, 0).idat(raw).iend().bytes();

        Bitmap bitmap = PngDecoder.decode(png, DecodeLimits.defaults());

        assertThat(bitmap.mode()).isEqualTo(bits == 1 ? PixelMode.ONE : PixelMode.L);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int bit = x * bits;
                int packed = raw[y * (rowBytes + 1) + 1 + bit / 8] & 0xFF;
                int v = (packed >> (8 - bits - bit % 8)) & ((1 << bits) - 1);
                assertThat(bitmap.pixels()[y * W + x] & 0xFF).isEqualTo(v * scale);
            }
        }
    }

    @Test
    void greyIsNotGammaConverted() throws Exception {
        for (int size : new int[] {224, 300}) {
            BufferedImage grey = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    grey.getRaster().setSample(x, y, 0, 100);
                }
            }

            byte[] rgb = ClipImagePreprocessor.openClipDefault().resizedRgb(write(grey));

            assertThat(rgb).as("%dx%d grey 100", size, size).containsOnly((byte) 100);
        }
    }

    @Test
    void sixteenBitGreyClipsAt255LikePillowsModeI() throws Exception {
        // Pillow opens 16-bit grey as mode I and convert("RGB") clips I values to 0..255
        BufferedImage grey = new BufferedImage(224, 224, BufferedImage.TYPE_USHORT_GRAY);
        for (int y = 0; y < 224; y++) {
            for (int x = 0; x < 224; x++) {
                grey.getRaster().setSample(x, y, 0, x < 112 ? 100 : 1000);
            }
        }

        byte[] rgb = ClipImagePreprocessor.openClipDefault().resizedRgb(write(grey));

        assertThat(rgb[0] & 0xFF).isEqualTo(100);
        assertThat(rgb[(224 - 1) * 3] & 0xFF).isEqualTo(255);
    }

    @Test
    void interlacedImageDecodesToTheSamePixelsAsItsPlainTwin() throws Exception {
        byte[] plain = PillowGoldensTest.resource("rgb_224x300.png");
        Bitmap expected = PngDecoder.decode(plain, DecodeLimits.defaults());
        // Adam7 re-encoding of the same pixels, built here pass by pass
        int w = expected.width();
        int h = expected.height();
        int[][] passes = {{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}};
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        for (int[] p : passes) {
            for (int y = p[1]; y < h; y += p[3]) {
                if (p[0] >= w) {
                    break;
                }
                raw.write(0);
                for (int x = p[0]; x < w; x += p[2]) {
                    raw.write(expected.pixels(), (y * w + x) * 3, 3);
                }
            }
        }
        byte[] ihdr = java.nio.ByteBuffer.allocate(13).putInt(w).putInt(h)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 1).array();
        byte[] png = TestPngs.start().chunk("IHDR", ihdr).idat(raw.toByteArray()).iend().bytes();

        Bitmap interlaced = PngDecoder.decode(png, DecodeLimits.defaults());

        assertThat(interlaced.pixels()).isEqualTo(expected.pixels());
    }

    @Test
    void idatSplitAcrossManyChunksIsJoined() throws Exception {
        byte[] raw = TestPngs.rawRows(H, W * 3, (row, i) -> row * 3 + i);
        byte[] z = TestPngs.deflate(raw);
        TestPngs png = TestPngs.start().ihdr(W, H, 8, 2);
        for (int i = 0; i < z.length; i += 7) {
            png.chunk("IDAT", java.util.Arrays.copyOfRange(z, i, Math.min(z.length, i + 7)));
        }

        Bitmap bitmap = PngDecoder.decode(png.chunk("tEXt", "k\0v".getBytes()).iend().bytes(), DecodeLimits.defaults());

        assertThat(bitmap.pixels()[(H - 1) * W * 3 + W * 3 - 1] & 0xFF).isEqualTo(((H - 1) * 3 + W * 3 - 1) & 0xFF);
    }
}
