package dev.facesweep.imaging;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * open_clip's eval preprocessing parameters, as written to a bundle's {@code visual/preprocess_cfg.json}.
 *
 * @param width model input width in pixels
 * @param height model input height in pixels
 * @param mean per-channel mean (R, G, B), subtracted after scaling to [0, 1]
 * @param std per-channel standard deviation (R, G, B), divided by after the mean
 * @param interpolation Pillow filter for the resize
 * @param resizeMode how the image is fitted to width x height
 * @param fillColor padding value (0..255, in the image's own mode) for {@link ResizeMode#LONGEST}
 */
public record PreprocessConfig(
        int width,
        int height,
        float[] mean,
        float[] std,
        Interpolation interpolation,
        ResizeMode resizeMode,
        int fillColor) {

    /** OpenAI CLIP's normalisation, used by open_clip for the ViT-L-14 family. */
    static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};

    static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public PreprocessConfig {
        if (width <= 0 || height <= 0 || width > 8192 || height > 8192) {
            throw new IllegalArgumentException("size must be between 1 and 8192 pixels per side, got "
                    + height + "x" + width + " (height x width)");
        }
        mean = checkTriple("mean", mean, false);
        std = checkTriple("std", std, true);
        if (interpolation == null) {
            throw new IllegalArgumentException("interpolation is required");
        }
        if (resizeMode == null) {
            throw new IllegalArgumentException("resize_mode is required");
        }
        if (fillColor < 0 || fillColor > 255) {
            throw new IllegalArgumentException("fill_color must be between 0 and 255, got " + fillColor);
        }
    }

    /** open_clip's defaults for ViT-L-14: 224 x 224, CLIP mean/std, bicubic, shortest side, fill 0. */
    public static PreprocessConfig openClipDefault() {
        return new PreprocessConfig(224, 224, CLIP_MEAN, CLIP_STD, Interpolation.BICUBIC, ResizeMode.SHORTEST, 0);
    }

    /** A copy of the per-channel mean (R, G, B). */
    @Override
    public float[] mean() {
        return mean.clone();
    }

    /** A copy of the per-channel standard deviation (R, G, B). */
    @Override
    public float[] std() {
        return std.clone();
    }

    /**
     * Reads a {@code preprocess_cfg.json} file.
     *
     * @throws IllegalArgumentException naming the file and the bad field when it cannot be read or used
     */
    public static PreprocessConfig fromJson(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(file);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(file + ": not readable JSON (" + firstLine(e.getOriginalMessage())
                    + "); re-export the model bundle", e);
        }
        try {
            return parse(root);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the fields of a {@code preprocess_cfg.json} object: {@code size} (an int or [height, width]),
     * {@code mode} (must be RGB), {@code mean}, {@code std}, {@code interpolation}, {@code resize_mode},
     * {@code fill_color}. Missing fields take open_clip's defaults; unknown fields are ignored.
     *
     * @throws IllegalArgumentException naming the field that is malformed
     */
    public static PreprocessConfig parse(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("preprocess config must be a JSON object");
        }
        PreprocessConfig d = openClipDefault();
        int width = d.width;
        int height = d.height;
        JsonNode size = root.get("size");
        if (size != null && !size.isNull()) {
            if (size.isArray() && size.size() == 2 && isPositiveInt(size.get(0)) && isPositiveInt(size.get(1))) {
                height = size.get(0).intValue();
                width = size.get(1).intValue();
            } else if (isPositiveInt(size)) {
                height = size.intValue();
                width = height;
            } else {
                throw badField("size", "a positive integer or [height, width]", size);
            }
        }
        JsonNode mode = root.get("mode");
        if (mode != null && !mode.isNull() && !(mode.isString() && mode.asString().equals("RGB"))) {
            throw badField("mode", "\"RGB\" (the only colour mode open_clip models use)", mode);
        }
        float[] mean = floats(root, "mean", d.mean);
        float[] std = floats(root, "std", d.std);
        Interpolation interpolation = enumField(root, "interpolation", d.interpolation, Interpolation::fromName);
        ResizeMode resizeMode = enumField(root, "resize_mode", d.resizeMode, ResizeMode::fromName);
        int fillColor = d.fillColor;
        JsonNode fill = root.get("fill_color");
        if (fill != null && !fill.isNull()) {
            if (!fill.isIntegralNumber() || !fill.canConvertToInt() || fill.intValue() < 0 || fill.intValue() > 255) {
                throw badField("fill_color", "an integer from 0 to 255", fill);
            }
            fillColor = fill.intValue();
        }
        try {
            return new PreprocessConfig(width, height, mean, std, interpolation, resizeMode, fillColor);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("field " + e.getMessage(), e);
        }
    }

    private static boolean isPositiveInt(JsonNode node) {
        return node != null && node.isIntegralNumber() && node.canConvertToInt() && node.intValue() > 0;
    }

    private static float[] floats(JsonNode root, String field, float[] fallback) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isArray() || node.size() != 3) {
            throw badField(field, "an array of 3 numbers (R, G, B)", node);
        }
        float[] out = new float[3];
        for (int i = 0; i < 3; i++) {
            JsonNode v = node.get(i);
            if (!v.isNumber()) {
                throw badField(field, "an array of 3 numbers (R, G, B)", node);
            }
            // Python holds these as doubles and torch rounds them to float32: parse as double, then narrow.
            out[i] = (float) v.doubleValue();
        }
        return out;
    }

    private static <E> E enumField(JsonNode root, String field, E fallback,
            java.util.function.Function<String, E> parser) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isString()) {
            throw badField(field, "a string", node);
        }
        try {
            return parser.apply(node.asString().trim().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("field \"" + field + "\": " + e.getMessage(), e);
        }
    }

    private static IllegalArgumentException badField(String field, String expected, JsonNode got) {
        String shown = got.toString();
        if (shown.length() > 60) {
            shown = shown.substring(0, 57) + "...";
        }
        return new IllegalArgumentException("field \"" + field + "\" must be " + expected + ", got " + shown);
    }

    private static float[] checkTriple(String name, float[] values, boolean positive) {
        if (values == null || values.length != 3) {
            throw new IllegalArgumentException(name + " must have 3 values (R, G, B)");
        }
        for (float v : values) {
            if (!Float.isFinite(v) || (positive && v <= 0f)) {
                throw new IllegalArgumentException(name + " values must be finite" + (positive ? " and > 0" : "")
                        + ", got " + Arrays.toString(values));
            }
        }
        return values.clone();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PreprocessConfig c
                && width == c.width
                && height == c.height
                && Arrays.equals(mean, c.mean)
                && Arrays.equals(std, c.std)
                && interpolation == c.interpolation
                && resizeMode == c.resizeMode
                && fillColor == c.fillColor;
    }

    @Override
    public int hashCode() {
        int h = 31 * width + height;
        h = 31 * h + Arrays.hashCode(mean);
        h = 31 * h + Arrays.hashCode(std);
        h = 31 * h + interpolation.hashCode();
        h = 31 * h + resizeMode.hashCode();
        return 31 * h + fillColor;
    }

    @Override
    public String toString() {
        return "PreprocessConfig[size=" + height + "x" + width
                + ", mean=" + Arrays.toString(mean)
                + ", std=" + Arrays.toString(std)
                + ", interpolation=" + interpolation.jsonName()
                + ", resizeMode=" + resizeMode.jsonName()
                + ", fillColor=" + fillColor + "]";
    }
}
