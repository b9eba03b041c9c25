package dev.facesweep.imaging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Pillow's resampling arithmetic, checked against the golden values in docs/clip-fidelity.md and first principles. */
class PillowResizeTest {

    /** clip-fidelity.md: pixel(x, y) = ((7x + 13y) % 256, (x*x + 3y) % 256, (x ^ y) & 255), 512 x 512 RGB. */
    private static Bitmap goldenInput() {
        byte[] px = new byte[512 * 512 * 3];
        for (int y = 0, p = 0; y < 512; y++) {
            for (int x = 0; x < 512; x++) {
                px[p++] = (byte) ((7 * x + 13 * y) % 256);
                px[p++] = (byte) ((x * x + 3 * y) % 256);
                px[p++] = (byte) ((x ^ y) & 255);
            }
        }
        return Bitmap.of8(PixelMode.RGB, 512, 512, px);
    }

    @Test
    void bicubic512To224MatchesPillowsGoldenHash() throws Exception {
        Bitmap out = PillowResize.resize(goldenInput(), 224, 224, Interpolation.BICUBIC, 0, 0, 224, 224);

        assertThat(ReferenceImagesTest.sha256(out.pixels()))
                .isEqualTo("ee0848fd753d98f917c4e35689588e6643dac2c1e54b933a22759ee758a100fd");
    }

    @Test
    void fullPreprocessorGivesTheSameGoldenBytes() throws Exception {
        byte[] rgb = ClipImagePreprocessor.openClipDefault().fit(goldenInput());

        assertThat(ReferenceImagesTest.sha256(rgb))
                .isEqualTo("ee0848fd753d98f917c4e35689588e6643dac2c1e54b933a22759ee758a100fd");
    }

    @Test
    void windowOfTheResizeEqualsTheSameRegionOfTheFullResize() {
        Bitmap full = PillowResize.resize(goldenInput(), 224, 300, Interpolation.BICUBIC, 0, 0, 224, 300);
        Bitmap window = PillowResize.resize(goldenInput(), 224, 300, Interpolation.BICUBIC, 10, 38, 200, 224);

        for (int y = 0; y < 224; y++) {
            for (int x = 0; x < 200; x++) {
                for (int c = 0; c < 3; c++) {
                    assertThat(window.pixels()[(y * 200 + x) * 3 + c])
                            .isEqualTo(full.pixels()[((y + 38) * 224 + x + 10) * 3 + c]);
                }
            }
        }
    }

    @Test
    void coefficientsOfTheFirstOutputColumnMatchPillow() {
        AxisWeights w = AxisWeights.compute(512, 224, Interpolation.BICUBIC);

        assertThat(w.xmin()[0]).isZero();
        assertThat(w.fixedFor(0)).containsExactly(1646897, 1861860, 852664, -28900, -130367, -7849);
    }

    @Test
    void coefficientsAreNormalisedToOneInFixedPoint() {
        AxisWeights w = AxisWeights.compute(640, 298, Interpolation.BICUBIC);

        for (int x = 0; x < 298; x++) {
            long sum = 0;
            for (int k : w.fixedFor(x)) {
                sum += k;
            }
            // each weight is rounded separately: the sum is 2^22 up to one half-unit per tap
            assertThat(Math.abs(sum - (1 << 22))).isLessThanOrEqualTo(w.taps()[x]);
            assertThat(w.xmin()[x] + w.taps()[x]).isLessThanOrEqualTo(640);
        }
    }

    @Test
    void constantImageStaysConstantThroughBothPasses() {
        byte[] px = new byte[97 * 131];
        java.util.Arrays.fill(px, (byte) 100);

        Bitmap out = PillowResize.resize(Bitmap.of8(PixelMode.L, 97, 131, px), 224, 302, Interpolation.BICUBIC,
                0, 0, 224, 302);

        assertThat(out.pixels()).containsOnly((byte) 100);
    }

    @Test
    void sameSizeIsAnUnchangedCopy() {
        Bitmap in = goldenInput();
        byte[] before = in.pixels().clone();

        Bitmap out = PillowResize.resize(in, 512, 512, Interpolation.BICUBIC, 0, 0, 512, 512);

        assertThat(out.pixels()).isEqualTo(before);
    }

