package dev.facesweep.worker;

import dev.facesweep.protocol.BatchMessage;

/**
 * A batch whose images were read, checked and preprocessed, ready for the image model; images that failed carry
 * a one-line error. Made by {@link BatchScoringHandler#prepare}, consumed (once) by
 * {@link BatchScoringHandler#infer}.
 */
public final class DecodedBatch {

    private final BatchMessage batch;
    private final float[] pixels;
    private final int tensorSize;
    private final String[] errors;
    private final double decodeMs;
    private final double preprocessMs;

    DecodedBatch(BatchMessage batch, float[] pixels, int tensorSize, String[] errors, double decodeMs,
            double preprocessMs) {
        this.batch = batch;
        this.pixels = pixels;
        this.tensorSize = tensorSize;
        this.errors = errors;
        this.decodeMs = decodeMs;
        this.preprocessMs = preprocessMs;
    }

    public BatchMessage batch() {
        return batch;
    }

    public int size() {
        return errors.length;
    }

    /** Images that were read and preprocessed. */
    public int readable() {
        int n = 0;
        for (String e : errors) {
            if (e == null) {
                n++;
            }
        }
        return n;
    }

    /** Error of image {@code i} of the batch, or null when it is ready for the model. */
    public String error(int i) {
        return errors[i];
    }

    /** Wall time spent reading and checking the bytes (share of the prepare phase). */
    public double decodeMs() {
        return decodeMs;
    }

    /** Wall time spent decoding, resizing and normalising (share of the prepare phase). */
    public double preprocessMs() {
        return preprocessMs;
    }

    /** The readable images' tensors packed from index 0, in batch order. */
    float[] packedPixels() {
        int ok = readable();
        if (ok == errors.length) {
            return pixels;
        }
        float[] packed = new float[ok * tensorSize];
        int row = 0;
        for (int i = 0; i < errors.length; i++) {
            if (errors[i] == null) {
                System.arraycopy(pixels, i * tensorSize, packed, row++ * tensorSize, tensorSize);
            }
        }
        return packed;
    }
}
