package dev.facesweep.imaging;

import java.util.Objects;

/**
 * open_clip's eval transform in Java, bit-exact with Pillow 9.4 for PNG input:
 * decode, resize (Pillow fixed-point filter, mode rules included), center crop or pad, convert to RGB, then
 * {@code (v / 255 - mean) / std} in float32 into an NCHW tensor.
 *
 * <p>Geometry per {@link ResizeMode}, as open_clip builds it from torchvision:
 * <ul>
 *   <li>{@code shortest}, square target: {@code Resize(size)} makes the short side {@code size} and the long side
 *       {@code int(size * long / short)}; then {@code CenterCrop} at {@code int(round((s - size) / 2))} (Python's
 *       round, half to even).</li>
 *   <li>{@code shortest}, non-square target: {@code ResizeKeepRatio} ({@code round(side / min ratio)}), then
 *       {@code CenterCrop}.</li>
 *   <li>{@code longest}: {@code ResizeKeepRatio} with the max ratio, then {@code CenterCropOrPad} with the fill
 *       colour (pad left/top {@code (target - s) // 2}; crop offset truncated).</li>
 *   <li>{@code squash}: {@code Resize((h, w))}.</li>
 * </ul>
 *
 * <p>Thread-safe; holds no per-image state.
 */
public final class ClipImagePreprocessor implements ImagePreprocessor {

    private final PreprocessConfig config;
    private final DecodeLimits limits;
    /** normalised value of every 8-bit level, per channel: exactly torch's float32 ToTensor + Normalize. */
    private final float[][] levels = new float[3][256];