    @Test
    void nearestMappingIsTheAccumulatedFormula() {
        // first principles: the exact source coordinate of output i is (2i + 1) * in / (2 * out). Where it is not
        // an integer, the accumulated double lands on its floor; where it is an integer, accumulated rounding may
        // leave it just below (the one place the direct formula (int)((i + 0.5) * s) can differ).
        int[][] sizes = {{512, 224}, {100, 280}, {640, 298}, {512, 382}, {280, 627}, {3, 7}};
        int inexactDiffers = 0;
        for (int[] s : sizes) {
            int in = s[0];
            int out = s[1];
            int[] map = AxisWeights.nearestMap(in, out);
            for (int i = 0; i < out; i++) {
                long num = (2L * i + 1) * in;
                long den = 2L * out;
                long floor = num / den;
                if (num % den != 0) {
                    assertThat(map[i]).as("%d->%d at %d", in, out, i).isEqualTo((int) floor);
                } else {
                    assertThat(map[i]).as("%d->%d at %d", in, out, i).isBetween((int) floor - 1, (int) floor);
                }
                if (map[i] != (int) ((i + 0.5) * ((double) in / out))) {
                    inexactDiffers++;
                }
            }
            assertThat(map[0]).isGreaterThanOrEqualTo(0);
            assertThat(map[out - 1]).isLessThan(in);
        }
        // the two formulas are not interchangeable: on these sizes they disagree somewhere
        assertThat(inexactDiffers).isPositive();
    }

    @Test
    void muldiv255IsRoundedProductOver255ForEveryPair() {
        // Pillow's MULDIV255(x, y) = (t = x*y + 128, ((t >> 8) + t) >> 8) is x*y/255 rounded half up
        byte[] px = new byte[256 * 256 * 2];
        for (int a = 0, p = 0; a < 256; a++) {
            for (int c = 0; c < 256; c++, p += 2) {
                px[p] = (byte) c;
                px[p + 1] = (byte) a;
            }
        }
        PillowResize.premultiply(px, 2);
        for (int a = 0, p = 0; a < 256; a++) {
            for (int c = 0; c < 256; c++, p += 2) {
                assertThat(px[p] & 0xFF).isEqualTo((2 * c * a + 255) / 510);
                assertThat(px[p + 1] & 0xFF).isEqualTo(a);
            }
        }
    }

    @Test
    void unpremultiplyKeepsColourAtAlpha0And255AndDividesOtherwise() {
        byte[] px = {
            (byte) 40, 50, 60, 0,
            (byte) 40, 50, 60, (byte) 255,
            (byte) 40, 50, 60, (byte) 100,
            (byte) 200, 10, 0, (byte) 100};

        PillowResize.unpremultiply(px, 4);

        assertThat(px).containsExactly(
                40, 50, 60, 0,
                40, 50, 60, (byte) 255,
                (byte) (255 * 40 / 100), (byte) (255 * 50 / 100), (byte) (255 * 60 / 100), 100,
                (byte) 255, (byte) (255 * 10 / 100), 0, 100);
    }

    @Test
    void greyAndAlphaResizeLikeRgbaWithEqualChannels() {
        // Pillow widens 16-bit grey+alpha to RGBA; an 8-bit LA image must give the same grey through "La"
        int w = 300;
        int h = 260;
        byte[] la = new byte[w * h * 2];
        byte[] rgba = new byte[w * h * 4];
        for (int i = 0; i < w * h; i++) {
            byte l = (byte) ((i * 7) % 251);
            byte a = (byte) ((i / 3) % 256);
            la[2 * i] = l;
            la[2 * i + 1] = a;
            rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = l;
            rgba[4 * i + 3] = a;
        }

        Bitmap outLa = PillowResize.resize(Bitmap.of8(PixelMode.LA, w, h, la), 224, 224, Interpolation.BICUBIC,
                0, 0, 224, 224);
        Bitmap outRgba = PillowResize.resize(Bitmap.of8(PixelMode.RGBA, w, h, rgba), 224, 224,
                Interpolation.BICUBIC, 0, 0, 224, 224);

        for (int i = 0; i < 224 * 224; i++) {
            assertThat(outLa.pixels()[2 * i]).isEqualTo(outRgba.pixels()[4 * i]);
            assertThat(outLa.pixels()[2 * i + 1]).isEqualTo(outRgba.pixels()[4 * i + 3]);
        }
    }
}
