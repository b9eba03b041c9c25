package dev.facesweep.scoring;

import java.util.Arrays;
import java.util.List;

/**
 * Images decoded and preprocessed into one NCHW buffer, ready for the image model; the images that failed carry
 * their error. Made by {@link ClipScorer#prepare}, consumed by {@link ClipScorer#infer}: keeping the two apart
 * lets a worker decode the next batch while the model runs this one.
 */
public final class PreparedBatch {

    private final List<ImageInput> inputs;
    private final float[] pixels;
    private final int tensorSize;
    private final String[] errors;

    PreparedBatch(List<ImageInput> inputs, float[] pixels, int tensorSize, String[] errors) {
        this.inputs = List.copyOf(inputs);
        this.pixels = pixels;
        this.tensorSize = tensorSize;
        this.errors = errors;
    }

    public int size() {
        return inputs.size();
    }

    /** Images that were read and preprocessed. */
    public int readable() {
        return (int) Arrays.stream(errors).filter(e -> e == null).count();
    }

    List<ImageInput> inputs() {
        return inputs;
    }

    /** Error of image {@code i}, or null when it was preprocessed. */
    String error(int i) {
        return errors[i];
    }

    /** The readable images' tensors packed from index 0, in input order. */
    float[] packedPixels() {
        int ok = readable();
        if (ok == inputs.size()) {
            return pixels;
        }
        float[] packed = new float[ok * tensorSize];
        int row = 0;
        for (int i = 0; i < inputs.size(); i++) {
            if (errors[i] == null) {
                System.arraycopy(pixels, i * tensorSize, packed, row++ * tensorSize, tensorSize);
            }
        }
        return packed;
    }
}