    public ClipImagePreprocessor(PreprocessConfig config, DecodeLimits limits) {
        this.config = Objects.requireNonNull(config, "config");
        this.limits = Objects.requireNonNull(limits, "limits");
        float[] mean = config.mean();
        float[] std = config.std();
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                levels[c][v] = ((float) v / 255f - mean[c]) / std[c];
            }
        }
    }

    /** open_clip's ViT-L-14 defaults with the default decode limits. */
    public static ClipImagePreprocessor openClipDefault() {
        return new ClipImagePreprocessor(PreprocessConfig.openClipDefault(), DecodeLimits.defaults());
    }

    public PreprocessConfig config() {
        return config;
    }

    public DecodeLimits limits() {
        return limits;
    }

    @Override
    public int width() {
        return config.width();
    }

    @Override
    public int height() {
        return config.height();
    }

    @Override
    public void preprocess(byte[] encoded, float[] dest, int offset) throws ImageException {
        Objects.requireNonNull(dest, "dest");
        if (offset < 0 || offset > dest.length - tensorSize()) {
            throw new IllegalArgumentException("dest has " + dest.length + " floats; an image at offset " + offset
                    + " needs " + tensorSize());
        }
        normalize(resizedRgb(encoded), dest, offset);
    }

    /**
     * The model-sized RGB image after resize, crop or pad and RGB conversion, before normalisation:
     * {@code height() * width() * 3} bytes, row-major, R G B per pixel. Same checks and errors as
     * {@link #preprocess}.
     */
    public byte[] resizedRgb(byte[] encoded) throws ImageException {
        return fit(ImageDecoder.decode(encoded, limits));
    }

    /** Writes the tensor of an RGB buffer from {@link #resizedRgb} into {@code dest} at {@code offset} (NCHW). */
    public void normalize(byte[] rgb, float[] dest, int offset) {
        int plane = width() * height();
        if (rgb.length != plane * 3) {
            throw new IllegalArgumentException("expected " + plane * 3 + " RGB bytes, got " + rgb.length);
        }
        float[] r = levels[0];
        float[] g = levels[1];
        float[] b = levels[2];
        for (int i = 0, p = 0; i < plane; i++, p += 3) {
            dest[offset + i] = r[rgb[p] & 0xFF];
            dest[offset + plane + i] = g[rgb[p + 1] & 0xFF];
            dest[offset + 2 * plane + i] = b[rgb[p + 2] & 0xFF];
        }
    }

    /** Resize, crop or pad, and convert a decoded image to model-sized RGB bytes. May modify {@code image}. */
    byte[] fit(Bitmap image) throws ImageException {
        int tw = config.width();
        int th = config.height();
        int w = image.width();
        int h = image.height();
        int rw;
        int rh;
        boolean pad = false; // CenterCropOrPad (fill colour, truncated offsets) instead of CenterCrop
        switch (config.resizeMode()) {
            case SQUASH -> {
                rw = tw;
                rh = th;
            }
            case SHORTEST -> {
                if (tw == th) {
                    // torchvision Resize(int): int(size * long / short), Python true division then truncation
                    if (w <= h) {
                        rw = tw;
                        rh = (int) ((double) ((long) tw * h) / w);
                    } else {
                        rh = th;
                        rw = (int) ((double) ((long) th * w) / h);
                    }
                } else {
                    double ratio = Math.min((double) h / th, (double) w / tw);
                    rw = (int) Math.rint(w / ratio);
                    rh = (int) Math.rint(h / ratio);
                }
            }
            case LONGEST -> {
                double ratio = Math.max((double) h / th, (double) w / tw);
                rw = (int) Math.rint(w / ratio);
                rh = (int) Math.rint(h / ratio);
                pad = true;
            }
            default -> throw new IllegalStateException("unknown resize mode " + config.resizeMode());
        }
        if (rw < 1 || rh < 1) {
            throw new ImageException("image is " + w + "x" + h + " pixels, too elongated to fit " + tw + "x" + th
                    + " (a side would shrink to 0)");
        }
        Span sx = Span.place(rw, tw, pad);
        Span sy = Span.place(rh, th, pad);
        Bitmap window = PillowResize.resize(image, rw, rh, config.interpolation(),
                sx.src, sy.src, sx.count, sy.count);
        int fill = pad ? config.fillColor() : 0;
        if (sx.count == tw && sy.count == th && window.mode() == PixelMode.RGB) {
            return window.pixels();
        }
        byte[] out = new byte[tw * th * 3];
        if (sx.count != tw || sy.count != th) {
            byte[] f = fillRgb(window, fill);
            for (int p = 0; p < out.length; p += 3) {
                out[p] = f[0];
                out[p + 1] = f[1];
                out[p + 2] = f[2];
            }
        }
        toRgb(window, out, tw, sx.dst, sy.dst);
        return out;
    }

    /** Pillow's {@code convert("RGB")} of {@code src}, written at (x0, y0) of an RGB image {@code outW} wide. */
    private static void toRgb(Bitmap src, byte[] out, int outW, int x0, int y0) {
        int w = src.width();
        int bands = src.mode().bands();
        byte[] px = src.pixels();
        byte[] pal = src.palette();
        int[] ints = src.ints();
        for (int y = 0; y < src.height(); y++) {
            int d = ((y0 + y) * outW + x0) * 3;
            int s = y * w;
            for (int x = 0; x < w; x++, s++, d += 3) {
                switch (src.mode()) {
                    case RGB, RGBA -> {
                        out[d] = px[s * bands];
                        out[d + 1] = px[s * bands + 1];
                        out[d + 2] = px[s * bands + 2];
                    }
                    case L, LA -> out[d] = out[d + 1] = out[d + 2] = px[s * bands];
                    case ONE -> out[d] = out[d + 1] = out[d + 2] = (byte) (px[s] != 0 ? 255 : 0);
                    case P -> {
                        int i = (px[s] & 0xFF) * 3;
                        out[d] = pal[i];
                        out[d + 1] = pal[i + 1];
                        out[d + 2] = pal[i + 2];
                    }
                    case I -> out[d] = out[d + 1] = out[d + 2] = (byte) Math.max(0, Math.min(255, ints[s]));
                    default -> throw new IllegalStateException("unknown mode " + src.mode());
                }
            }
        }
    }

    /** The RGB colour of padding value {@code fill} in the image's own mode (a palette index for P). */
    private static byte[] fillRgb(Bitmap b, int fill) {
        return switch (b.mode()) {
            case P -> new byte[] {b.palette()[fill * 3], b.palette()[fill * 3 + 1], b.palette()[fill * 3 + 2]};
            case ONE -> {
                byte v = (byte) (fill != 0 ? 255 : 0);
                yield new byte[] {v, v, v};
            }
            default -> new byte[] {(byte) fill, (byte) fill, (byte) fill};
        };
    }

    /** Where one axis of the resized image lands in the target: source start, length, destination start. */
    private record Span(int src, int count, int dst) {

        /**
         * torchvision {@code CenterCrop} (round half to even, pad with 0) or open_clip {@code CenterCropOrPad}
         * (truncate, pad with the fill colour). Both pad left/top by {@code (target - size) // 2}.
         */
        static Span place(int size, int target, boolean truncate) {
            if (target > size) {
                return new Span(0, size, (target - size) / 2);
            }
            double half = (size - target) / 2.0;
            return new Span(truncate ? (int) half : (int) Math.rint(half), target, 0);
        }
    }
}
